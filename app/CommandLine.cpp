#include "CommandLine.h"

#include "core/Config.h"
#include "core/Log.h"
#include "gui/AdminWindow.h"
#include "host/ServiceHost.h"
#include "host/UnixSignals.h"
#include "secrets/SecretStore.h"
#include "core/EmailAddress.h"
#include "mail/MailConfig.h"
#include "storage/Backup.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QUuid>
#include <QTextStream>

#include <cstdio>

#include <termios.h>
#include <unistd.h>

using namespace caiwu;

namespace {

enum Exit { Ok = 0, Failed = 1, Usage = 2 };

QTextStream &out()
{
    static QTextStream s(stdout);
    return s;
}

QTextStream &err()
{
    static QTextStream s(stderr);
    return s;
}

int fail(const AppError &error)
{
    err() << "caiwu: " << error.message << Qt::endl;
    return error.status == 400 ? Usage : Failed;
}

const QStringList ServeOptions = {QStringLiteral("listen"), QStringLiteral("api-port"), QStringLiteral("mail-port"),
                                  QStringLiteral("threads")};

void describe(QCommandLineParser &parser)
{
    parser.setApplicationDescription(QStringLiteral(
        "Caiwu, the office's finance and HR appliance.\n\n"
        "Commands:\n"
        "  (none)                     open the admin window (or serve, without a display)\n"
        "  serve                      run the services headless until SIGTERM or SIGINT\n"
        "  migrate status|up          show or apply database migrations\n"
        "  backup FILE                write an online copy of the database to FILE\n"
        "  restore FILE               replace the database with FILE (the current one is saved first)\n"
        "  config get KEY | set KEY VALUE | list\n"
        "  secrets set NAME           store a secret read from standard input\n"
        "  secrets status             which secret store is used and which secrets are set\n"
        "  mail test ADDRESS          send a test message now, through the configured SMTP server\n"
        "  mail queue [STATUS]        the outbox (queued, sending, sent, failed or discarded)\n"
        "  mail retry ID | discard ID put a failed message back in the queue / drop it\n"
        "  admin create --email E --name N\n"
        "                             create an administrator; the password is read from standard input\n"
        "  admin unlock EMAIL         unlock an account locked after failed logins"));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOptions({
        {QStringLiteral("data-dir"), QStringLiteral("Folder for the database, vouchers, backups and logs."), QStringLiteral("DIR")},
        {QStringLiteral("config"), QStringLiteral("Config file to use instead of the default."), QStringLiteral("FILE")},
        {QStringLiteral("listen"), QStringLiteral("serve: address the API listens on."), QStringLiteral("ADDR")},
        {QStringLiteral("api-port"), QStringLiteral("serve: API port (0 picks a free one)."), QStringLiteral("N")},
        {QStringLiteral("mail-port"), QStringLiteral("serve: mail service port."), QStringLiteral("N")},
        {QStringLiteral("threads"), QStringLiteral("serve: HTTP worker threads (0 = one per core)."), QStringLiteral("N")},
        {QStringLiteral("email"), QStringLiteral("admin create: the administrator's login email."), QStringLiteral("E")},
        {QStringLiteral("name"), QStringLiteral("admin create: the administrator's name."), QStringLiteral("N")},
    });
    parser.addPositionalArgument(QStringLiteral("command"), QStringLiteral("What to do (see above)."), QStringLiteral("[command]"));
}

Result<Config> loadConfig(const QCommandLineParser &parser)
{
    const QString file = parser.isSet(QStringLiteral("config")) ? parser.value(QStringLiteral("config"))
                                                                : Config::defaultFilePath();
    auto config = Config::load(file);
    if (!config)
        return config.error();
    const std::pair<const char *, const char *> flags[] = {
        {"data-dir", "data.dir"}, {"listen", "api.listen"}, {"api-port", "api.port"},
        {"mail-port", "mail.port"}, {"threads", "api.threads"}};
    for (const auto &[flag, key] : flags) {
        const QString name = QString::fromLatin1(flag);
        if (!parser.isSet(name))
            continue;
        QString value = parser.value(name);
        if (name == QLatin1String("data-dir"))
            value = QDir(value).absolutePath();
        if (auto ok = config->setOverride(QString::fromLatin1(key), value); !ok)
            return AppError::validation(QStringLiteral("--%1: %2").arg(name, ok.error().message));
    }
    return config;
}

void installLog(const ServiceHost &host)
{
    Log::install(host.paths().logs(), Log::parseLevel(host.config().string(QStringLiteral("log.level"))));
}

int serve(ServiceHost &host)
{
    installLog(host);
    // Catch SIGTERM before saying we are ready: a supervisor may stop us at once.
    UnixSignals signals;
    QObject::connect(&signals, &UnixSignals::terminationRequested, &host, [&host](int sig) {
        qCInfo(lcHost) << "signal" << sig << "received: finishing requests in progress, then stopping";
        host.stop();
        QCoreApplication::quit();
    });
    if (auto ok = host.start(); !ok)
        return fail(ok.error());
    out() << "caiwu: serving API on http://" << host.config().string(QStringLiteral("api.listen")) << ':'
          << host.apiPort() << " (data in " << host.paths().root() << ")" << Qt::endl;
    if (host.mailState() == ServiceHost::State::Running)
        out() << "caiwu: mail service on http://" << host.config().string(QStringLiteral("mail.listen")) << ':'
              << host.mailPort() << Qt::endl;
    else
        out() << "caiwu: mail service not running: " << host.mailDetail() << Qt::endl;
    const int code = QCoreApplication::exec();
    host.stop();
    out() << "caiwu: stopped" << Qt::endl;
    return code;
}

int window(ServiceHost &host)
{
    installLog(host);
    UnixSignals signals;
    QObject::connect(&signals, &UnixSignals::terminationRequested, &host, [] { QCoreApplication::quit(); });
    AdminWindow window(host);
    window.show();
    if (auto ok = host.start(); !ok)
        window.showStartError(ok.error().message);
    const int code = QCoreApplication::exec();
    host.stop();
    return code;
}

int migrate(ServiceHost &host, const QStringList &args)
{
    const QString action = args.value(1);
    if (action == QLatin1String("status")) {
        auto states = host.migrator().status();
        if (!states)
            return fail(states.error());
        out() << "database: " << host.paths().database() << Qt::endl;
        int pending = 0;
        for (const MigrationStatus &s : *states) {
            QString state = s.unknown ? QStringLiteral("applied, UNKNOWN to this version")
                          : s.changed ? QStringLiteral("applied, CHANGED since (checksum mismatch)")
                          : s.applied ? QStringLiteral("applied %1").arg(QDateTime::fromMSecsSinceEpoch(s.appliedAt, Qt::UTC).toString(Qt::ISODate))
                                      : QStringLiteral("pending");
            pending += s.applied ? 0 : 1;
            out() << QStringLiteral("%1  sha256:%2  %3").arg(s.name, -28).arg(s.checksum.left(16), state) << Qt::endl;
        }
        out() << pending << " pending" << Qt::endl;
        return Ok;
    }
    if (action == QLatin1String("up")) {
        if (auto ok = host.lockDataFolder(); !ok)
            return fail(ok.error());
        auto run = host.migrator().up(host.paths().backups(), [](int done, int total, const QString &name) {
            if (!name.isEmpty())
                out() << "applying " << name << " (" << done + 1 << '/' << total << ")" << Qt::endl;
        });
        if (!run)
            return fail(run.error());
        if (!run->backupFile.isEmpty())
            out() << "backup written to " << run->backupFile << Qt::endl;
        out() << (run->applied.isEmpty() ? QStringLiteral("nothing to apply") : QStringLiteral("applied %1 migration(s)").arg(run->applied.size()))
              << Qt::endl;
        return Ok;
    }
    err() << "caiwu: migrate takes 'status' or 'up'" << Qt::endl;
    return Usage;
}

int backup(ServiceHost &host, const QStringList &args)
{
    if (args.size() != 2) {
        err() << "caiwu: backup takes one FILE" << Qt::endl;
        return Usage;
    }
    auto info = Backup::create(host.database(), args[1]);
    if (!info)
        return fail(info.error());
    out() << "backup written to " << info->path << " (" << info->sizeBytes << " bytes, schema version "
          << info->schemaVersion << ")" << Qt::endl;
    return Ok;
}

int restore(ServiceHost &host, const QStringList &args)
{
    if (args.size() != 2) {
        err() << "caiwu: restore takes one FILE" << Qt::endl;
        return Usage;
    }
    if (auto ok = host.lockDataFolder(); !ok)
        return fail(ok.error());
    const QString safety = Backup::timestampedName(host.paths().backups(), QStringLiteral("before-restore"));
    auto info = Backup::restore(host.database(), args[1], safety);
    if (!info)
        return fail(info.error());
    out() << "restored " << info->path << " (schema version " << info->schemaVersion << "); the previous database was saved to "
          << safety << Qt::endl;
    if (auto pending = host.migrator().pendingCount(); pending && *pending > 0)
        out() << *pending << " migration(s) are pending; they run at the next start, or now with 'caiwu migrate up'" << Qt::endl;
    return Ok;
}

int config(const Config &config, const QStringList &args)
{
    const QString action = args.value(1);
    if (action == QLatin1String("get") && args.size() == 3) {
        const ConfigKey *key = Config::find(args[2]);
        if (!key)
            return fail(Config::parse(args[2], QString()).error());
        out() << Config::toText(*key, config.value(key->name)) << Qt::endl;
        return Ok;
    }
    if (action == QLatin1String("set") && args.size() == 4) {
        if (auto ok = Config::writeToFile(config.filePath(), args[2], args[3]); !ok)
            return fail(ok.error());
        const ConfigKey *key = Config::find(args[2]);
        out() << key->name << " = " << Config::toText(*key, Config::parse(*key, args[3]).value()) << " (saved to "
              << config.filePath() << "; takes effect when the " << key->service << " service restarts)" << Qt::endl;
        return Ok;
    }
    if (action == QLatin1String("list") && args.size() == 2) {
        static const char *const sources[] = {"default", "file", "environment", "command line"};
        for (const ConfigKey &key : Config::keys())
            out() << key.name << " = " << Config::toText(key, config.value(key.name)) << "  ["
                  << sources[int(config.source(key.name))] << "] " << key.description << Qt::endl;
        return Ok;
    }
    err() << "caiwu: config takes 'get KEY', 'set KEY VALUE' or 'list'" << Qt::endl;
    return Usage;
}

int secrets(ServiceHost &host, const QStringList &args)
{
    const QString action = args.value(1);
    if (action == QLatin1String("set") && args.size() == 3) {
        const QString name = args[2];
        if (!SecretName::all().contains(name)) {
            err() << "caiwu: " << name << ": no such secret; known secrets are " << SecretName::all().join(QStringLiteral(", "))
                  << Qt::endl;
            return Usage;
        }
        QFile in;
        in.open(stdin, QIODevice::ReadOnly);
        QByteArray value = in.readAll();
        if (value.endsWith('\n'))
            value.chop(1);
        if (value.endsWith('\r'))
            value.chop(1);
        if (value.isEmpty()) {
            err() << "caiwu: no value on standard input (e.g. `printf %s \"$VALUE\" | caiwu secrets set " << name << "`)" << Qt::endl;
            return Usage;
        }
        auto store = host.secrets();
        if (!store)
            return fail(store.error());
        if (auto ok = (*store)->write(name, value); !ok)
            return fail(ok.error());
        out() << name << " stored in " << (*store)->location() << Qt::endl;
        return Ok;
    }
    if (action == QLatin1String("status") && args.size() == 2) {
        auto store = host.secrets();
        if (!store)
            return fail(store.error());
        out() << "backend: " << (*store)->backend() << Qt::endl << "location: " << (*store)->location() << Qt::endl;
        for (const QString &name : SecretName::all()) {
            auto value = (*store)->read(name);
            out() << name << ": " << (!value ? QStringLiteral("error: ") + value.error().message
                                             : value->has_value() ? QStringLiteral("set") : QStringLiteral("not set"))
                  << Qt::endl;
        }
        return Ok;
    }
    err() << "caiwu: secrets takes 'set NAME' or 'status'" << Qt::endl;
    return Usage;
}

int mail(ServiceHost &host, const QStringList &args)
{
    const QString action = args.value(1);
    if (action == QLatin1String("test") && args.size() == 3) {
        const QString to = args[2];
        if (!EmailAddress::isValid(to)) {
            err() << "caiwu: " << to << " is not an email address" << Qt::endl;
            return Usage;
        }
        const Config &config = host.config();
        if (config.string(QStringLiteral("smtp.host")).isEmpty()) {
            err() << "caiwu: smtp.host is not set; set it first, e.g. caiwu config set smtp.host mail.office.example" << Qt::endl;
            return Usage;
        }
        auto store = host.secrets();
        if (!store)
            return fail(store.error());
        auto password = (*store)->read(SecretName::SmtpPassword);
        if (!password)
            return fail(password.error());
        const SmtpSettings smtp = smtpSettingsFrom(config, password->value_or(QByteArray()));
        const RenderedMail message = MailTemplates::testMessage(host.mailBranding());
        SmtpTransport transport(smtp);
        const DeliveryResult result = transport.deliver(
            {to, message.subject, message.html, message.text,
             host.outbox().messageIdFor(QUuid::createUuid().toString(QUuid::WithoutBraces)),
             QDateTime::currentMSecsSinceEpoch()});
        if (result.outcome != DeliveryResult::Outcome::Delivered) {
            err() << "caiwu: the test message was not sent: " << result.detail << Qt::endl;
            return Failed;
        }
        out() << "test message sent to " << to << " through " << smtp.host << ':' << smtp.port << " (" << result.smtpCode << ")"
              << Qt::endl;
        return Ok;
    }
    if (action == QLatin1String("queue") && args.size() <= 3) {
        auto messages = host.outbox().list(args.value(2));
        if (!messages)
            return fail(messages.error());
        for (const OutboxMessage &m : *messages)
            out() << m.id << "  " << m.status << "  attempts " << m.attempts << "  "
                  << QDateTime::fromMSecsSinceEpoch(m.createdAt, Qt::UTC).toString(Qt::ISODate) << "  " << m.to << "  " << m.subject
                  << (m.lastError.isEmpty() ? QString() : QStringLiteral("\n    last error: ") + m.lastError) << Qt::endl;
        auto counts = host.outbox().counts();
        if (counts)
            out() << counts->queued << " queued, " << counts->sending << " sending, " << counts->sent << " sent, " << counts->failed
                  << " failed, " << counts->discarded << " discarded" << Qt::endl;
        return Ok;
    }
    if ((action == QLatin1String("retry") || action == QLatin1String("discard")) && args.size() == 3) {
        auto done = action == QLatin1String("retry") ? host.outbox().retry(args[2]) : host.outbox().discard(args[2]);
        if (!done)
            return fail(done.error());
        out() << "message " << args[2] << (action == QLatin1String("retry") ? " is queued again" : " was discarded") << Qt::endl;
        return Ok;
    }
    err() << "caiwu: mail takes 'test ADDRESS', 'queue [STATUS]', 'retry ID' or 'discard ID'" << Qt::endl;
    return Usage;
}

// A password from standard input: typed twice without echo at a terminal, else the first line.
Result<QString> readPassword()
{
    if (isatty(STDIN_FILENO)) {
        auto ask = [](const char *prompt) {
            err() << prompt << Qt::flush;
            termios saved{};
            tcgetattr(STDIN_FILENO, &saved);
            termios quiet = saved;
            quiet.c_lflag &= ~tcflag_t(ECHO);
            tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
            QTextStream in(stdin);
            const QString line = in.readLine();
            tcsetattr(STDIN_FILENO, TCSANOW, &saved);
            err() << Qt::endl;
            return line;
        };
        const QString first = ask("Password: ");
        if (ask("Password again: ") != first)
            return AppError::validation(QStringLiteral("the two passwords differ"));
        return first;
    }
    QFile in;
    in.open(stdin, QIODevice::ReadOnly);
    QByteArray line = in.readLine(4096);
    while (line.endsWith('\n') || line.endsWith('\r'))
        line.chop(1);
    if (line.isEmpty())
        return AppError::validation(QStringLiteral("no password on standard input (e.g. `printf %s \"$PASSWORD\" | caiwu admin create ...`)"));
    return QString::fromUtf8(line);
}

int admin(ServiceHost &host, const QCommandLineParser &parser, const QStringList &args)
{
    const QString action = args.value(1);
    if (action == QLatin1String("create") && args.size() == 2) {
        if (!parser.isSet(QStringLiteral("email")) || !parser.isSet(QStringLiteral("name"))) {
            err() << "caiwu: admin create needs --email and --name" << Qt::endl;
            return Usage;
        }
        auto password = readPassword();
        if (!password)
            return fail(password.error());
        auto id = host.createAdministrator(parser.value(QStringLiteral("email")), parser.value(QStringLiteral("name")), *password);
        if (!id)
            return fail(id.error());
        out() << "administrator " << parser.value(QStringLiteral("email")).trimmed() << " created (employee " << *id
              << "); log in at " << host.publicBaseUrl() << Qt::endl;
        return Ok;
    }
    if (action == QLatin1String("unlock") && args.size() == 3) {
        if (auto run = host.migrator().up(host.paths().backups(), {}); !run)
            return fail(run.error());
        auto unlocked = host.unlockAccount(args[2], QStringLiteral("system"));
        if (!unlocked)
            return fail(unlocked.error());
        out() << args[2] << (*unlocked ? " unlocked" : " was not locked") << Qt::endl;
        return Ok;
    }
    err() << "caiwu: admin takes 'create --email E --name N' or 'unlock EMAIL'" << Qt::endl;
    return Usage;
}

} // namespace

bool CommandLine::wantsWindow(int argc, char **argv)
{
    for (int i = 1; i < argc; ++i) {
        const QByteArray arg(argv[i]);
        if (arg == "--data-dir" || arg == "--config") {
            ++i;
            continue;
        }
        if (!arg.startsWith('-'))
            return false; // a subcommand
        if (arg == "-h" || arg == "--help" || arg == "-v" || arg == "--version")
            return false;
    }
    return qEnvironmentVariableIsSet("DISPLAY") || qEnvironmentVariableIsSet("WAYLAND_DISPLAY")
        || qEnvironmentVariableIsSet("QT_QPA_PLATFORM");
}

int CommandLine::run(const QStringList &arguments, bool graphical)
{
    QCommandLineParser parser;
    describe(parser);
    if (!parser.parse(arguments)) {
        err() << "caiwu: " << parser.errorText() << Qt::endl;
        return Usage;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        out() << parser.helpText();
        return Ok;
    }
    if (parser.isSet(QStringLiteral("version"))) {
        out() << "caiwu " << CAIWU_VERSION << Qt::endl;
        return Ok;
    }
    const QStringList args = parser.positionalArguments();
    const QString command = args.value(0);
    for (const QString &option : ServeOptions) {
        if (parser.isSet(option) && command != QLatin1String("serve") && !(command.isEmpty() && !graphical)) {
            err() << "caiwu: --" << option << " only applies to 'serve'" << Qt::endl;
            return Usage;
        }
    }
    for (const QString &option : {QStringLiteral("email"), QStringLiteral("name")}) {
        if (parser.isSet(option) && !(command == QLatin1String("admin") && args.value(1) == QLatin1String("create"))) {
            err() << "caiwu: --" << option << " only applies to 'admin create'" << Qt::endl;
            return Usage;
        }
    }
    auto config = loadConfig(parser);
    if (!config)
        return fail(config.error());
    if (command == QLatin1String("config"))
        return ::config(*config, args);

    ServiceHost host(std::move(config).value());
    if (auto ok = host.paths().ensure(); !ok)
        return fail(ok.error());
    if (command.isEmpty())
        return graphical ? window(host) : serve(host);
    if (command == QLatin1String("serve") && args.size() == 1)
        return serve(host);
    if (command == QLatin1String("migrate"))
        return migrate(host, args);
    if (command == QLatin1String("backup"))
        return backup(host, args);
    if (command == QLatin1String("restore"))
        return restore(host, args);
    if (command == QLatin1String("secrets"))
        return secrets(host, args);
    if (command == QLatin1String("mail"))
        return mail(host, args);
    if (command == QLatin1String("admin"))
        return admin(host, parser, args);
    err() << "caiwu: unknown command '" << args.join(QLatin1Char(' ')) << "'; see caiwu --help" << Qt::endl;
    return Usage;
}
