#pragma once

#include "AuthSession.h"
#include "core/Result.h"

#include <QHash>
#include <QReadWriteLock>
#include <QString>

#include <atomic>
#include <memory>

namespace caiwu {

class Database;

// The sessions table with an in-memory cache in front, so an authenticated request costs a
// hash lookup, not a query (the reference's KV cache). Entries are dropped — not left to
// expire — when what they say changes: logout, a new login (one session per user), an
// employee deactivated or resigned, a position or its permissions changed. An entry is also
// re-read after RefreshMs, which picks up changes made by another process on the same file
// and keeps sessions.last_active_at roughly current. Thread-safe.
class SessionStore {
public:
    static constexpr qint64 LifetimeMs = 7LL * 24 * 3600 * 1000;
    static constexpr qint64 RefreshMs = 60 * 1000;

    explicit SessionStore(Database &db) : m_db(db) {}

    using Session = std::shared_ptr<const AuthSession>;

    // The employee's one session: any other session of theirs ends (the reference's single
    // session per user). The employee must be active; their position may be missing (then
    // every authenticated route answers 403).
    Result<Session> open(const QString &employeeId, const QString &ip, const QString &userAgent, qint64 nowMs);
    // 401 when the session does not exist, has expired, or its employee is no longer active.
    Result<Session> find(const QString &sessionId, qint64 nowMs);

    // Logout: the session ends at once.
    Result<void> close(const QString &sessionId);
    // Every session of the employee ends (deactivation, resignation, password reset). Returns how many.
    Result<int> closeAllOf(const QString &employeeId);
    // Cached entries are re-read on next use, so a change to the employee or position shows at once.
    void forgetEmployee(const QString &employeeId);
    void forgetPosition(const QString &positionId);
    void forgetAll();

    // Unexpired sessions, for the admin's figures.
    Result<int> openCount(qint64 nowMs);

private:
    Result<Session> load(const QString &sessionId, qint64 nowMs);
    void dropWhere(const std::function<bool(const AuthSession &)> &match);

    struct Entry {
        Session session;
        qint64 loadedAt = 0;
    };
    Database &m_db;
    QReadWriteLock m_lock;
    QHash<QString, Entry> m_cache;
    // Bumped by every forget: a load that began before it does not put a stale entry back.
    std::atomic<quint64> m_generation{0};
};

} // namespace caiwu
