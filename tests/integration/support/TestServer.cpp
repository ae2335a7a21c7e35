#include "TestServer.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QRegularExpression>

#include <csignal>

TestServer::TestServer()
{
    QDir().mkpath(dataDir());
    QDir().mkpath(homeDir());
    m_env = QProcessEnvironment::systemEnvironment();
    // A private HOME and XDG folders: the test never reads or writes the real user's config.
    m_env.insert(QStringLiteral("HOME"), homeDir());
    m_env.insert(QStringLiteral("XDG_CONFIG_HOME"), homeDir() + QStringLiteral("/.config"));
    m_env.insert(QStringLiteral("XDG_DATA_HOME"), homeDir() + QStringLiteral("/.local/share"));
    m_env.remove(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"));
    m_env.insert(QStringLiteral("CAIWU_SECRETS_BACKEND"), QStringLiteral("systemd-creds"));
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
                     QStringLiteral("--threads"), QStringLiteral("2")};
    return startProgram(QStringLiteral(CAIWU_BINARY), args + extra);
}

bool TestServer::startProgram(const QString &program, const QStringList &arguments)
{
    m_process.setProcessEnvironment(m_env);
    m_process.start(program, arguments);
    if (!m_process.waitForStarted(10000))
        return false;
    static const QRegularExpression ready(QStringLiteral("serving API on http://[^\\s]+:(\\d+)"));
    // A hang guard, not a performance limit: start-up takes well under a second.
    QDeadlineTimer deadline(60000);
    while (!deadline.hasExpired()) {
        const auto match = ready.match(QString::fromUtf8(output()));
        if (match.hasMatch()) {
            m_port = quint16(match.captured(1).toUInt());
            return true;
        }
        if (m_process.state() != QProcess::Running)
            return false;
        m_process.waitForReadyRead(100);
    }
    return false;
}

QByteArray TestServer::output()
{
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
