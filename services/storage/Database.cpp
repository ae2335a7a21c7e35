#include "Database.h"

#include "core/Clock.h"
#include "core/Log.h"

#include <QFile>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

#include <sqlite3.h>
#include <sys/stat.h>

#include <cstring>

#include <algorithm>
#include <atomic>
#include <chrono>

namespace caiwu {

namespace {
const char *const Pragmas[] = {
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
};

struct PingDeadline {
    qint64 deadlineMs;
};

// This thread's prepared ping; connections are per thread, so is this.
struct PingStatement {
    sqlite3 *connection = nullptr;
    sqlite3_stmt *statement = nullptr;
};
thread_local PingStatement t_ping;

void finalizePing()
{
    sqlite3_finalize(t_ping.statement);
    t_ping = {};
}

// This thread's prepared "PRAGMA data_version", and the number its connection was given.
struct StampStatement {
    sqlite3 *connection = nullptr;
    sqlite3_stmt *statement = nullptr;
    quint64 serial = 0;
};
thread_local StampStatement t_stamp;

void finalizeStamp()
{
    sqlite3_finalize(t_stamp.statement);
    t_stamp = {};
}

int abortAfterDeadline(void *arg)
{
    return Clock::monotonicMs() > static_cast<PingDeadline *>(arg)->deadlineMs ? 1 : 0;
}

// Names this thread's connection. Not the thread id: ids are reused once a thread ends, and
// a connection a finished thread left behind belongs to that thread, useless to the next.
quint64 threadSerial()
{
    static std::atomic<quint64> next{1};
    thread_local const quint64 serial = next.fetch_add(1);
    return serial;
}
} // namespace

Database::Database(const QString &path)
    : m_path(path)
    , m_prefix(QStringLiteral("caiwu-") + QUuid::createUuid().toString(QUuid::Id128).left(8))
{
}

Database::~Database() = default;

QString Database::connectionName() const
{
    return m_prefix + QLatin1Char('-') + QString::number(threadSerial());
}

Result<QSqlDatabase> Database::connection()
{
    const QString name = connectionName();
    if (QSqlDatabase::contains(name)) {
        QSqlDatabase db = QSqlDatabase::database(name, false);
        if (db.isOpen())
            return db;
    }
    QSqlDatabase db = QSqlDatabase::contains(name) ? QSqlDatabase::database(name, false)
                                                   : QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
    db.setDatabaseName(m_path);
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(BusyTimeoutMs));
    if (!db.open())
        return AppError::unavailable(QStringLiteral("cannot open the database %1: %2").arg(m_path, db.lastError().text()));
    for (const char *pragma : Pragmas) {
        QSqlQuery query(db);
        if (!query.exec(QString::fromLatin1(pragma))) {
            const QString why = query.lastError().text();
            query = QSqlQuery();
            // Not kept open: the next call would hand it out without these pragmas.
            db.close();
            return AppError::unavailable(QStringLiteral("cannot configure the database %1 (%2): %3")
                                             .arg(m_path, QString::fromLatin1(pragma), why));
        }
    }
    // Remember which file this is, so checkReadable() can tell if it is later replaced.
    if (m_fileIdentity.load() == 0) {
        struct stat st {};
        if (::stat(QFile::encodeName(m_path).constData(), &st) == 0)
            m_fileIdentity.store((quint64(st.st_dev) << 32) ^ quint64(st.st_ino));
    }
    return db;
}

void Database::releaseThreadConnection()
{
    const QString name = connectionName();
    if (!QSqlDatabase::contains(name))
        return;
    {
        QSqlDatabase db = QSqlDatabase::database(name, false);
        // A statement prepared on this connection must go before it can close.
        if (t_ping.connection == handle(db))
            finalizePing();
        if (t_stamp.connection == handle(db))
            finalizeStamp();
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
}

Result<qint64> Database::ping(int timeoutMs)
{
    auto db = connection();
    if (!db)
        return db.error();
    sqlite3 *raw = handle(*db);
    // Prepared once per thread: the health route runs it on every call.
    if (t_ping.connection != raw) {
        finalizePing();
        if (sqlite3_prepare_v3(raw, "SELECT 1", -1, SQLITE_PREPARE_PERSISTENT, &t_ping.statement, nullptr) != SQLITE_OK)
            return AppError::unavailable(QStringLiteral("database ping failed: %1").arg(QString::fromUtf8(sqlite3_errmsg(raw))));
        t_ping.connection = raw;
    }
    sqlite3_stmt *const statement = t_ping.statement;
    const auto started = std::chrono::steady_clock::now();
    PingDeadline deadline{Clock::monotonicMs() + timeoutMs};
    // The deadline covers both work (progress handler) and waiting for a lock (busy timeout).
    sqlite3_progress_handler(raw, 100, abortAfterDeadline, &deadline);
    sqlite3_busy_timeout(raw, timeoutMs);
    const int rc = sqlite3_step(statement);
    sqlite3_reset(statement);
    sqlite3_progress_handler(raw, 0, nullptr, nullptr);
    sqlite3_busy_timeout(raw, BusyTimeoutMs);
    // Rounded up: a round trip under a microsecond is 1 µs, never a "0" that reads as no measurement.
    const qint64 elapsedNs =
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - started).count();
    const qint64 elapsedUs = std::max<qint64>(1, (elapsedNs + 999) / 1000);
    if (rc != SQLITE_ROW)
        return AppError::unavailable(QStringLiteral("database ping failed: %1").arg(QString::fromUtf8(sqlite3_errmsg(raw))));
    if (elapsedUs > qint64(timeoutMs) * 1000)
        return AppError::unavailable(QStringLiteral("database ping took %1 ms").arg(elapsedUs / 1000));
    return elapsedUs;
}

Result<ChangeStamp> Database::changeStamp()
{
    auto db = connection();
    if (!db)
        return db.error();
    sqlite3 *raw = handle(*db);
    if (t_stamp.connection != raw) {
        static std::atomic<quint64> serials{1};
        finalizeStamp();
        if (sqlite3_prepare_v3(raw, "PRAGMA data_version", -1, SQLITE_PREPARE_PERSISTENT, &t_stamp.statement, nullptr) != SQLITE_OK)
            return AppError::unavailable(QStringLiteral("cannot read the data version: %1").arg(QString::fromUtf8(sqlite3_errmsg(raw))));
        t_stamp.connection = raw;
        t_stamp.serial = serials.fetch_add(1);
    }
    const int rc = sqlite3_step(t_stamp.statement);
    const qint64 version = rc == SQLITE_ROW ? sqlite3_column_int64(t_stamp.statement, 0) : 0;
    sqlite3_reset(t_stamp.statement);
    if (rc != SQLITE_ROW)
        return AppError::unavailable(QStringLiteral("cannot read the data version: %1").arg(QString::fromUtf8(sqlite3_errmsg(raw))));
    return ChangeStamp{t_stamp.serial, version, qint64(sqlite3_total_changes64(raw))};
}

Result<void> Database::checkReadable()
{
    auto db = connection();
    if (!db)
        return db.error();
    // Deleted or replaced under us? stat() only: opening the file with a descriptor of our
    // own and closing it would drop every POSIX lock SQLite holds on it in this process,
    // letting another process delete the WAL while we still write to it.
    struct stat now {};
    if (::stat(QFile::encodeName(m_path).constData(), &now) != 0)
        return AppError::unavailable(QStringLiteral("the database file %1 is gone").arg(m_path));
    const quint64 identity = (quint64(now.st_dev) << 32) ^ quint64(now.st_ino);
    if (const quint64 opened = m_fileIdentity.load(); opened != 0 && opened != identity)
        return AppError::unavailable(QStringLiteral("the database file %1 was replaced while open; restart Caiwu").arg(m_path));
    // Overwritten in place? The header, read through SQLite's own file handle: a cached
    // connection would otherwise keep answering from memory.
    sqlite3_file *file = nullptr;
    char header[16] = {};
    if (sqlite3_file_control(handle(*db), "main", SQLITE_FCNTL_FILE_POINTER, &file) != SQLITE_OK || !file || !file->pMethods
        || file->pMethods->xRead(file, header, sizeof header, 0) != SQLITE_OK
        || memcmp(header, "SQLite format 3", 16) != 0)
        return AppError::unavailable(
            QStringLiteral("the database file %1 cannot be read: file is not a database (its header is gone)").arg(m_path));
    QSqlQuery query(*db);
    if (!query.exec(QStringLiteral("SELECT count(*) FROM sqlite_schema")) || !query.next())
        return AppError::unavailable(
            QStringLiteral("the database file %1 cannot be read: %2").arg(m_path, query.lastError().text()));
    return {};
}

sqlite3 *Database::handle(const QSqlDatabase &db)
{
    const QVariant v = db.driver()->handle();
    if (v.isValid() && qstrcmp(v.typeName(), "sqlite3*") == 0)
        return *static_cast<sqlite3 *const *>(v.constData());
    return nullptr;
}

} // namespace caiwu
