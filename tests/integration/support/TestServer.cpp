#include "TestServer.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QRegularExpression>

#include <csignal>

TestServer::TestServer()
{
    // CAIWU_KEEP_TEST_DATA=1 keeps the data folder of each test server for a post-mortem.
    m_data.setAutoRemove(!qEnvironmentVariableIsSet("CAIWU_KEEP_TEST_DATA"));
    QDir().mkpath(dataDir());
    QDir().mkpath(homeDir());
    m_env = QProcessEnvironment::systemEnvironment();
    // A private HOME and XDG folders: the test never reads or writes the real user's config.
    m_env.insert(QStringLiteral("HOME"), homeDir());
    m_env.insert(QStringLiteral("XDG_CONFIG_HOME"), homeDir() + QStringLiteral("/.config"));
    m_env.insert(QStringLiteral("XDG_DATA_HOME"), homeDir() + QStringLiteral("/.local/share"));
    m_env.remove(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"));
    m_env.insert(QStringLiteral("CAIWU_SECRETS_BACKEND"), QStringLiteral("systemd-creds"));
    m_env.insert(QStringLiteral("CAIWU_MAIL_PORT"), QStringLiteral("0")); // tests run side by side
    m_env.remove(QStringLiteral("QT_QPA_PLATFORM")); // headless: `caiwu` with no command must serve
    m_process.setProcessChannelMode(QProcess::MergedChannels);
}

TestServer::~TestServer()
{
    if (isRunning()) {
        m_process.kill();
        m_process.waitForFinished(10000);
    }
}

bool TestServer::startCaiwu(const QStringList &extra)
{
    QStringList args{QStringLiteral("serve"), QStringLiteral("--data-dir"), dataDir(), QStringLiteral("--listen"),
                     QStringLiteral("127.0.0.1"), QStringLiteral("--api-port"), QStringLiteral("0"),
                     QStringLiteral("--threads"), QStringLiteral("2"), QStringLiteral("--mail-port"), QStringLiteral("0")};
    return startProgram(QStringLiteral(CAIWU_BINARY), args + extra);
}

bool TestServer::startProgram(const QString &program, const QStringList &arguments)
{
    m_process.setProcessEnvironment(m_env);
    // A restarted server must announce itself anew: forget the last run's lines.
    output();
    const qsizetype fresh = m_output.size();
    m_port = m_mailPort = 0;
    m_process.start(program, arguments);
    if (!m_process.waitForStarted(10000))
        return false;
    static const QRegularExpression ready(QStringLiteral("serving API on http://[^\\s]+:(\\d+)"));
    static const QRegularExpression mail(QStringLiteral("mail service (?:on http://[^\\s]+:(\\d+)|not running)"));
    const bool caiwuServe = arguments.value(0) == QLatin1String("serve");
    // A hang guard, not a performance limit: start-up takes well under a second.
    QDeadlineTimer deadline(60000);
    while (!deadline.hasExpired()) {
        const QString printed = QString::fromUtf8(output().mid(fresh));
        const auto match = ready.match(printed);
        const auto mailMatch = mail.match(printed);
        // `caiwu serve` also says where its mail service is; fixtures may not.
        if (match.hasMatch() && (!caiwuServe || mailMatch.hasMatch())) {
            m_port = quint16(match.captured(1).toUInt());
            m_mailPort = quint16(mailMatch.captured(1).toUInt());
            return true;
        }
        if (m_process.state() != QProcess::Running)
            return false;
        m_process.waitForReadyRead(100);
    }
    return false;
}

CommandRun runCaiwu(const QProcessEnvironment &env, const QStringList &args, const QByteArray &input)
{
    QProcess process;
    process.setProcessEnvironment(env);
    process.start(QStringLiteral(CAIWU_BINARY), args);
    process.waitForStarted();
    if (!input.isEmpty())
        process.write(input);
    process.closeWriteChannel();
    process.waitForFinished(60000); // a hang guard
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1, process.readAllStandardOutput(),
            process.readAllStandardError()};
}

TestServer::Run TestServer::caiwu(const QStringList &args, const QByteArray &input) const
{
    return runCaiwu(m_env, args + QStringList{QStringLiteral("--data-dir"), dataDir()}, input);
}

QByteArray TestServer::output()
{
    if (m_process.isOpen())
        m_output += m_process.readAll();
    return m_output;
}

void TestServer::signal(int sig)
{
    ::kill(pid_t(m_process.processId()), sig);
}

int TestServer::waitForExit(int timeoutMs)
{
    if (!m_process.waitForFinished(timeoutMs) && isRunning())
        return -1;
    output();
    return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
}
