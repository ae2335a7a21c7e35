#pragma once

#include "auth/SessionStore.h"
#include "core/Result.h"

#include <QByteArray>
#include <QString>

namespace caiwu {

struct ModuleContext;
class SystemConfigService;

// Who is logging in, from where (the device fingerprint and the audit row use both).
struct ClientInfo {
    QString ip;
    QString userAgent;
};

// A finished login: the session and its token, or "a TOTP code is needed on this device".
struct LoginOutcome {
    bool needTotp = false;
    SessionStore::Session session;
    QByteArray token;
    qint64 expiresIn = 0; // seconds
};

// Login, logout, activation, password reset and TOTP reset (reference §3.2–§3.6), with a
// lockout, hashed link tokens, single-use TOTP codes and argon2id rehashing added.
class AuthService {
public:
    static constexpr qint64 TokenLifetimeSeconds = 7200;
    static constexpr qint64 TrustedDeviceMs = 90LL * 24 * 3600 * 1000;
    static constexpr qint64 ActivationMs = 24LL * 3600 * 1000;
    static constexpr qint64 PasswordResetMs = 3600LL * 1000;
    static constexpr qint64 TotpResetMs = 30LL * 60 * 1000;

    explicit AuthService(ModuleContext &context);
    ~AuthService();

    Result<LoginOutcome> login(const QString &email, const QString &password, const QString &totp, const ClientInfo &client);
    Result<void> logout(const AuthSession &session, const ClientInfo &client);

    // Activation link (24 h): the login email, 404 unknown, 400 expired.
    Result<QString> verifyActivation(const QString &token);
    // Sets the password (and binds TOTP when 2FA is on), activates, and logs in.
    Result<LoginOutcome> activate(const QString &token, const QString &password, const QString &totpSecret,
                                  const QString &totpCode, const ClientInfo &client);

    // Emails a reset link (1 h) to the employee's login address. Nothing is said about whether
    // the employee exists or has an address; only a database failure is an error.
    Result<void> requestPasswordReset(const QString &employeeId, const QString &actorId, const ClientInfo &client);
    Result<QString> verifyPasswordReset(const QString &token);
    // Sets the new password, ends every other session, and logs in.
    Result<LoginOutcome> resetPassword(const QString &token, const QString &password, const ClientInfo &client);

    // Emails a TOTP-reset link (30 min) to the employee with this company or personal email.
    // Always succeeds as far as the caller can tell.
    Result<void> requestTotpReset(const QString &email, const ClientInfo &client);
    Result<void> verifyTotpReset(const QString &token);
    Result<void> confirmTotpReset(const QString &token, const ClientInfo &client);

    // HR's actions on someone's account (reference POST /employees/:id/…). Each first checks
    // that the caller's data scope covers the employee (404 when it does not exist, 403 when
    // it is outside the scope).
    Result<void> checkInScope(const Principal &who, const QString &employeeId);
    // A new 24-hour activation link by mail. Refused (BUSINESS_ERROR) once a password is set.
    Result<void> sendActivation(const QString &employeeId, const QString &actorId, const ClientInfo &client);
    // Removes the authenticator binding and trusted devices, and ends the employee's sessions.
    Result<void> resetTotp(const QString &employeeId, const QString &actorId, const ClientInfo &client);

    // The signed JWT for a session (2 h; claims sid, sub, email, name, position, iat, exp).
    QByteArray tokenFor(const AuthSession &session, qint64 nowMs) const;

private:
    struct Account;
    Result<LoginOutcome> finishLogin(const Account &account, const ClientInfo &client, const QString &action);
    Result<bool> deviceTrusted(const QString &employeeId, const QString &fingerprint, qint64 now);
    Result<void> trustDevice(const QString &employeeId, const QString &fingerprint, const ClientInfo &client, qint64 now);
    Result<void> refuseLogin(const QString &email, const QString &employeeId, const QString &reason, const ClientInfo &client);
    void sendMail(const QString &to, const QString &subject, const QString &html, const QString &text);

    ModuleContext &m_context;
    std::unique_ptr<SystemConfigService> m_settings;
};

} // namespace caiwu
