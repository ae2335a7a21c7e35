#include "Log.h"

#include "Clock.h"

#include <QDateTime>
#include <QDir>

#include <atomic>
#include <cstdio>
#include <mutex>

#include <unistd.h>

namespace caiwu {

Q_LOGGING_CATEGORY(lcHost, "caiwu.host")
Q_LOGGING_CATEGORY(lcHttp, "caiwu.http")
Q_LOGGING_CATEGORY(lcStorage, "caiwu.storage")
Q_LOGGING_CATEGORY(lcSecrets, "caiwu.secrets")
Q_LOGGING_CATEGORY(lcMail, "caiwu.mail")

namespace Log {
namespace {

struct Sink {
    std::mutex mutex;
    FILE *file = nullptr;
    QString dir;
    QString path;
    QDate day;
    bool stderrIsTerminal = false;
    qint64 lastFlushMs = 0;
    std::atomic<int> minimum{int(Level::Info)};
};

Sink &sink()
{
    static Sink s;
    return s;
}

int severity(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg: return int(Level::Debug);
    case QtInfoMsg: return int(Level::Info);
    default: return int(Level::Warning);
    }
}

const char *label(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg: return "debug";
    case QtInfoMsg: return "info";
    case QtWarningMsg: return "warning";
    case QtCriticalMsg: return "error";
    case QtFatalMsg: return "fatal";
    }
    return "info";
}

void openFileFor(Sink &s, const QDate &today);

// "2026-11-25T09:00:00.123Z": the second is formatted once per second per thread.
QByteArray timestamp()
{
    const qint64 ms = QDateTime::currentMSecsSinceEpoch();
    thread_local qint64 second = -1;
    thread_local QByteArray prefix;
    if (ms / 1000 != second) {
        second = ms / 1000;
        prefix = QDateTime::fromSecsSinceEpoch(second, Qt::UTC).toString(QStringLiteral("yyyy-MM-ddThh:mm:ss.")).toLatin1();
    }
    const int millis = int(ms % 1000);
    QByteArray out = prefix;
    out += char('0' + millis / 100);
    out += char('0' + millis / 10 % 10);
    out += char('0' + millis % 10);
    out += 'Z';
    return out;
}

void writeLine(Sink &s, const QByteArray &line, bool important)
{
    std::lock_guard lock(s.mutex);
    // UTC day from the epoch: QDate::currentDate() would stat /etc/localtime every call.
    openFileFor(s, QDate(1970, 1, 1).addDays(QDateTime::currentMSecsSinceEpoch() / 86'400'000));
    if (s.file)
        std::fwrite(line.constData(), 1, size_t(line.size()), s.file);
    if (important || s.stderrIsTerminal || !s.file)
        std::fwrite(line.constData(), 1, size_t(line.size()), stderr);
    const qint64 nowMs = Clock::monotonicMs();
    if (important || nowMs - s.lastFlushMs > 500) {
        if (s.file)
            std::fflush(s.file);
        std::fflush(stderr);
        s.lastFlushMs = nowMs;
    }
}

// Called with the mutex held: opens caiwu-YYYY-MM-DD.log, rolling at midnight UTC.
void openFileFor(Sink &s, const QDate &today)
{
    if (s.dir.isEmpty() || (s.file && s.day == today))
        return;
    if (s.file)
        std::fclose(s.file);
    s.day = today;
    s.path = s.dir + QStringLiteral("/caiwu-%1.log").arg(s.day.toString(Qt::ISODate));
    s.file = std::fopen(QFile::encodeName(s.path).constData(), "a");
}

void handler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    Sink &s = sink();
    if (severity(type) < s.minimum.load(std::memory_order_relaxed))
        return;
    const QByteArray line = timestamp() + ' ' + label(type) + ' ' + (context.category ? context.category : "default") + ' '
        + message.toUtf8() + '\n';
    writeLine(s, line, severity(type) >= int(Level::Warning)); // not the enum order: QtInfoMsg is 4
    if (type == QtFatalMsg)
        std::abort();
}

} // namespace

void install(const QString &logDir, Level minimum)
{
    Sink &s = sink();
    {
        std::lock_guard lock(s.mutex);
        s.dir = logDir;
        s.stderrIsTerminal = ::isatty(STDERR_FILENO);
        if (s.file) {
            std::fclose(s.file);
            s.file = nullptr;
        }
        if (!logDir.isEmpty())
            QDir().mkpath(logDir);
    }
    setMinimum(minimum);
    qInstallMessageHandler(handler);
}

void request(QByteArrayView line)
{
    Sink &s = sink();
    if (s.minimum.load(std::memory_order_relaxed) > int(Level::Info))
        return;
    QByteArray out = timestamp();
    out += " info caiwu.http ";
    out += line;
    out += '\n';
    writeLine(s, out, false);
}

void setMinimum(Level minimum)
{
    sink().minimum.store(int(minimum));
    QLoggingCategory::setFilterRules(minimum == Level::Debug ? QStringLiteral("caiwu.*.debug=true")
                                                             : QStringLiteral("caiwu.*.debug=false"));
}

void flush()
{
    Sink &s = sink();
    std::lock_guard lock(s.mutex);
    if (s.file)
        std::fflush(s.file);
    std::fflush(stderr);
    s.lastFlushMs = Clock::monotonicMs();
}

QString currentFile()
{
    Sink &s = sink();
    std::lock_guard lock(s.mutex);
    return s.path;
}

Level parseLevel(const QString &name)
{
    if (name == QLatin1String("debug"))
        return Level::Debug;
    if (name == QLatin1String("warning"))
        return Level::Warning;
    return Level::Info;
}

} // namespace Log
} // namespace caiwu
