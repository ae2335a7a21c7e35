#include "Config.h"

#include "EmailAddress.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSettings>
#include <QTimeZone>
#include <QStandardPaths>
#include <QUrl>

#include <arpa/inet.h>

#include <limits>
#include <optional>

namespace caiwu {

namespace {

constexpr qint64 KiB = 1024;
constexpr qint64 MiB = 1024 * KiB;

QList<ConfigKey> buildRegistry()
{
    using T = ConfigType;
    return {
        {QStringLiteral("api.listen"), T::Address, QStringLiteral("0.0.0.0"),
         QStringLiteral("Address the API listens on (0.0.0.0 or :: for the whole LAN)"), 0, 0, {}, QStringLiteral("api")},
        {QStringLiteral("api.port"), T::Port, 8787, QStringLiteral("TCP port of the API and web client (0 picks a free port)"),
         0, 65535, {}, QStringLiteral("api")},
        {QStringLiteral("api.threads"), T::Int, 0, QStringLiteral("HTTP worker threads (0 = one per CPU core)"), 0, 64, {},
         QStringLiteral("api")},
        {QStringLiteral("mail.listen"), T::Address, QStringLiteral("127.0.0.1"),
         QStringLiteral("Address the internal mail service listens on"), 0, 0, {}, QStringLiteral("mail")},
        {QStringLiteral("mail.port"), T::Port, 8788, QStringLiteral("TCP port of the internal mail service (0 picks a free port)"),
         0, 65535, {}, QStringLiteral("mail")},
        {QStringLiteral("http.max_body_bytes"), T::Bytes, 12 * MiB, QStringLiteral("Largest request body accepted (413 above)"),
         KiB, 1024 * MiB, {}, QStringLiteral("api")},
        {QStringLiteral("http.max_header_bytes"), T::Bytes, 16 * KiB,
         QStringLiteral("Largest request line plus headers accepted (431 above)"), KiB, MiB, {}, QStringLiteral("api")},
        {QStringLiteral("http.idle_timeout_s"), T::Int, 15, QStringLiteral("Seconds an idle keep-alive connection stays open"),
         1, 3600, {}, QStringLiteral("api")},
        {QStringLiteral("http.request_timeout_s"), T::Int, 10,
         QStringLiteral("Seconds a client may take to send a request's headers, or stall while sending its body"), 1, 600, {},
         QStringLiteral("api")},
        {QStringLiteral("http.cors_origins"), T::OriginList, QStringList(),
         QStringLiteral("Browser origins allowed to call the API, comma-separated (empty: the public URL and loopback)"), 0, 0,
         {}, QStringLiteral("api")},
        {QStringLiteral("http.trusted_proxies"), T::RangeList, QStringList(),
         QStringLiteral("Reverse proxies whose X-Forwarded-For is believed, as addresses or CIDR ranges (empty: none)"), 0, 0,
         {}, QStringLiteral("api")},
        {QStringLiteral("auth.lockout_threshold"), T::Int, 5,
         QStringLiteral("Failed logins after which an account is locked"), 1, 100, {}, QStringLiteral("api")},
        {QStringLiteral("auth.lockout_minutes"), T::Int, 15,
         QStringLiteral("Minutes a locked account stays locked, and the window failures are counted in"), 1, 1440, {},
         QStringLiteral("api")},
        {QStringLiteral("auth.ip_failure_limit"), T::Int, 20,
         QStringLiteral("Failed logins from one client address (any account) before it is refused for the window"), 1, 10000,
         {}, QStringLiteral("api")},
        {QStringLiteral("public.base_url"), T::Url, QString(),
         QStringLiteral("Address staff type in their browsers, used in emailed links (empty: http://<host name>:<api.port>)"),
         0, 0, {}, QStringLiteral("api")},
        {QStringLiteral("office.name"), T::String, QStringLiteral("Caiwu"), QStringLiteral("Office name shown in mails and pages"),
         1, 100, {}, QStringLiteral("api")},
        {QStringLiteral("office.timezone"), T::TimeZone, QStringLiteral("Asia/Shanghai"),
         QStringLiteral("Time zone of the office: business dates and the times in mails"), 0, 0, {}, QStringLiteral("api")},
        {QStringLiteral("smtp.host"), T::String, QString(), QStringLiteral("SMTP server of the office (empty: mail is queued, not sent)"),
         0, 253, {}, QStringLiteral("mail")},
        {QStringLiteral("smtp.port"), T::Port, 587, QStringLiteral("SMTP port (587 STARTTLS, 465 SMTPS, 25 plain)"), 1, 65535, {},
         QStringLiteral("mail")},
        {QStringLiteral("smtp.security"), T::Enum, QStringLiteral("starttls"),
         QStringLiteral("starttls (required, never plain), smtps (TLS from the start) or none"), 0, 0,
         {QStringLiteral("starttls"), QStringLiteral("smtps"), QStringLiteral("none")}, QStringLiteral("mail")},
        {QStringLiteral("smtp.user"), T::String, QString(),
         QStringLiteral("SMTP login (empty: no AUTH); its password is the SMTP_PASSWORD secret"), 0, 320, {}, QStringLiteral("mail")},
        {QStringLiteral("smtp.ca_file"), T::Path, QString(),
         QStringLiteral("PEM file of CAs to trust for the SMTP server (empty: the system's)"), 0, 0, {}, QStringLiteral("mail")},
        {QStringLiteral("smtp.timeout_s"), T::Int, 30, QStringLiteral("Seconds before an SMTP connection attempt or a stalled transfer fails"),
         1, 600, {}, QStringLiteral("mail")},
        {QStringLiteral("mail.from_address"), T::Email, QStringLiteral("caiwu@localhost"),
         QStringLiteral("Sender address of the appliance's mail"), 0, 0, {}, QStringLiteral("mail")},
        {QStringLiteral("mail.from_name"), T::String, QStringLiteral("财务系统"), QStringLiteral("Sender name of the appliance's mail"),
         0, 100, {}, QStringLiteral("mail")},
        {QStringLiteral("mail.max_attempts"), T::Int, 8,
         QStringLiteral("Delivery attempts before a message is marked failed"), 1, 100, {}, QStringLiteral("mail")},
        {QStringLiteral("mail.retry_base_s"), T::Int, 30,
         QStringLiteral("First retry delay in seconds; it doubles with each attempt (with jitter)"), 1, 86400, {}, QStringLiteral("mail")},
        {QStringLiteral("vouchers.max_bytes"), T::Bytes, 10 * MiB, QStringLiteral("Largest voucher file accepted"), KiB,
         512 * MiB, {}, QStringLiteral("api")},
        {QStringLiteral("data.dir"), T::Path, QString(),
         QStringLiteral("Folder for the database, vouchers, backups and logs (empty: the platform's data location)"), 0, 0, {},
         QStringLiteral("host")},
        {QStringLiteral("secrets.backend"), T::Enum, QStringLiteral("auto"),
         QStringLiteral("Where secrets are kept: auto, keychain (desktop) or systemd-creds (headless server)"), 0, 0,
         {QStringLiteral("auto"), QStringLiteral("keychain"), QStringLiteral("systemd-creds")}, QStringLiteral("host")},
        {QStringLiteral("log.level"), T::Enum, QStringLiteral("info"), QStringLiteral("Least severe log level written"), 0, 0,
         {QStringLiteral("debug"), QStringLiteral("info"), QStringLiteral("warning")}, QStringLiteral("host")},
        {QStringLiteral("log.requests"), T::Bool, true, QStringLiteral("Write one log line per HTTP request"), 0, 0, {},
         QStringLiteral("api")},
    };
}

QString typeHint(const ConfigKey &key)
{
    switch (key.type) {
    case ConfigType::Int:
    case ConfigType::Port:
        return QStringLiteral("a whole number from %1 to %2").arg(key.min).arg(key.max);
    case ConfigType::Bytes:
        return QStringLiteral("a size in bytes from %1 to %2 (suffixes K, M, G allowed)").arg(key.min).arg(key.max);
    case ConfigType::Bool:
        return QStringLiteral("true or false");
    case ConfigType::String:
        return QStringLiteral("text of %1 to %2 characters").arg(key.min).arg(key.max);
    case ConfigType::Address:
        return QStringLiteral("an IPv4 or IPv6 address such as 0.0.0.0, 127.0.0.1 or ::");
    case ConfigType::Url:
        return QStringLiteral("an http:// or https:// address such as http://192.168.1.10:8787, or empty");
    case ConfigType::Enum:
        return QStringLiteral("one of: %1").arg(key.choices.join(QStringLiteral(", ")));
    case ConfigType::OriginList:
        return QStringLiteral("comma-separated origins such as http://192.168.1.10:8787, or empty");
    case ConfigType::RangeList:
        return QStringLiteral("comma-separated addresses or CIDR ranges such as 127.0.0.1, 10.0.0.0/8, fd00::/8, or empty");
    case ConfigType::Path:
        return QStringLiteral("an absolute path, or empty");
    case ConfigType::Email:
        return QStringLiteral("an email address such as caiwu@office.example");
    case ConfigType::TimeZone:
        return QStringLiteral("an IANA time zone such as Asia/Shanghai or Asia/Dubai");
    }
    return {};
}

AppError invalid(const ConfigKey &key, const QString &text)
{
    return AppError::validation(QStringLiteral("%1: '%2' is not valid; expected %3").arg(key.name, text, typeHint(key)),
                                QJsonObject{{QStringLiteral("key"), key.name}});
}

std::optional<qint64> parseBytes(QString text)
{
    text = text.trimmed().toUpper();
    if (text.endsWith(QLatin1Char('B')))
        text.chop(1);
    qint64 factor = 1;
    if (text.endsWith(QLatin1Char('K'))) factor = KiB;
    else if (text.endsWith(QLatin1Char('M'))) factor = MiB;
    else if (text.endsWith(QLatin1Char('G'))) factor = 1024 * MiB;
    if (factor != 1)
        text.chop(1);
    bool ok = false;
    const qint64 n = text.trimmed().toLongLong(&ok);
    if (!ok || n < 0 || n > (std::numeric_limits<qint64>::max() / factor))
        return std::nullopt;
    return n * factor;
}

// "address" or "address/prefix"; the auth layer parses it fully (host bits, mapped forms).
bool validRange(const QString &range)
{
    const qsizetype slash = range.indexOf(QLatin1Char('/'));
    const QByteArray address = (slash < 0 ? range : range.left(slash)).toLatin1();
    unsigned char buffer[16];
    const bool v4 = inet_pton(AF_INET, address.constData(), buffer) == 1;
    if (!v4 && inet_pton(AF_INET6, address.constData(), buffer) != 1)
        return false;
    if (slash < 0)
        return true;
    bool ok = false;
    const int prefix = range.mid(slash + 1).toInt(&ok);
    return ok && prefix >= 0 && prefix <= (v4 ? 32 : 128);
}

bool validOrigin(const QString &origin)
{
    const QUrl url(origin, QUrl::StrictMode);
    return url.isValid() && (url.scheme() == QLatin1String("http") || url.scheme() == QLatin1String("https"))
        && !url.host().isEmpty() && url.path().isEmpty() && !url.hasQuery() && !url.hasFragment()
        && url.userInfo().isEmpty();
}

QString settingsKey(const QString &name)
{
    // "api.port" is stored as [api] port=… so the file reads naturally.
    QString key = name;
    return key.replace(QLatin1Char('.'), QLatin1Char('/'));
}

bool isEmailAddress(const QString &text)
{
    return EmailAddress::isValid(text);
}

} // namespace

const QList<ConfigKey> &Config::keys()
{
    static const QList<ConfigKey> registry = buildRegistry();
    return registry;
}

const ConfigKey *Config::find(const QString &name)
{
    for (const ConfigKey &key : keys())
        if (key.name == name)
            return &key;
    return nullptr;
}

QString Config::environmentName(const QString &key)
{
    QString env = QStringLiteral("CAIWU_") + key.toUpper();
    return env.replace(QLatin1Char('.'), QLatin1Char('_'));
}

QString Config::defaultFilePath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation) + QStringLiteral("/caiwu.conf");
}

Result<QVariant> Config::parse(const QString &name, const QString &text)
{
    const ConfigKey *key = find(name);
    if (!key) {
        QStringList names;
        for (const ConfigKey &k : keys())
            names << k.name;
        return AppError::validation(QStringLiteral("%1: no such setting; known settings are %2")
                                        .arg(name, names.join(QStringLiteral(", "))),
                                    QJsonObject{{QStringLiteral("key"), name}});
    }
    return parse(*key, text);
}

Result<QVariant> Config::parse(const ConfigKey &key, const QString &raw)
{
    const QString text = raw.trimmed();
    switch (key.type) {
    case ConfigType::Int:
    case ConfigType::Port: {
        bool ok = false;
        const qint64 n = text.toLongLong(&ok);
        if (!ok || n < key.min || n > key.max)
            return invalid(key, raw);
        return QVariant(n);
    }
    case ConfigType::Bytes: {
        const auto n = parseBytes(text);
        if (!n || *n < key.min || *n > key.max)
            return invalid(key, raw);
        return QVariant(*n);
    }
    case ConfigType::Bool: {
        const QString t = text.toLower();
        if (t == QLatin1String("true") || t == QLatin1String("1") || t == QLatin1String("yes") || t == QLatin1String("on"))
            return QVariant(true);
        if (t == QLatin1String("false") || t == QLatin1String("0") || t == QLatin1String("no") || t == QLatin1String("off"))
            return QVariant(false);
        return invalid(key, raw);
    }
    case ConfigType::String:
        if (text.size() < key.min || text.size() > key.max)
            return invalid(key, raw);
        return QVariant(text);
    case ConfigType::Address: {
        // inet_pton keeps core free of QtNetwork; both forms are accepted as typed.
        unsigned char buffer[16];
        const QByteArray ascii = text.toLatin1();
        if (inet_pton(AF_INET, ascii.constData(), buffer) != 1 && inet_pton(AF_INET6, ascii.constData(), buffer) != 1)
            return invalid(key, raw);
        return QVariant(text);
    }
    case ConfigType::Url: {
        if (text.isEmpty())
            return QVariant(QString());
        const QUrl url(text, QUrl::StrictMode);
        if (!url.isValid() || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https"))
            || url.host().isEmpty() || url.hasQuery() || url.hasFragment())
            return invalid(key, raw);
        QString normalised = url.toString(QUrl::StripTrailingSlash);
        // StripTrailingSlash keeps a bare "/" path; links are built as base + "/path".
        while (normalised.endsWith(QLatin1Char('/')))
            normalised.chop(1);
        return QVariant(normalised);
    }
    case ConfigType::Enum:
        if (!key.choices.contains(text))
            return invalid(key, raw);
        return QVariant(text);
    case ConfigType::OriginList: {
        QStringList origins;
        for (const QString &part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            QString origin = part.trimmed();
            if (origin.endsWith(QLatin1Char('/')))
                origin.chop(1);
            if (!validOrigin(origin))
                return invalid(key, raw);
            origins << origin;
        }
        return QVariant(origins);
    }
    case ConfigType::RangeList: {
        QStringList ranges;
        for (const QString &part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            const QString range = part.trimmed();
            if (!validRange(range))
                return invalid(key, raw);
            ranges << range;
        }
        return QVariant(ranges);
    }
    case ConfigType::Email:
        if (!isEmailAddress(text))
            return invalid(key, raw);
        return QVariant(text);
    case ConfigType::TimeZone:
        if (!QTimeZone::isTimeZoneIdAvailable(text.toLatin1()))
            return invalid(key, raw);
        return QVariant(text);
    case ConfigType::Path:
        if (text.isEmpty())
            return QVariant(QString());
        if (!QDir::isAbsolutePath(text))
            return invalid(key, raw);
        return QVariant(QDir::cleanPath(text));
    }
    return invalid(key, raw);
}

QString Config::toText(const ConfigKey &key, const QVariant &value)
{
    switch (key.type) {
    case ConfigType::Bool:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case ConfigType::OriginList:
    case ConfigType::RangeList:
        return value.toStringList().join(QLatin1Char(','));
    default:
        return value.toString();
    }
}

Result<Config> Config::load(const QString &filePath, const QProcessEnvironment &env)
{
    Config config;
    config.m_filePath = filePath;
    for (const ConfigKey &key : keys()) {
        config.m_values.insert(key.name, key.defaultValue);
        config.m_sources.insert(key.name, ConfigSource::Default);
    }

    if (QFileInfo::exists(filePath)) {
        QSettings file(filePath, QSettings::IniFormat);
        if (file.status() != QSettings::NoError)
            return AppError::validation(QStringLiteral("%1: the config file cannot be read or is malformed").arg(filePath));
        for (const QString &stored : file.allKeys()) {
            QString name = stored;
            name.replace(QLatin1Char('/'), QLatin1Char('.'));
            const ConfigKey *key = find(name);
            if (!key)
                return AppError::validation(
                    QStringLiteral("%1: unknown setting '%2' in the config file; remove it or check its spelling")
                        .arg(filePath, name));
            const QVariant raw = file.value(stored);
            // QSettings reads "a,b" as a list; join it back for our own parser.
            const QString text = raw.userType() == QMetaType::QStringList ? raw.toStringList().join(QLatin1Char(','))
                                                                          : raw.toString();
            auto parsed = parse(*key, text);
            if (!parsed)
                return AppError::validation(QStringLiteral("%1 (in %2)").arg(parsed.error().message, filePath));
            config.m_values.insert(key->name, parsed.value());
            config.m_sources.insert(key->name, ConfigSource::File);
        }
    }

    for (const ConfigKey &key : keys()) {
        const QString envName = environmentName(key.name);
        if (!env.contains(envName))
            continue;
        auto parsed = parse(key, env.value(envName));
        if (!parsed)
            return AppError::validation(QStringLiteral("%1 (from the environment variable %2)")
                                            .arg(parsed.error().message, envName));
        config.m_values.insert(key.name, parsed.value());
        config.m_sources.insert(key.name, ConfigSource::Environment);
    }
    return config;
}

Result<void> Config::writeToFile(const QString &filePath, const QString &name, const QString &text)
{
    return writeToFile(filePath, QHash<QString, QString>{{name, text}});
}

Result<void> Config::writeToFile(const QString &filePath, const QHash<QString, QString> &values)
{
    // Validate everything first, so a bad value leaves the file untouched.
    QHash<QString, QString> normalised;
    for (auto it = values.cbegin(); it != values.cend(); ++it) {
        auto parsed = parse(it.key(), it.value());
        if (!parsed)
            return parsed.error();
        normalised.insert(it.key(), toText(*find(it.key()), parsed.value()));
    }
    if (!QDir().mkpath(QFileInfo(filePath).absolutePath()))
        return AppError::internal(QStringLiteral("cannot create the folder of %1").arg(filePath));
    QSettings file(filePath, QSettings::IniFormat);
    for (auto it = normalised.cbegin(); it != normalised.cend(); ++it)
        file.setValue(settingsKey(it.key()), it.value());
    file.sync();
    if (file.status() != QSettings::NoError)
        return AppError::internal(QStringLiteral("cannot write %1").arg(filePath));
    return {};
}

Result<void> Config::setOverride(const QString &name, const QString &text)
{
    auto parsed = parse(name, text);
    if (!parsed)
        return parsed.error();
    m_values.insert(name, parsed.value());
    m_sources.insert(name, ConfigSource::CommandLine);
    return {};
}

QVariant Config::value(const QString &name) const
{
    Q_ASSERT_X(m_values.contains(name), "Config::value", qPrintable(name));
    return m_values.value(name);
}

ConfigSource Config::source(const QString &name) const
{
    return m_sources.value(name, ConfigSource::Default);
}

} // namespace caiwu
