#pragma once

#include <QProcess>
#include <QProcessEnvironment>
#include <QStringList>
#include <QTemporaryDir>

#include <csignal>

// What one run of a command printed, and how it ended.
struct CommandRun {
    int code = -1;       // the exit code; -1 if it crashed or hung
    QByteArray out;
    QByteArray err;
};

// Runs the `caiwu` binary with `args`, `input` on its standard input, in `env`.
CommandRun runCaiwu(const QProcessEnvironment &env, const QStringList &args, const QByteArray &input = {});

// Starts a real server process (`caiwu serve`, or a test fixture built on the same
// ServiceHost) on an ephemeral loopback port with a private data folder, HOME and
// config, and waits until it says where it listens.
class TestServer {
public:
    TestServer();
    ~TestServer();

    void setEnv(const QString &name, const QString &value) { m_env.insert(name, value); }
    QProcessEnvironment &environment() { return m_env; }

    // `caiwu serve` with the standard test flags plus `extra`.
    bool startCaiwu(const QStringList &extra = {});
    // Any program that prints "serving API on http://HOST:PORT" once ready.
    bool startProgram(const QString &program, const QStringList &arguments);

    quint16 port() const { return m_port; }
    // The mail service's port, when `caiwu serve` reported it running (else 0).
    quint16 mailPort() const { return m_mailPort; }

    using Run = CommandRun;
    // Runs `caiwu ARGS --data-dir <this server's>` with this server's environment.
    Run caiwu(const QStringList &args, const QByteArray &input = {}) const;
    QString dataDir() const { return m_data.path() + QStringLiteral("/data"); }
    QString homeDir() const { return m_data.path() + QStringLiteral("/home"); }
    QProcess &process() { return m_process; }
    // Everything the process printed so far (standard output and error).
    QByteArray output();

    void signal(int sig);
    // Waits for the process to end; returns its exit code, or -1 if it crashed or hung.
    int waitForExit(int timeoutMs = 30000);
    bool isRunning() const { return m_process.state() == QProcess::Running; }

private:
    QTemporaryDir m_data;
    QProcessEnvironment m_env;
    QProcess m_process;
    QByteArray m_output;
    quint16 m_port = 0;
    quint16 m_mailPort = 0;
};
