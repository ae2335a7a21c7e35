#pragma once

#include "auth/SessionStore.h"
#include "core/Result.h"

#include <QByteArray>
#include <QString>

namespace caiwu {

struct LoginAccount;
struct ModuleContext;
struct RenderedMail;
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

// Login and logout (reference §3.2–§3.5), with a lockout, single-use TOTP codes and argon2id
// rehashing added; sessions, trusted devices and tokens for the emailed-link flows too
// (AccountLinkService).
class AuthService {
public:
    static constexpr qint64 TokenLifetimeSeconds = 7200;
    static constexpr qint64 TrustedDeviceMs = 90LL * 24 * 3600 * 1000;

    explicit AuthService(ModuleContext &context);
    ~AuthService();

    Result<LoginOutcome> login(const QString &email, const QString &password, const QString &totp, const ClientInfo &client);
    Result<void> logout(const AuthSession &session, const ClientInfo &client);

    // The signed JWT for a session (2 h; claims sid, sub, email, name, position, iat, exp).
    QByteArray tokenFor(const AuthSession &session, qint64 nowMs) const;

    // The account's one session and its token (the position must be active), audited as `action`.
    Result<LoginOutcome> openSession(const LoginAccount &account, const ClientInfo &client, const QString &action);
    // Trusted for 90 days after it passed a code; expired trust is forgotten on the way.
    Result<bool> deviceTrusted(const QString &employeeId, const QString &fingerprint, qint64 now);
    Result<void> trustDevice(const QString &employeeId, const QString &fingerprint, const ClientInfo &client, qint64 now);
    // Hands the mail to the mail service; a failure is logged, never the caller's failure.
    void sendMail(const QString &to, const RenderedMail &mail);
    SystemConfigService &settings() { return *m_settings; }

private:
    Result<void> refuseLogin(const QString &email, const QString &employeeId, const QString &reason, const ClientInfo &client);

    ModuleContext &m_context;
    std::unique_ptr<SystemConfigService> m_settings;
};

} // namespace caiwu
