#include "LoginThrottle.h"

#include "storage/Database.h"
#include "storage/Sql.h"
#include "storage/Transaction.h"

#include <QHostAddress>

namespace caiwu {

namespace {

const QString Account = QStringLiteral("account");
const QString Address = QStringLiteral("ip");

bool isLoopback(const QString &address)
{
    return QHostAddress(address).isLoopback();
}

} // namespace

AppError LoginThrottle::lockedError(const QByteArray &code, const QString &message, qint64 untilMs, qint64 nowMs) const
{
    const qint64 seconds = std::max<qint64>(1, (untilMs - nowMs + 999) / 1000);
    return AppError{429, code, message.arg((seconds + 59) / 60),
                    QJsonObject{{QStringLiteral("retryAfterSeconds"), seconds}}};
}

Result<void> LoginThrottle::check(const QString &account, const QString &address, qint64 nowMs)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    auto q = Sql::run(*db, QStringLiteral("SELECT scope, locked_until FROM login_throttle "
                                          "WHERE ((scope = 'account' AND subject = ?) OR (scope = 'ip' AND subject = ?)) "
                                          "AND locked_until > ?"),
                      {accountKey(account), address, nowMs}, QStringLiteral("check login failures"));
    if (!q)
        return q.error();
    while (q->next()) {
        if (q->value(0).toString() == Account)
            return lockedError("ACCOUNT_LOCKED",
                               QStringLiteral("登录失败次数过多，账号已锁定，请 %1 分钟后再试或联系管理员解锁"),
                               q->value(1).toLongLong(), nowMs);
        return lockedError("TOO_MANY_ATTEMPTS", QStringLiteral("此地址登录失败次数过多，请 %1 分钟后再试"),
                           q->value(1).toLongLong(), nowMs);
    }
    return {};
}

// Runs inside recordFailure's transaction: read, count, write back.
Result<LoginThrottle::Lock> LoginThrottle::bump(const QString &scope, const QString &subject, int threshold, qint64 nowMs)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    auto q = Sql::run(*db, QStringLiteral("SELECT failures, window_started_at, locked_until FROM login_throttle "
                                          "WHERE scope = ? AND subject = ?"),
                      {scope, subject}, QStringLiteral("read login failures"));
    if (!q)
        return q.error();
    Lock lock{scope, subject, 1, nowMs, 0};
    qint64 windowStarted = nowMs;
    if (q->next() && q->value(1).toLongLong() + m_policy.windowMs > nowMs) { // a window that ended starts over
        lock.failures = q->value(0).toInt() + 1;
        windowStarted = q->value(1).toLongLong();
        lock.lockedUntil = q->value(2).toLongLong();
    }
    q->finish();
    if (lock.lockedUntil <= nowMs)
        lock.lockedUntil = lock.failures >= threshold ? nowMs + m_policy.windowMs : 0;
    auto write = Sql::run(*db, QStringLiteral("INSERT OR REPLACE INTO login_throttle (scope, subject, failures, window_started_at, "
                                              "last_failure_at, locked_until) VALUES (?, ?, ?, ?, ?, ?)"),
                          {scope, subject, lock.failures, windowStarted, nowMs,
                           lock.lockedUntil ? QVariant(lock.lockedUntil) : QVariant(QMetaType::fromType<qlonglong>())},
                          QStringLiteral("count a failed login"));
    if (!write)
        return write.error();
    return lock;
}

Result<LoginThrottle::Failure> LoginThrottle::recordFailure(const QString &account, const QString &address, qint64 nowMs)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    auto tx = Transaction::begin(*db);
    if (!tx)
        return tx.error();
    Failure failure;
    auto accountLock = bump(Account, accountKey(account), m_policy.accountThreshold, nowMs);
    if (!accountLock)
        return accountLock.error();
    failure.accountFailures = accountLock->failures;
    failure.accountLockedNow = accountLock->failures == m_policy.accountThreshold && accountLock->lockedUntil > nowMs;
    if (!address.isEmpty() && !isLoopback(address)) {
        auto addressLock = bump(Address, address, m_policy.addressThreshold, nowMs);
        if (!addressLock)
            return addressLock.error();
        failure.addressLockedNow = addressLock->failures == m_policy.addressThreshold && addressLock->lockedUntil > nowMs;
    }
    if (auto ok = tx->commit(); !ok)
        return ok.error();
    return failure;
}

Result<void> LoginThrottle::recordSuccess(const QString &account)
{
    if (auto ok = unlock(account); !ok)
        return ok.error();
    return {};
}

Result<bool> LoginThrottle::unlock(const QString &account)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    auto q = Sql::run(*db, QStringLiteral("DELETE FROM login_throttle WHERE scope = 'account' AND subject = ?"),
                      {accountKey(account)}, QStringLiteral("clear login failures"));
    if (!q)
        return q.error();
    return q->numRowsAffected() > 0;
}

Result<QList<LoginThrottle::Lock>> LoginThrottle::locks(qint64 nowMs)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    auto q = Sql::run(*db, QStringLiteral("SELECT scope, subject, failures, last_failure_at, locked_until FROM login_throttle "
                                          "WHERE locked_until > ? ORDER BY locked_until DESC"),
                      {nowMs}, QStringLiteral("list locked accounts"));
    if (!q)
        return q.error();
    QList<Lock> locks;
    while (q->next())
        locks.append(Lock{q->value(0).toString(), q->value(1).toString(), q->value(2).toInt(), q->value(3).toLongLong(),
                          q->value(4).toLongLong()});
    return locks;
}

} // namespace caiwu
