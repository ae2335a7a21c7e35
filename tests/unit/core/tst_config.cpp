// Config: what the admin may write in the config file, the environment and on the command
// line, and what the appliance then runs with.
#include "core/Config.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace caiwu;

namespace {

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("<unreadable>");
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(bytes) == bytes.size();
}

QProcessEnvironment environment(std::initializer_list<std::pair<const char *, const char *>> vars)
{
    QProcessEnvironment env;
    env.insert(QStringLiteral("HOME"), QStringLiteral("/home/office")); // unrelated variables are ignored
    for (const auto &[name, value] : vars)
        env.insert(QString::fromLatin1(name), QString::fromUtf8(value));
    return env;
}

} // namespace

class TestConfig : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void parse_data();
    void parse();
    void unknownSettingIsNamed();
    void everyKeyHasAValidDefault();
    void environmentNames();
    void missingFileGivesDefaults();
    void fileOverridesDefaults();
    void fileWithUnknownSettingIsAnError();
    void fileWithBadValueIsAnError();
    void environmentOverridesFile();
    void badEnvironmentValueIsAnError();
    void commandLineOverridesAll();
    void writeRefusesBadValuesAndKeepsTheFile();
    void writtenValuesRoundTrip();
    void writeKeepsOtherSettings();

private:
    QTemporaryDir m_dir;
};

void TestConfig::parse_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("input");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QString>("expected"); // the normalised value as text; for an invalid one, the hint the message gives

    auto ok = [](const char *tag, const char *key, const QString &input, const QString &expected) {
        QTest::newRow(tag) << QString::fromLatin1(key) << input << true << expected;
    };
    auto bad = [](const char *tag, const char *key, const QString &input, const char *hint) {
        QTest::newRow(tag) << QString::fromLatin1(key) << input << false << QString::fromUtf8(hint);
    };

    // Int (api.threads: 0..64)
    ok("int", "api.threads", QStringLiteral("4"), QStringLiteral("4"));
    ok("int, spaces", "api.threads", QStringLiteral(" 8 "), QStringLiteral("8"));
    ok("int, min", "api.threads", QStringLiteral("0"), QStringLiteral("0"));
    ok("int, max", "api.threads", QStringLiteral("64"), QStringLiteral("64"));
    bad("int, over", "api.threads", QStringLiteral("65"), "a whole number from 0 to 64");
    bad("int, negative", "api.threads", QStringLiteral("-1"), "a whole number from 0 to 64");
    bad("int, word", "api.threads", QStringLiteral("four"), "a whole number from 0 to 64");
    bad("int, fraction", "api.threads", QStringLiteral("2.5"), "a whole number from 0 to 64");
    bad("int, empty", "api.threads", QString(), "a whole number from 0 to 64");
    bad("int, seconds min", "http.idle_timeout_s", QStringLiteral("0"), "a whole number from 1 to 3600");

    // Port (0..65535)
    ok("port", "api.port", QStringLiteral("8787"), QStringLiteral("8787"));
    ok("port 0 (any free)", "api.port", QStringLiteral("0"), QStringLiteral("0"));
    ok("port max", "mail.port", QStringLiteral("65535"), QStringLiteral("65535"));
    bad("port over", "api.port", QStringLiteral("65536"), "a whole number from 0 to 65535");
    bad("port negative", "api.port", QStringLiteral("-1"), "a whole number from 0 to 65535");
    bad("port with host", "api.port", QStringLiteral("localhost:8787"), "a whole number from 0 to 65535");

    // Bytes (http.max_body_bytes: 1 KiB..1 GiB)
    ok("bytes plain", "http.max_body_bytes", QStringLiteral("1048576"), QStringLiteral("1048576"));
    ok("bytes K", "http.max_body_bytes", QStringLiteral("512K"), QStringLiteral("524288"));
    ok("bytes KB", "http.max_body_bytes", QStringLiteral("512KB"), QStringLiteral("524288"));
    ok("bytes M", "http.max_body_bytes", QStringLiteral("12M"), QStringLiteral("12582912"));
    ok("bytes MB", "http.max_body_bytes", QStringLiteral("12MB"), QStringLiteral("12582912"));
    ok("bytes lower case, space", "http.max_body_bytes", QStringLiteral("12 mb"), QStringLiteral("12582912"));
    ok("bytes G (max)", "http.max_body_bytes", QStringLiteral("1G"), QStringLiteral("1073741824"));
    ok("bytes min", "http.max_body_bytes", QStringLiteral("1K"), QStringLiteral("1024"));
    bad("bytes under min", "http.max_body_bytes", QStringLiteral("1023"), "a size in bytes from 1024 to 1073741824");
    bad("bytes over max", "http.max_body_bytes", QStringLiteral("2G"), "suffixes K, M, G allowed");
    bad("bytes fraction", "http.max_body_bytes", QStringLiteral("1.5M"), "suffixes K, M, G allowed");
    bad("bytes negative", "http.max_body_bytes", QStringLiteral("-1M"), "suffixes K, M, G allowed");
    bad("bytes suffix only", "http.max_body_bytes", QStringLiteral("M"), "suffixes K, M, G allowed");
    bad("bytes unknown suffix", "http.max_body_bytes", QStringLiteral("12T"), "suffixes K, M, G allowed");
    bad("bytes MiB", "http.max_body_bytes", QStringLiteral("12MiB"), "suffixes K, M, G allowed");
    bad("bytes overflow", "http.max_body_bytes", QStringLiteral("9999999999999G"), "suffixes K, M, G allowed");
    bad("header bytes over 1M", "http.max_header_bytes", QStringLiteral("2M"), "from 1024 to 1048576");

    // Bool
    for (const char *yes : {"true", "TRUE", "yes", "on", "1", " True "})
        ok(qPrintable(QStringLiteral("bool ") + QLatin1String(yes)), "log.requests", QString::fromLatin1(yes), QStringLiteral("true"));
    for (const char *no : {"false", "no", "OFF", "0"})
        ok(qPrintable(QStringLiteral("bool ") + QLatin1String(no)), "log.requests", QString::fromLatin1(no), QStringLiteral("false"));
    bad("bool maybe", "log.requests", QStringLiteral("maybe"), "true or false");
    bad("bool empty", "log.requests", QString(), "true or false");

    // String (office.name: 1..100 characters)
    ok("string", "office.name", QStringLiteral("  Müller & Söhne 财务室 "), QStringLiteral("Müller & Söhne 财务室"));
    ok("string, 100 characters", "office.name", QString(100, QChar(0x8D22)), QString(100, QChar(0x8D22)));
    bad("string empty", "office.name", QStringLiteral("   "), "text of 1 to 100 characters");
    bad("string too long", "office.name", QString(101, QLatin1Char('a')), "text of 1 to 100 characters");

    // Address
    for (const char *address : {"0.0.0.0", "127.0.0.1", "192.168.1.10", "::", "::1", "fe80::1", "2001:db8::8a2e:370:7334"})
        ok(qPrintable(QStringLiteral("address ") + QLatin1String(address)), "api.listen", QString::fromLatin1(address),
           QString::fromLatin1(address));
    bad("address hostname", "api.listen", QStringLiteral("localhost"), "an IPv4 or IPv6 address");
    bad("address FQDN", "mail.listen", QStringLiteral("caiwu.office.lan"), "an IPv4 or IPv6 address");
    bad("address out of range", "api.listen", QStringLiteral("256.1.1.1"), "an IPv4 or IPv6 address");
    bad("address short", "api.listen", QStringLiteral("10.1.1"), "an IPv4 or IPv6 address");
    bad("address bracketed", "api.listen", QStringLiteral("[::1]"), "an IPv4 or IPv6 address");
    bad("address with port", "api.listen", QStringLiteral("127.0.0.1:8787"), "an IPv4 or IPv6 address");
    bad("address empty", "api.listen", QString(), "an IPv4 or IPv6 address");

    // Url
    ok("url empty", "public.base_url", QString(), QString());
    ok("url", "public.base_url", QStringLiteral("http://192.168.1.10:8787"), QStringLiteral("http://192.168.1.10:8787"));
    ok("url trailing slash", "public.base_url", QStringLiteral("http://192.168.1.10:8787/"), QStringLiteral("http://192.168.1.10:8787"));
    ok("url https path", "public.base_url", QStringLiteral("https://caiwu.office.lan/finance/"),
       QStringLiteral("https://caiwu.office.lan/finance"));
    ok("url upper case", "public.base_url", QStringLiteral("HTTP://Caiwu.LAN:8787"), QStringLiteral("http://caiwu.lan:8787"));
    bad("url ftp", "public.base_url", QStringLiteral("ftp://caiwu.lan"), "an http:// or https:// address");
    bad("url no scheme", "public.base_url", QStringLiteral("caiwu.lan:8787"), "an http:// or https:// address");
    bad("url no host", "public.base_url", QStringLiteral("http://"), "an http:// or https:// address");
    bad("url query", "public.base_url", QStringLiteral("http://caiwu.lan/?a=1"), "an http:// or https:// address");
    bad("url fragment", "public.base_url", QStringLiteral("http://caiwu.lan/#top"), "an http:// or https:// address");
    bad("url bad port", "public.base_url", QStringLiteral("http://caiwu.lan:99999"), "an http:// or https:// address");

    // Enum
    ok("enum", "secrets.backend", QStringLiteral("systemd-creds"), QStringLiteral("systemd-creds"));
    ok("enum, spaces", "log.level", QStringLiteral(" debug "), QStringLiteral("debug"));
    bad("enum other", "secrets.backend", QStringLiteral("file"), "one of: auto, keychain, systemd-creds");
    bad("enum case", "secrets.backend", QStringLiteral("Keychain"), "one of: auto, keychain, systemd-creds");
    bad("enum level", "log.level", QStringLiteral("error"), "one of: debug, info, warning");

    // OriginList
    ok("origins empty", "http.cors_origins", QString(), QString());
    ok("origins one", "http.cors_origins", QStringLiteral("https://books.example"), QStringLiteral("https://books.example"));
    ok("origins normalised", "http.cors_origins", QStringLiteral(" http://10.0.0.5:8787/ , https://books.example ,"),
       QStringLiteral("http://10.0.0.5:8787,https://books.example"));
    ok("origins IPv6", "http.cors_origins", QStringLiteral("http://[::1]:5173"), QStringLiteral("http://[::1]:5173"));
    bad("origins path", "http.cors_origins", QStringLiteral("https://books.example/app"), "comma-separated origins");
    bad("origins query", "http.cors_origins", QStringLiteral("https://books.example?x=1"), "comma-separated origins");
    bad("origins fragment", "http.cors_origins", QStringLiteral("https://books.example#x"), "comma-separated origins");
    bad("origins user", "http.cors_origins", QStringLiteral("https://me@books.example"), "comma-separated origins");
    bad("origins no scheme", "http.cors_origins", QStringLiteral("books.example"), "comma-separated origins");
    bad("origins wildcard", "http.cors_origins", QStringLiteral("*"), "comma-separated origins");
    bad("origins one bad of two", "http.cors_origins", QStringLiteral("https://books.example, ftp://x.example"),
        "comma-separated origins");

    // Path
    ok("path empty", "data.dir", QString(), QString());
    ok("path", "data.dir", QStringLiteral("/var/lib/caiwu/"), QStringLiteral("/var/lib/caiwu"));
    ok("path cleaned", "data.dir", QStringLiteral("/srv//caiwu/../data"), QStringLiteral("/srv/data"));
    bad("path relative", "data.dir", QStringLiteral("data/caiwu"), "an absolute path");
    // Email (mail.from_address)
    ok("email", "mail.from_address", QStringLiteral(" caiwu@office.example "), QStringLiteral("caiwu@office.example"));
    bad("email, display name", "mail.from_address", QStringLiteral("Caiwu <caiwu@office.example>"), "an email address");
    bad("email, no domain", "mail.from_address", QStringLiteral("caiwu@"), "an email address");
    // TimeZone (office.timezone)
    ok("time zone", "office.timezone", QStringLiteral("Asia/Dubai"), QStringLiteral("Asia/Dubai"));
    ok("time zone, UTC", "office.timezone", QStringLiteral("UTC"), QStringLiteral("UTC"));
    bad("time zone, unknown", "office.timezone", QStringLiteral("Mars/Olympus"), "an IANA time zone");
    bad("time zone, offset text", "office.timezone", QStringLiteral("+8"), "an IANA time zone");
    // Enum (smtp.security)
    ok("smtp security", "smtp.security", QStringLiteral("smtps"), QStringLiteral("smtps"));
    bad("smtp security, unknown", "smtp.security", QStringLiteral("ssl"), "one of: starttls, smtps, none");
}

void TestConfig::parse()
{
    QFETCH(QString, key);
    QFETCH(QString, input);
    QFETCH(bool, valid);
    QFETCH(QString, expected);

    const ConfigKey *k = Config::find(key);
    QVERIFY(k);
    const auto parsed = Config::parse(key, input);
    if (valid) {
        QVERIFY2(parsed.ok(), parsed.ok() ? "" : qPrintable(parsed.error().message));
        QCOMPARE(Config::toText(*k, parsed.value()), expected);
        // A normalised value is accepted again unchanged (what `caiwu config set` stores).
        const auto again = Config::parse(*k, Config::toText(*k, parsed.value()));
        QVERIFY(again.ok());
        QCOMPARE(Config::toText(*k, again.value()), expected);
        return;
    }
    QVERIFY(!parsed.ok());
    const AppError &error = parsed.error();
    QCOMPARE(error.status, 400);
    QCOMPARE(error.code, QByteArray("VALIDATION_ERROR"));
    QCOMPARE(error.details.value(QStringLiteral("key")).toString(), key);
    QVERIFY2(error.message.startsWith(key + QLatin1String(": ")), qPrintable(error.message));
    QVERIFY2(error.message.contains(QLatin1Char('\'') + input + QLatin1Char('\'')), qPrintable(error.message));
    QVERIFY2(error.message.contains(QLatin1String("expected ") ), qPrintable(error.message));
    QVERIFY2(error.message.contains(expected), qPrintable(error.message));
}

void TestConfig::unknownSettingIsNamed()
{
    const auto parsed = Config::parse(QStringLiteral("api.prot"), QStringLiteral("8787"));
    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.error().status, 400);
    QVERIFY(parsed.error().message.startsWith(QLatin1String("api.prot: no such setting")));
    QVERIFY(parsed.error().message.contains(QLatin1String("api.port")));
    QCOMPARE(Config::find(QStringLiteral("api.prot")), nullptr);
}

void TestConfig::everyKeyHasAValidDefault()
{
    for (const ConfigKey &key : Config::keys()) {
        const auto parsed = Config::parse(key, Config::toText(key, key.defaultValue));
        QVERIFY2(parsed.ok(), qPrintable(key.name));
        QCOMPARE(Config::toText(key, parsed.value()), Config::toText(key, key.defaultValue));
        QVERIFY2(!key.description.isEmpty(), qPrintable(key.name));
    }
}

void TestConfig::environmentNames()
{
    QCOMPARE(Config::environmentName(QStringLiteral("api.port")), QStringLiteral("CAIWU_API_PORT"));
    QCOMPARE(Config::environmentName(QStringLiteral("http.max_body_bytes")), QStringLiteral("CAIWU_HTTP_MAX_BODY_BYTES"));
    QCOMPARE(Config::environmentName(QStringLiteral("public.base_url")), QStringLiteral("CAIWU_PUBLIC_BASE_URL"));
}

void TestConfig::missingFileGivesDefaults()
{
    const QString path = m_dir.filePath(QStringLiteral("missing/caiwu.conf"));
    const auto config = Config::load(path, environment({}));
    QVERIFY2(config.ok(), config.ok() ? "" : qPrintable(config.error().message));
    QCOMPARE(config->filePath(), path);
    QCOMPARE(config->integer(QStringLiteral("api.port")), 8787);
    QCOMPARE(config->string(QStringLiteral("api.listen")), QStringLiteral("0.0.0.0"));
    QCOMPARE(config->integer(QStringLiteral("mail.port")), 8788);
    QCOMPARE(config->string(QStringLiteral("mail.listen")), QStringLiteral("127.0.0.1"));
    QCOMPARE(config->integer(QStringLiteral("http.max_body_bytes")), 12 * 1024 * 1024);
    QCOMPARE(config->boolean(QStringLiteral("log.requests")), true);
    QVERIFY(config->list(QStringLiteral("http.cors_origins")).isEmpty());
    for (const ConfigKey &key : Config::keys())
        QCOMPARE(config->source(key.name), ConfigSource::Default);
    QVERIFY(!QFile::exists(path)); // loading never creates the file
}

void TestConfig::fileOverridesDefaults()
{
    const QString path = m_dir.filePath(QStringLiteral("override.conf"));
    QVERIFY(writeFile(path, "[api]\nport=9000\nlisten=127.0.0.1\n\n"
                            "[http]\nmax_body_bytes=20M\ncors_origins=https://books.example, http://10.0.0.5:8787/\n\n"
                            "[log]\nrequests=off\n"));
    const auto config = Config::load(path, environment({}));
    QVERIFY2(config.ok(), config.ok() ? "" : qPrintable(config.error().message));
    QCOMPARE(config->integer(QStringLiteral("api.port")), 9000);
    QCOMPARE(config->source(QStringLiteral("api.port")), ConfigSource::File);
    QCOMPARE(config->string(QStringLiteral("api.listen")), QStringLiteral("127.0.0.1"));
    QCOMPARE(config->integer(QStringLiteral("http.max_body_bytes")), 20 * 1024 * 1024);
    QCOMPARE(config->list(QStringLiteral("http.cors_origins")),
             (QStringList{QStringLiteral("https://books.example"), QStringLiteral("http://10.0.0.5:8787")}));
    QCOMPARE(config->boolean(QStringLiteral("log.requests")), false);
    QCOMPARE(config->source(QStringLiteral("log.requests")), ConfigSource::File);
    // Keys the file does not set keep their defaults.
    QCOMPARE(config->integer(QStringLiteral("mail.port")), 8788);
    QCOMPARE(config->source(QStringLiteral("mail.port")), ConfigSource::Default);
}

void TestConfig::fileWithUnknownSettingIsAnError()
{
    const QString path = m_dir.filePath(QStringLiteral("unknown.conf"));
    QVERIFY(writeFile(path, "[api]\nport=9000\nprot=9001\n"));
    const auto config = Config::load(path, environment({}));
    QVERIFY(!config.ok());
    QCOMPARE(config.error().code, QByteArray("VALIDATION_ERROR"));
    QVERIFY2(config.error().message.contains(QLatin1String("'api.prot'")), qPrintable(config.error().message));
    QVERIFY2(config.error().message.contains(path), qPrintable(config.error().message));
}

void TestConfig::fileWithBadValueIsAnError()
{
    const QString path = m_dir.filePath(QStringLiteral("bad.conf"));
    QVERIFY(writeFile(path, "[api]\nport=99999\n"));
    const auto config = Config::load(path, environment({}));
    QVERIFY(!config.ok());
    const QString message = config.error().message;
    QVERIFY2(message.startsWith(QLatin1String("api.port: '99999' is not valid")), qPrintable(message));
    QVERIFY2(message.contains(QLatin1String("0 to 65535")), qPrintable(message));
    QVERIFY2(message.contains(path), qPrintable(message));
}

void TestConfig::environmentOverridesFile()
{
    const QString path = m_dir.filePath(QStringLiteral("env.conf"));
    QVERIFY(writeFile(path, "[api]\nport=9000\nlisten=127.0.0.1\n"));
    const auto config = Config::load(path, environment({{"CAIWU_API_PORT", "9100"},
                                                        {"CAIWU_HTTP_MAX_BODY_BYTES", "1M"},
                                                        {"CAIWU_OFFICE_NAME", "财务室"},
                                                        {"CAIWU_NOT_A_SETTING", "whatever"}}));
    QVERIFY2(config.ok(), config.ok() ? "" : qPrintable(config.error().message));
    QCOMPARE(config->integer(QStringLiteral("api.port")), 9100);
    QCOMPARE(config->source(QStringLiteral("api.port")), ConfigSource::Environment);
    QCOMPARE(config->string(QStringLiteral("api.listen")), QStringLiteral("127.0.0.1"));
    QCOMPARE(config->source(QStringLiteral("api.listen")), ConfigSource::File);
    QCOMPARE(config->integer(QStringLiteral("http.max_body_bytes")), 1024 * 1024);
    QCOMPARE(config->source(QStringLiteral("http.max_body_bytes")), ConfigSource::Environment);
    QCOMPARE(config->string(QStringLiteral("office.name")), QStringLiteral("财务室"));

    // Without a file too.
    const auto noFile = Config::load(m_dir.filePath(QStringLiteral("none.conf")), environment({{"CAIWU_API_PORT", "0"}}));
    QVERIFY(noFile.ok());
    QCOMPARE(noFile->integer(QStringLiteral("api.port")), 0);
    QCOMPARE(noFile->source(QStringLiteral("api.port")), ConfigSource::Environment);
}

void TestConfig::badEnvironmentValueIsAnError()
{
    const QString path = m_dir.filePath(QStringLiteral("env-bad.conf"));
    QVERIFY(writeFile(path, "[api]\nport=9000\n"));
    const auto config = Config::load(path, environment({{"CAIWU_API_PORT", "http"}}));
    QVERIFY(!config.ok());
    const QString message = config.error().message;
    QVERIFY2(message.contains(QLatin1String("CAIWU_API_PORT")), qPrintable(message));
    QVERIFY2(message.startsWith(QLatin1String("api.port: 'http' is not valid")), qPrintable(message));

    // An empty variable is a value too, and not a valid port.
    QVERIFY(!Config::load(path, environment({{"CAIWU_API_PORT", ""}})).ok());
}

void TestConfig::commandLineOverridesAll()
{
    const QString path = m_dir.filePath(QStringLiteral("cli.conf"));
    QVERIFY(writeFile(path, "[api]\nport=9000\n"));
    auto config = Config::load(path, environment({{"CAIWU_API_PORT", "9100"}}));
    QVERIFY(config.ok());

    const auto set = config->setOverride(QStringLiteral("api.port"), QStringLiteral("9200"));
    QVERIFY(set.ok());
    QCOMPARE(config->integer(QStringLiteral("api.port")), 9200);
    QCOMPARE(config->source(QStringLiteral("api.port")), ConfigSource::CommandLine);

    const auto bad = config->setOverride(QStringLiteral("api.port"), QStringLiteral("70000"));
    QVERIFY(!bad.ok());
    QVERIFY(bad.error().message.startsWith(QLatin1String("api.port: ")));
    QCOMPARE(config->integer(QStringLiteral("api.port")), 9200);

    const auto unknown = config->setOverride(QStringLiteral("api.prot"), QStringLiteral("1"));
    QVERIFY(!unknown.ok());
    QVERIFY(unknown.error().message.contains(QLatin1String("api.prot")));
}

void TestConfig::writeRefusesBadValuesAndKeepsTheFile()
{
    const QString path = m_dir.filePath(QStringLiteral("keep.conf"));
    const QByteArray original = "; written by hand\n[api]\nport=9000\n\n[office]\nname=Acme\n";
    QVERIFY(writeFile(path, original));

    const auto badValue = Config::writeToFile(path, {{QStringLiteral("api.port"), QStringLiteral("9001")},
                                                     {QStringLiteral("api.listen"), QStringLiteral("localhost")}});
    QVERIFY(!badValue.ok());
    QVERIFY2(badValue.error().message.startsWith(QLatin1String("api.listen: 'localhost' is not valid")),
             qPrintable(badValue.error().message));
    QCOMPARE(readAll(path), original);

    const auto badKey = Config::writeToFile(path, {{QStringLiteral("api.port"), QStringLiteral("9001")},
                                                   {QStringLiteral("api.prot"), QStringLiteral("9002")}});
    QVERIFY(!badKey.ok());
    QVERIFY(badKey.error().message.contains(QLatin1String("api.prot")));
    QCOMPARE(readAll(path), original);

    const QString absent = m_dir.filePath(QStringLiteral("never/caiwu.conf"));
    QVERIFY(!Config::writeToFile(absent, QStringLiteral("http.max_body_bytes"), QStringLiteral("5G")).ok());
    QVERIFY(!QFile::exists(absent));
}

void TestConfig::writtenValuesRoundTrip()
{
    const QString path = m_dir.filePath(QStringLiteral("new/folder/caiwu.conf"));
    const QHash<QString, QString> values{
        {QStringLiteral("api.port"), QStringLiteral("9001")},
        {QStringLiteral("api.listen"), QStringLiteral("::")},
        {QStringLiteral("office.name"), QStringLiteral("财务室; Müller, \"Acme\" #1")},
        {QStringLiteral("http.cors_origins"), QStringLiteral("http://a.example/, https://b.example:8443")},
        {QStringLiteral("log.requests"), QStringLiteral("no")},
        {QStringLiteral("http.max_body_bytes"), QStringLiteral("20M")},
        {QStringLiteral("public.base_url"), QStringLiteral("http://caiwu.lan:8787/")},
        {QStringLiteral("data.dir"), QStringLiteral("/srv/caiwu/")},
        {QStringLiteral("secrets.backend"), QStringLiteral("keychain")},
    };
    const auto written = Config::writeToFile(path, values);
    QVERIFY2(written.ok(), written.ok() ? "" : qPrintable(written.error().message));

    const auto config = Config::load(path, environment({}));
    QVERIFY2(config.ok(), config.ok() ? "" : qPrintable(config.error().message));
    QCOMPARE(config->integer(QStringLiteral("api.port")), 9001);
    QCOMPARE(config->string(QStringLiteral("api.listen")), QStringLiteral("::"));
    QCOMPARE(config->string(QStringLiteral("office.name")), QStringLiteral("财务室; Müller, \"Acme\" #1"));
    QCOMPARE(config->list(QStringLiteral("http.cors_origins")),
             (QStringList{QStringLiteral("http://a.example"), QStringLiteral("https://b.example:8443")}));
    QCOMPARE(config->boolean(QStringLiteral("log.requests")), false);
    QCOMPARE(config->integer(QStringLiteral("http.max_body_bytes")), 20 * 1024 * 1024);
    QCOMPARE(config->string(QStringLiteral("public.base_url")), QStringLiteral("http://caiwu.lan:8787"));
    QCOMPARE(config->string(QStringLiteral("data.dir")), QStringLiteral("/srv/caiwu"));
    QCOMPARE(config->string(QStringLiteral("secrets.backend")), QStringLiteral("keychain"));
    for (auto it = values.cbegin(); it != values.cend(); ++it)
        QCOMPARE(config->source(it.key()), ConfigSource::File);
    QCOMPARE(config->source(QStringLiteral("mail.port")), ConfigSource::Default);

    // Writing one key again changes only that key.
    QVERIFY(Config::writeToFile(path, QStringLiteral("api.port"), QStringLiteral("9002")).ok());
    const auto again = Config::load(path, environment({}));
    QVERIFY(again.ok());
    QCOMPARE(again->integer(QStringLiteral("api.port")), 9002);
    QCOMPARE(again->string(QStringLiteral("office.name")), QStringLiteral("财务室; Müller, \"Acme\" #1"));
}

void TestConfig::writeKeepsOtherSettings()
{
    const QString path = m_dir.filePath(QStringLiteral("others.conf"));
    QVERIFY(writeFile(path, "[api]\nlisten=127.0.0.1\n\n[mail]\nport=9999\n"));
    QVERIFY(Config::writeToFile(path, QStringLiteral("api.port"), QStringLiteral("8000")).ok());
    const auto config = Config::load(path, environment({}));
    QVERIFY2(config.ok(), config.ok() ? "" : qPrintable(config.error().message));
    QCOMPARE(config->integer(QStringLiteral("api.port")), 8000);
    QCOMPARE(config->string(QStringLiteral("api.listen")), QStringLiteral("127.0.0.1"));
    QCOMPARE(config->integer(QStringLiteral("mail.port")), 9999);
}

QTEST_GUILESS_MAIN(TestConfig)
#include "tst_config.moc"
