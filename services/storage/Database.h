#pragma once

#include "core/Result.h"

#include <QSqlDatabase>
#include <QString>

#include <atomic>

struct sqlite3;

namespace caiwu {

// The appliance's one SQLite file. Each thread gets its own connection (QtSql
// connections are not shareable between threads), opened with the same pragmas:
// WAL so readers never wait for the writer, foreign keys on, a busy timeout instead
// of SQLITE_BUSY errors, and synchronous=FULL so an acknowledged write survives a
// power cut.
// What a read cache compares to tell whether the database may have changed since it last read
// on this thread: a commit by any other connection (PRAGMA data_version; other threads and other
// processes included) or any row changed through this one (sqlite3_total_changes64). Stamps of
// different connections never compare equal.
struct ChangeStamp {
    quint64 connection = 0;   // this thread's connection, numbered when first stamped
    qint64 otherCommits = 0;
    qint64 ownChanges = 0;
    bool operator==(const ChangeStamp &) const = default;
};

class Database {
public:
    explicit Database(const QString &path);
    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    QString path() const { return m_path; }

    // This thread's connection, opened on first use.
    Result<QSqlDatabase> connection();
    // Closes this thread's connection; worker threads call it before they end.
    void releaseThreadConnection();

    // `SELECT 1` on this thread's connection bounded by `timeoutMs`: cheap enough for
    // every health request. Returns the latency in microseconds.
    Result<qint64> ping(int timeoutMs);
    // This thread's connection's stamp now; a few microseconds (the statement stays prepared).
    Result<ChangeStamp> changeStamp();

    // Reads the schema page from the file: the slower check the health monitor runs.
    Result<void> checkReadable();

    // The sqlite3 handle behind a QtSql connection, for the backup and progress APIs.
    static sqlite3 *handle(const QSqlDatabase &db);

    static constexpr int BusyTimeoutMs = 5000;

private:
    QString connectionName() const;

    QString m_path;
    QString m_prefix;
    std::atomic<quint64> m_fileIdentity{0};   // device and inode of the file when first opened

};

} // namespace caiwu
