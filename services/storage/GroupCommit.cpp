#include "GroupCommit.h"

#include "Database.h"

#include <condition_variable>
#include <mutex>

#include <sqlite3.h>

namespace caiwu::GroupCommit {

namespace {

struct State {
    std::mutex mutex;
    std::condition_variable changed;
    quint64 committed = 0; // commits so far, in commit order
    quint64 synced = 0;    // every commit up to this one is on disk
    bool syncing = false;
};

State &state()
{
    static State s;
    return s;
}

int syncWal(const QSqlDatabase &db)
{
    sqlite3 *handle = Database::handle(db);
    if (!handle)
        return SQLITE_MISUSE;
    sqlite3_file *wal = nullptr;
    const int rc = sqlite3_file_control(handle, "main", SQLITE_FCNTL_JOURNAL_POINTER, &wal);
    if (rc != SQLITE_OK)
        return rc;
    if (!wal || !wal->pMethods)
        return SQLITE_OK; // no WAL open on this connection: nothing was written through it
    return wal->pMethods->xSync(wal, SQLITE_SYNC_NORMAL);
}

} // namespace

quint64 committed()
{
    State &s = state();
    std::lock_guard lock(s.mutex);
    return ++s.committed;
}

Result<void> waitDurable(quint64 sequence, const QSqlDatabase &db)
{
    State &s = state();
    std::unique_lock lock(s.mutex);
    while (s.synced < sequence) {
        if (s.syncing) {
            s.changed.wait(lock);
            continue;
        }
        s.syncing = true;
        const quint64 target = s.committed;
        lock.unlock();
        const int rc = syncWal(db);
        lock.lock();
        s.syncing = false;
        if (rc == SQLITE_OK)
            s.synced = std::max(s.synced, target);
        s.changed.notify_all();
        if (rc != SQLITE_OK)
            return AppError::unavailable(QStringLiteral("the database could not be written to disk (sync failed, SQLite error %1)").arg(rc));
    }
    return {};
}

} // namespace caiwu::GroupCommit
