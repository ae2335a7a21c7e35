#include "AuthService.h"

#include "LoginAccount.h"

#include "auth/Jwt.h"
#include "auth/LoginThrottle.h"
#include "auth/OneTimeToken.h"
#include "auth/PasswordHasher.h"
#include "auth/Totp.h"
#include "core/Clock.h"
#include "core/Log.h"
#include "mail/MailClient.h"
#include "mail/MailTemplates.h"
#include "modules/ModuleContext.h"
#include "modules/audit/AuditTrail.h"
#include "modules/system_config/SystemConfigService.h"
#include "storage/Database.h"
#include "storage/Sql.h"

#include <QUuid>

namespace caiwu {

namespace {

const QString WrongCredentials = QStringLiteral("用户名或密码错误");

AppError totpWrong() { return AppError{401, "INVALID_TOTP", QStringLiteral("Google验证码错误"), {}}; }

} // namespace

AuthService::AuthService(ModuleContext &context)
    : m_context(context)
    , m_settings(std::make_unique<SystemConfigService>(context.database, context.audit))
{
}

AuthService::~AuthService() = default;

QByteArray AuthService::tokenFor(const AuthSession &session, qint64 nowMs) const
{
    const qint64 iat = nowMs / 1000;
    return Jwt::sign(QJsonObject{{QStringLiteral("sid"), session.sessionId},
                                 {QStringLiteral("sub"), session.userId},
                                 {QStringLiteral("email"), session.email},
                                 {QStringLiteral("name"), session.name},
                                 {QStringLiteral("position"), session.position.toJson()},
                                 {QStringLiteral("iat"), iat},
                                 {QStringLiteral("exp"), iat + TokenLifetimeSeconds}},
                     m_context.jwtKey);
}

void AuthService::sendMail(const QString &to, const RenderedMail &mail)
{
    MailClient *client = m_context.mailClient ? m_context.mailClient() : nullptr;
    if (!client) {
        qCWarning(lcMail).noquote() << "mail to" << to << "not sent: the mail client is not running";
        return;
    }
    if (auto id = client->send(to, mail.subject, mail.html, mail.text); !id)
        qCWarning(lcMail).noquote() << "mail to" << to << "not handed over:" << id.error().message;
}

Result<void> AuthService::refuseLogin(const QString &email, const QString &employeeId, const QString &reason,
                                      const ClientInfo &client)
{
    const qint64 now = Clock::nowMs();
    auto failure = m_context.throttle.recordFailure(email, client.ip, now);
    if (!failure)
        return failure.error();
    const QString account = LoginThrottle::accountKey(email);
    if (auto ok = m_context.audit.record({employeeId, QStringLiteral("login_failed"), QStringLiteral("user"), employeeId,
                                          QJsonObject{{QStringLiteral("email"), account},
                                                      {QStringLiteral("reason"), reason},
                                                      {QStringLiteral("failures"), failure->accountFailures}},
                                          client.ip});
        !ok)
        return ok.error();
    if (failure->accountLockedNow)
        if (auto ok = m_context.audit.record({employeeId, QStringLiteral("lockout"), QStringLiteral("user"), employeeId,
                                              QJsonObject{{QStringLiteral("email"), account},
                                                          {QStringLiteral("scope"), QStringLiteral("account")}},
                                              client.ip});
            !ok)
            return ok.error();
    if (failure->addressLockedNow)
        if (auto ok = m_context.audit.record({{}, QStringLiteral("lockout"), QStringLiteral("ip"), client.ip,
                                              QJsonObject{{QStringLiteral("ip"), client.ip},
                                                          {QStringLiteral("scope"), QStringLiteral("ip")}},
                                              client.ip});
            !ok)
            return ok.error();
    return {};
}

Result<bool> AuthService::deviceTrusted(const QString &employeeId, const QString &fingerprint, qint64 now)
{
    auto db = m_context.database.connection();
    if (!db)
        return db.error();
    if (auto q = Sql::run(*db, QStringLiteral("DELETE FROM trusted_devices WHERE user_id = ? AND created_at <= ?"),
                          {employeeId, now - TrustedDeviceMs}, QStringLiteral("expire trusted devices"));
        !q)
        return q.error();
    auto q = Sql::run(*db, QStringLiteral("UPDATE trusted_devices SET last_used_at = ? WHERE user_id = ? AND device_fingerprint = ? "
                                          "RETURNING id"),
                      {now, employeeId, fingerprint}, QStringLiteral("check the device"));
    if (!q)
        return q.error();
    return q->next();
}

Result<void> AuthService::trustDevice(const QString &employeeId, const QString &fingerprint, const ClientInfo &client, qint64 now)
{
    auto db = m_context.database.connection();
    if (!db)
        return db.error();
    auto q = Sql::run(*db, QStringLiteral("INSERT INTO trusted_devices (id, user_id, device_fingerprint, device_name, ip_address, "
                                          "user_agent, last_used_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                                          "ON CONFLICT (user_id, device_fingerprint) DO UPDATE SET created_at = excluded.created_at, "
                                          "last_used_at = excluded.last_used_at"),
                      {QUuid::createUuid().toString(QUuid::WithoutBraces), employeeId, fingerprint,
                       Sql::textOrNull(client.userAgent.left(100)), Sql::textOrNull(client.ip),
                       Sql::textOrNull(client.userAgent.left(512)), now, now},
                      QStringLiteral("remember the device"));
    if (!q)
        return q.error();
    return {};
}

Result<LoginOutcome> AuthService::login(const QString &email, const QString &password, const QString &totp,
                                        const ClientInfo &client)
{
    const qint64 now = Clock::nowMs();
    if (auto ok = m_context.throttle.check(email, client.ip, now); !ok)
        return ok.error();
    auto db = m_context.database.connection();
    if (!db)
        return db.error();
    auto q = Sql::run(*db, QLatin1String(LoginAccount::Select) + QStringLiteral("WHERE e.personal_email = ?"), {email},
                      QStringLiteral("look up the account"));
    if (!q)
        return q.error();
    if (!q->next()) {
        // As slow as a real check, so timing does not tell which emails exist.
        static const QString decoy = PasswordHasher::hash(QStringLiteral("decoy-password")).value();
        (void)PasswordHasher::verify(password, decoy);
        if (auto ok = refuseLogin(email, {}, QStringLiteral("unknown account"), client); !ok)
            return ok.error();
        return AppError::unauthorized(WrongCredentials);
    }
    const LoginAccount account = LoginAccount::from(*q);
    q->finish();
    if (account.passwordHash.isEmpty())
        return AppError{403, "PASSWORD_NOT_SET", QStringLiteral("密码未设置，请使用激活邮件中的链接设置密码"), {}};
    const PasswordCheck check = PasswordHasher::verify(password, account.passwordHash);
    if (!check.matches) {
        if (auto ok = refuseLogin(email, account.id, QStringLiteral("wrong password"), client); !ok)
            return ok.error();
        return AppError::unauthorized(WrongCredentials);
    }
    // Said only to someone who knows the password.
    if (!account.active)
        return AppError::forbidden(QStringLiteral("账号已停用"));

    auto twoFactor = m_settings->flag(QStringLiteral("2fa_enabled"), true);
    if (!twoFactor)
        return twoFactor.error();
    if (*twoFactor && !account.totpSecret.isEmpty()) {
        const QString fingerprint = OneTimeToken::deviceFingerprint(account.id, client.ip, client.userAgent);
        auto trusted = deviceTrusted(account.id, fingerprint, now);
        if (!trusted)
            return trusted.error();
        if (!*trusted) {
            if (totp.trimmed().isEmpty()) {
                LoginOutcome outcome;
                outcome.needTotp = true;
                return outcome;
            }
            const qint64 step = Totp::matchingStep(account.totpSecret, totp, now);
            // A code is good once: one seen over the shoulder cannot be replayed in its window.
            if (step < 0 || step <= account.totpLastStep) {
                if (auto ok = refuseLogin(email, account.id, step < 0 ? QStringLiteral("wrong code") : QStringLiteral("code reused"),
                                          client);
                    !ok)
                    return ok.error();
                return totpWrong();
            }
            if (auto u = Sql::run(*db, QStringLiteral("UPDATE employees SET totp_last_step = ? WHERE id = ?"), {step, account.id},
                                  QStringLiteral("record the code"));
                !u)
                return u.error();
            if (auto ok = trustDevice(account.id, fingerprint, client, now); !ok)
                return ok.error();
        }
    }
    if (check.needsRehash) {
        // A bcrypt hash from the reference (or a weaker argon2id) becomes today's argon2id.
        if (auto fresh = PasswordHasher::hash(password); fresh) {
            if (auto u = Sql::run(*db, QStringLiteral("UPDATE employees SET password_hash = ? WHERE id = ?"), {*fresh, account.id},
                                  QStringLiteral("upgrade the password hash"));
                !u)
                return u.error();
        }
    }
    if (auto ok = m_context.throttle.recordSuccess(email); !ok)
        return ok.error();
    auto outcome = openSession(account, client, QStringLiteral("login"));
    if (!outcome)
        return outcome;
    auto notify = m_settings->flag(QStringLiteral("email_notification_enabled"), false);
    if (notify && *notify) {
        const RenderedMail mail =
            MailTemplates::loginNotification(m_context.branding(), account.name, account.email, now, client.ip);
        sendMail(account.email, mail);
    }
    return outcome;
}

Result<LoginOutcome> AuthService::openSession(const LoginAccount &account, const ClientInfo &client, const QString &action)
{
    if (account.positionId.isEmpty() || !account.positionActive)
        return AppError::forbidden(QStringLiteral("职位不存在或已停用，请联系管理员"));
    const qint64 now = Clock::nowMs();
    auto db = m_context.database.connection();
    if (!db)
        return db.error();
    if (auto u = Sql::run(*db, QStringLiteral("UPDATE employees SET last_login_at = ? WHERE id = ?"), {now, account.id},
                          QStringLiteral("record the login"));
        !u)
        return u.error();
    auto session = m_context.sessions.open(account.id, client.ip, client.userAgent, now);
    if (!session)
        return session.error();
    if (auto ok = m_context.audit.record({account.id, action, QStringLiteral("user"), account.id,
                                          QJsonObject{{QStringLiteral("email"), account.email}}, client.ip});
        !ok)
        return ok.error();
    LoginOutcome outcome;
    outcome.session = *session;
    outcome.token = tokenFor(**session, now);
    outcome.expiresIn = TokenLifetimeSeconds;
    return outcome;
}

Result<void> AuthService::logout(const AuthSession &session, const ClientInfo &client)
{
    if (auto ok = m_context.sessions.close(session.sessionId); !ok)
        return ok.error();
    return m_context.audit.record({session.userId, QStringLiteral("logout"), QStringLiteral("user"), session.userId,
                                   QJsonObject{{QStringLiteral("email"), session.email}}, client.ip});
}

} // namespace caiwu
