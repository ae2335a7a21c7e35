#pragma once

#include "AuthService.h"
#include "LoginAccount.h"
#include "core/Result.h"

#include <QString>
#include <QVariantList>

namespace caiwu {

struct ModuleContext;
struct Principal;

// The emailed links that open or recover an account (reference §3.6): activation (24 h),
// password reset (1 h, self or HR), TOTP reset (30 min), and HR's actions behind them. Link
// tokens are random, kept only as their SHA-256, and work once; mail goes out through the
// outbox; nothing says whether an address exists.
class AccountLinkService {
public:
    static constexpr qint64 ActivationMs = 24LL * 3600 * 1000;
    static constexpr qint64 PasswordResetMs = 3600LL * 1000;
    static constexpr qint64 TotpResetMs = 30LL * 60 * 1000;

    AccountLinkService(ModuleContext &context, AuthService &auth);

    // Activation link: the login email, 404 unknown, 400 expired.
    Result<QString> verifyActivation(const QString &token);
    // Sets the password (and binds TOTP when 2FA is on), activates, and logs in.
    Result<LoginOutcome> activate(const QString &token, const QString &password, const QString &totpSecret,
                                  const QString &totpCode, const ClientInfo &client);

    // Emails a reset link to the employee's login address. Nothing is said about whether the
    // employee exists or has an address; only a database failure is an error.
    Result<void> requestPasswordReset(const QString &employeeId, const QString &actorId, const ClientInfo &client);
    Result<QString> verifyPasswordReset(const QString &token);
    // Sets the new password, ends every other session, and logs in (or asks for the code on
    // an unknown device: the link proves the mailbox, not the second factor).
    Result<LoginOutcome> resetPassword(const QString &token, const QString &password, const ClientInfo &client);

    // Emails a TOTP-reset link to the employee with this company or personal email. Always
    // succeeds as far as the caller can tell.
    Result<void> requestTotpReset(const QString &email, const ClientInfo &client);
    Result<void> verifyTotpReset(const QString &token);
    Result<void> confirmTotpReset(const QString &token, const ClientInfo &client);

    // HR's actions on someone's account (reference POST /employees/:id/…). checkInScope: 404
    // when the employee does not exist, 403 when outside the caller's data scope.
    Result<void> checkInScope(const Principal &who, const QString &employeeId);
    // A new activation link by mail. Refused (BUSINESS_ERROR) once a password is set.
    Result<void> sendActivation(const QString &employeeId, const QString &actorId, const ClientInfo &client);
    // Removes the authenticator binding and trusted devices, and ends the employee's sessions.
    Result<void> resetTotp(const QString &employeeId, const QString &actorId, const ClientInfo &client);

private:
    // An emailed link's token checked against employees.<tokenColumn> for an employee matching
    // `holder` (SQL, a code constant): the login email, 404 `invalid`, or 400 `expired`.
    Result<QString> checkLink(const QString &token, const QString &tokenColumn, const QString &expiresColumn,
                              const QString &holder, const QString &invalid, const QString &expired);
    // Runs `update` (… RETURNING id; it checks and consumes the link in one statement), reads
    // the account, audits `action`: one transaction. 404 `invalid` when the link matched nothing.
    Result<LoginAccount> useLink(const QString &update, const QVariantList &values, const QString &invalid,
                                 const QString &action, const ClientInfo &client);

    ModuleContext &m_context;
    AuthService &m_auth;
};

} // namespace caiwu
