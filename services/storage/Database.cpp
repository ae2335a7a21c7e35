#include "Database.h"

#include "core/Clock.h"
#include "core/Log.h"

#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <QUuid>

#include <sqlite3.h>

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

int abortAfterDeadline(void *arg)
{
    return Clock::monotonicMs() > static_cast<PingDeadline *>(arg)->deadlineMs ? 1 : 0;
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
    return m_prefix + QLatin1Char('-') + QString::number(reinterpret_cast<quintptr>(QThread::currentThreadId()), 16);
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
    QSqlQuery query(db);
    for (const char *pragma : Pragmas) {
        if (!query.exec(QString::fromLatin1(pragma)))
            return AppError::unavailable(QStringLiteral("cannot configure the database (%1): %2")
                                             .arg(QString::fromLatin1(pragma), query.lastError().text()));
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
    const qint64 elapsedUs =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count();
    if (rc != SQLITE_ROW)
        return AppError::unavailable(QStringLiteral("database ping failed: %1").arg(QString::fromUtf8(sqlite3_errmsg(raw))));
    if (elapsedUs > qint64(timeoutMs) * 1000)
        return AppError::unavailable(QStringLiteral("database ping took %1 ms").arg(elapsedUs / 1000));
    return elapsedUs;
}

Result<void> Database::checkReadable()
{
    auto db = connection();
    if (!db)
        return db.error();
    QSqlQuery query(*db);
    if (!query.exec(QStringLiteral("SELECT count(*) FROM sqlite_schema")) || !query.next())
        return AppError::unavailable(QStringLiteral("the database file cannot be read: %1").arg(query.lastError().text()));
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
