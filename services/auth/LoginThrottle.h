#pragma once

#include "core/Result.h"

#include <QList>
#include <QString>

namespace caiwu {

class Database;

// How many failed logins are tolerated (config auth.*).
struct ThrottlePolicy {
    int accountThreshold = 5;           // failures of one account within the window → locked
    qint64 windowMs = 15 * 60 * 1000;   // failures are counted over this long, and a lock lasts this long
    int addressThreshold = 20;          // failures from one client address, any account, within the window
};

// Counts failed logins per account and per client address (table login_throttle) and refuses
// further attempts while either is over its limit — whatever the password, so a locked account
// cannot be guessed at. The reference had no such limit.
class LoginThrottle {
public:
    LoginThrottle(Database &db, ThrottlePolicy policy) : m_db(db), m_policy(policy) {}

    const ThrottlePolicy &policy() const { return m_policy; }

    // Before any password is checked: 429 ACCOUNT_LOCKED or TOO_MANY_ATTEMPTS, with
    // details.retryAfterSeconds. `account` is the email as typed (compared case-insensitively).
    Result<void> check(const QString &account, const QString &address, qint64 nowMs);

    struct Failure {
        int accountFailures = 0;
        bool accountLockedNow = false;  // this failure locked the account
        bool addressLockedNow = false;  // this failure locked the client address
    };
    // A wrong password, unknown account or wrong code. Loopback is not counted per address: a
    // local reverse proxy without http.trusted_proxies would otherwise lock out the whole office.
    Result<Failure> recordFailure(const QString &account, const QString &address, qint64 nowMs);
    // A successful login clears the account's failures (not the address's).
    Result<void> recordSuccess(const QString &account);
    // The admin's unlock: clears the account's failures and lock. True if it had any.
    Result<bool> unlock(const QString &account);

    struct Lock {
        QString scope;      // "account" or "ip"
        QString subject;    // the email or the address
        int failures = 0;
        qint64 lastFailureAt = 0;
        qint64 lockedUntil = 0;
    };
    // Locks in force now, newest first.
    Result<QList<Lock>> locks(qint64 nowMs);

    static QString accountKey(const QString &account) { return account.trimmed().toLower(); }

private:
    Result<Lock> bump(const QString &scope, const QString &subject, int threshold, qint64 nowMs);
    AppError lockedError(const QByteArray &code, const QString &message, qint64 untilMs, qint64 nowMs) const;

    Database &m_db;
    ThrottlePolicy m_policy;
};

} // namespace caiwu
