#include "AuthService.h"

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
#include "storage/Transaction.h"

#include <QRegularExpression>
#include <QUuid>

namespace caiwu {

namespace {

const QString WrongCredentials = QStringLiteral("用户名或密码错误");

const char *const AccountColumns =
    "e.id, e.name, COALESCE(e.personal_email, e.email), e.active, e.status, e.password_hash, e.totp_secret, "
    "e.totp_last_step, e.position_id, p.active";

// A link token as we issue them: lower-case hex of the expected length. Anything else is not
// looked up at all.
bool wellFormedToken(const QString &token, int length)
{
    static const QRegularExpression hex(QStringLiteral("^[0-9a-f]+$"));
    return token.size() == length && hex.match(token).hasMatch();
}

AppError totpWrong() { return AppError{401, "INVALID_TOTP", QStringLiteral("Google验证码错误"), {}}; }

} // namespace

struct AuthService::Account {
    QString id;
    QString name;
    QString email;
    bool active = false;
    QString status;
    QString passwordHash;
    QString totpSecret;
    qint64 totpLastStep = -1;
    QString positionId;
    bool positionActive = false;

    static Account from(const QSqlQuery &q)
    {
        Account a;
        a.id = q.value(0).toString();
        a.name = q.value(1).toString();
        a.email = q.value(2).toString();
        a.active = q.value(3).toInt() == 1;
        a.status = q.value(4).toString();
        a.passwordHash = q.value(5).toString();
        a.totpSecret = q.value(6).toString();
        a.totpLastStep = q.value(7).isNull() ? -1 : q.value(7).toLongLong();
        a.positionId = q.value(8).toString();
        a.positionActive = q.value(9).toInt() == 1;
        return a;
    }
};

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

void AuthService::sendMail(const QString &to, const QString &subject, const QString &html, const QString &text)
{
    MailClient *mail = m_context.mailClient ? m_context.mailClient() : nullptr;
    if (!mail) {
        qCWarning(lcMail).noquote() << "mail to" << to << "not sent: the mail client is not running";
        return;
    }
    if (auto id = mail->send(to, subject, html, text); !id)
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
    auto q = Sql::run(*db, QStringLiteral("SELECT %1 FROM employees e LEFT JOIN positions p ON p.id = e.position_id "
                                          "WHERE e.personal_email = ?")
                               .arg(QLatin1String(AccountColumns)),
                      {email}, QStringLiteral("look up the account"));
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
    const Account account = Account::from(*q);
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
    auto outcome = finishLogin(account, client, QStringLiteral("login"));
    if (!outcome)
        return outcome;
    auto notify = m_settings->flag(QStringLiteral("email_notification_enabled"), false);
    if (notify && *notify) {
        const RenderedMail mail =
            MailTemplates::loginNotification(m_context.branding(), account.name, account.email, now, client.ip);
        sendMail(account.email, mail.subject, mail.html, mail.text);
    }
    return outcome;
}

Result<LoginOutcome> AuthService::finishLogin(const Account &account, const ClientInfo &client, const QString &action)
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

// ---- activation -------------------------------------------------------------------------

Result<QString> AuthService::verifyActivation(const QString &token)
{
    if (!wellFormedToken(token, 64))
        return AppError::notFound(QStringLiteral("激活链接无效"));
    auto db = m_context.database.connection();
    if (!db)
        return db.error();
    auto q = Sql::run(*db, QStringLiteral("SELECT COALESCE(personal_email, email), activation_expires_at, status FROM employees "
                                          "WHERE activation_token = ?"),
                      {OneTimeToken::digest(token)}, QStringLiteral("check the activation link"));
    if (!q)
        return q.error();
    if (!q->next() || q->value(2).toString() == QLatin1String("resigned"))
        return AppError::notFound(QStringLiteral("激活链接无效"));
    if (q->value(1).toLongLong() <= Clock::nowMs())
        return AppError::validation(QStringLiteral("激活链接已过期，请联系人事重新发送"));
    return q->value(0).toString();
}

Result<LoginOutcome> AuthService::activate(const QString &token, const QString &password, const QString &totpSecret,
                                           const QString &totpCode, const ClientInfo &client)
{
    if (auto email = verifyActivation(token); !email)
        return email.error();
    if (auto ok = PasswordHasher::validateNew(password); !ok)
        return ok.error();
    auto twoFactor = m_settings->flag(QStringLiteral("2fa_enabled"), true);
    if (!twoFactor)
        return twoFactor.error();
    const qint64 now = Clock::nowMs();
    qint64 step = -1;
    if (*twoFactor || !totpSecret.isEmpty()) {
        if (totpSecret.isEmpty() || totpCode.trimmed().isEmpty())
            return AppError::validation(QStringLiteral("请绑定 Google 验证器并输入 6 位验证码"),
                                        QJsonObject{{QStringLiteral("path"), QStringLiteral("totpCode")}});
        step = Totp::matchingStep(totpSecret, totpCode, now);
        if (step < 0)
            return AppError::validation(QStringLiteral("Google验证码错误，请确认手机时间准确后重试"),
                                        QJsonObject{{QStringLiteral("path"), QStringLiteral("totpCode")}});
    }
    auto hash = PasswordHasher::hash(password);
    if (!hash)
        return hash.error();

    auto db = m_context.database.connection();
    if (!db)
        return db.error();
    Account account;
    {
        auto tx = Transaction::begin(*db);
        if (!tx)
            return tx.error();
        // Consumed in the same statement that checks it: a link works once, even if clicked twice at once.
        auto q = Sql::run(*db, QStringLiteral("UPDATE employees SET password_hash = ?, active = 1, activation_token = NULL, "
                                              "activation_expires_at = NULL, password_changed = 1, must_change_password = 0, "
                                              "totp_secret = ?, totp_last_step = ?, updated_at = ? "
                                              "WHERE activation_token = ? AND activation_expires_at > ? AND status <> 'resigned' "
                                              "RETURNING id"),
                          {*hash, Sql::textOrNull(step >= 0 ? totpSecret.trimmed().toUpper() : QString()),
                           step >= 0 ? QVariant(step) : QVariant(QMetaType::fromType<qlonglong>()), now,
                           OneTimeToken::digest(token), now},
                          QStringLiteral("activate the account"));
        if (!q)
            return q.error();
        if (!q->next())
            return AppError::notFound(QStringLiteral("激活链接无效"));
        const QString id = q->value(0).toString();
        q->finish();
        auto read = Sql::run(*db, QStringLiteral("SELECT %1 FROM employees e LEFT JOIN positions p ON p.id = e.position_id "
                                                 "WHERE e.id = ?")
                                      .arg(QLatin1String(AccountColumns)),
                             {id}, QStringLiteral("read the account"));
        if (!read)
            return read.error();
        if (!read->next())
            return AppError::notFound(QStringLiteral("激活链接无效"));
        account = Account::from(*read);
        read->finish();
        if (auto ok = m_context.audit.record({account.id, QStringLiteral("activate_account"), QStringLiteral("user"), account.id,
                                              QJsonObject{{QStringLiteral("email"), account.email}}, client.ip});
            !ok)
            return ok.error();
        if (auto ok = tx->commit(); !ok)
            return ok.error();
    }
    // The code was just proven on this device.
    if (step >= 0)
        if (auto ok = trustDevice(account.id, OneTimeToken::deviceFingerprint(account.id, client.ip, client.userAgent), client, now);
            !ok)
            return ok.error();
    return finishLogin(account, client, QStringLiteral("login"));
}

// ---- HR's actions on an account ----------------------------------------------------------

Result<void> AuthService::checkInScope(const Principal &who, const QString &employeeId)
{
    auto db = m_context.database.connection();
    if (!db)
        return db.error();
    auto q = Sql::run(*db, QStringLiteral("SELECT department_id, org_department_id FROM employees WHERE id = ?"), {employeeId},
                      QStringLiteral("look up the employee"));
    if (!q)
        return q.error();
    if (!q->next())
        return AppError::notFound(QStringLiteral("no employee with id %1").arg(employeeId));
    if (!Permissions::canSee(who, q->value(0).toString(), q->value(1).toString(), employeeId))
        return AppError::forbidden(QStringLiteral("this employee is outside your data scope"));
    return {};
}

Result<void> AuthService::sendActivation(const QString &employeeId, const QString &actorId, const ClientInfo &client)
{
    auto db = m_context.database.connection();
    if (!db)
        return db.error();
    const qint64 now = Clock::nowMs();
    const QString token = OneTimeToken::generate(32);
    auto q = Sql::run(*db, QStringLiteral("UPDATE employees SET activation_token = ?, activation_expires_at = ?, updated_at = ? "
                                          "WHERE id = ? AND password_hash IS NULL AND status <> 'resigned' "
                                          "RETURNING name, COALESCE(personal_email, email)"),
                      {OneTimeToken::digest(token), now + ActivationMs, now, employeeId}, QStringLiteral("create the activation link"));
    if (!q)
        return q.error();
    if (!q->next())
        return AppError::business(QStringLiteral("该账号已激活或已离职，无需发送激活邮件"));
    const QString name = q->value(0).toString();
    const QString to = q->value(1).toString();
    q->finish();
    if (auto ok = m_context.audit.record({actorId, QStringLiteral("resend_activation"), QStringLiteral("employee"), employeeId,
                                          QJsonObject{{QStringLiteral("email"), to}}, client.ip});
        !ok)
        return ok.error();
    const RenderedMail mail = MailTemplates::accountActivation(m_context.branding(), name, to, token);
    sendMail(to, mail.subject, mail.html, mail.text);
    return {};
}

Result<void> AuthService::resetTotp(const QString &employeeId, const QString &actorId, const ClientInfo &client)
{
    auto db = m_context.database.connection();
    if (!db)
        return db.error();
    {
        auto tx = Transaction::begin(*db);
        if (!tx)
            return tx.error();
        auto q = Sql::run(*db, QStringLiteral("UPDATE employees SET totp_secret = NULL, totp_last_step = NULL, updated_at = ? "
                                              "WHERE id = ? RETURNING id"),
                          {Clock::nowMs(), employeeId}, QStringLiteral("clear the authenticator"));
        if (!q)
            return q.error();
        if (!q->next())
            return AppError::notFound(QStringLiteral("no employee with id %1").arg(employeeId));
        q->finish();
        if (auto d = Sql::run(*db, QStringLiteral("DELETE FROM trusted_devices WHERE user_id = ?"), {employeeId},
                              QStringLiteral("forget trusted devices"));
            !d)
            return d.error();
        if (auto ok = m_context.audit.record({actorId, QStringLiteral("reset_totp"), QStringLiteral("employee"), employeeId, {}, client.ip});
            !ok)
            return ok.error();
        if (auto ok = tx->commit(); !ok)
            return ok.error();
    }
    if (auto closed = m_context.sessions.closeAllOf(employeeId); !closed)
        return closed.error();
    return {};
}

// ---- password reset ---------------------------------------------------------------------

Result<void> AuthService::requestPasswordReset(const QString &employeeId, const QString &actorId, const ClientInfo &client)
{
    auto db = m_context.database.connection();
    if (!db)
        return db.error();
    const qint64 now = Clock::nowMs();
    const QString token = OneTimeToken::generate(32);
    // One link a minute at most: the button cannot be used to flood someone's mailbox.
    auto q = Sql::run(*db, QStringLiteral("UPDATE employees SET reset_token = ?, reset_expires_at = ? "
                                          "WHERE id = ? AND active = 1 AND (reset_expires_at IS NULL OR reset_expires_at <= ?) "
                                          "RETURNING name, COALESCE(personal_email, email)"),
                      {OneTimeToken::digest(token), now + PasswordResetMs, employeeId, now + PasswordResetMs - 60 * 1000},
                      QStringLiteral("create the reset link"));
    if (!q)
        return q.error();
    if (!q->next())
        return {};
    const QString name = q->value(0).toString();
    const QString to = q->value(1).toString();
    q->finish();
    if (auto ok = m_context.audit.record({actorId, QStringLiteral("request_password_reset"), QStringLiteral("user"), employeeId,
                                          QJsonObject{{QStringLiteral("email"), to}}, client.ip});
        !ok)
        return ok.error();
    const RenderedMail mail = MailTemplates::passwordReset(m_context.branding(), name, token);
    sendMail(to, mail.subject, mail.html, mail.text);
    return {};
}

Result<QString> AuthService::verifyPasswordReset(const QString &token)
{
    if (!wellFormedToken(token, 64))
        return AppError::notFound(QStringLiteral("重置链接无效"));
    auto db = m_context.database.connection();
    if (!db)
        return db.error();
    auto q = Sql::run(*db, QStringLiteral("SELECT COALESCE(personal_email, email), reset_expires_at FROM employees "
                                          "WHERE reset_token = ? AND active = 1"),
                      {OneTimeToken::digest(token)}, QStringLiteral("check the reset link"));
    if (!q)
        return q.error();
    if (!q->next())
        return AppError::notFound(QStringLiteral("重置链接无效"));
    if (q->value(1).toLongLong() <= Clock::nowMs())
        return AppError::validation(QStringLiteral("重置链接已过期，请重新申请"));
    return q->value(0).toString();
}

Result<LoginOutcome> AuthService::resetPassword(const QString &token, const QString &password, const ClientInfo &client)
{
    if (auto email = verifyPasswordReset(token); !email)
        return email.error();
    if (auto ok = PasswordHasher::validateNew(password); !ok)
        return ok.error();
    auto hash = PasswordHasher::hash(password);
    if (!hash)
        return hash.error();
    const qint64 now = Clock::nowMs();
    auto db = m_context.database.connection();
    if (!db)
        return db.error();
    Account account;
    {
        auto tx = Transaction::begin(*db);
        if (!tx)
            return tx.error();
        auto q = Sql::run(*db, QStringLiteral("UPDATE employees SET password_hash = ?, reset_token = NULL, reset_expires_at = NULL, "
                                              "must_change_password = 0, password_changed = 1, updated_at = ? "
                                              "WHERE reset_token = ? AND reset_expires_at > ? AND active = 1 RETURNING id"),
                          {*hash, now, OneTimeToken::digest(token), now}, QStringLiteral("set the new password"));
        if (!q)
            return q.error();
        if (!q->next())
            return AppError::notFound(QStringLiteral("重置链接无效"));
        const QString id = q->value(0).toString();
        q->finish();
        auto read = Sql::run(*db, QStringLiteral("SELECT %1 FROM employees e LEFT JOIN positions p ON p.id = e.position_id "
                                                 "WHERE e.id = ?")
                                      .arg(QLatin1String(AccountColumns)),
                             {id}, QStringLiteral("read the account"));
        if (!read || !read->next())
            return read ? AppError::notFound(QStringLiteral("重置链接无效")) : read.error();
        account = Account::from(*read);
        read->finish();
        if (auto ok = m_context.audit.record({account.id, QStringLiteral("reset_password"), QStringLiteral("user"), account.id,
                                              QJsonObject{{QStringLiteral("email"), account.email}}, client.ip});
            !ok)
            return ok.error();
        if (auto ok = tx->commit(); !ok)
            return ok.error();
    }
    // Whoever knew the old password is out.
    if (auto closed = m_context.sessions.closeAllOf(account.id); !closed)
        return closed.error();
    if (auto ok = m_context.throttle.unlock(account.email); !ok)
        return ok.error();
    const RenderedMail mail = MailTemplates::passwordChanged(m_context.branding(), account.name, now);
    sendMail(account.email, mail.subject, mail.html, mail.text);

    // The emailed link proves the mailbox, not the second factor: on an unknown device the
    // user logs in with the new password and a code.
    auto twoFactor = m_settings->flag(QStringLiteral("2fa_enabled"), true);
    if (!twoFactor)
        return twoFactor.error();
    if (*twoFactor && !account.totpSecret.isEmpty()) {
        auto trusted = deviceTrusted(account.id, OneTimeToken::deviceFingerprint(account.id, client.ip, client.userAgent), now);
        if (!trusted)
            return trusted.error();
        if (!*trusted) {
            LoginOutcome outcome;
            outcome.needTotp = true;
            return outcome;
        }
    }
    return finishLogin(account, client, QStringLiteral("login"));
}

// ---- TOTP reset ---------------------------------------------------------------------------

Result<void> AuthService::requestTotpReset(const QString &email, const ClientInfo &client)
{
    auto db = m_context.database.connection();
    if (!db)
        return db.error();
    auto q = Sql::run(*db, QStringLiteral("SELECT id, name, COALESCE(personal_email, email) FROM employees "
                                          "WHERE (personal_email = ? OR email = ?) AND active = 1 LIMIT 1"),
                      {email.trimmed(), email.trimmed()}, QStringLiteral("look up the account"));
    if (!q)
        return q.error();
    if (!q->next())
        return {};
    const QString id = q->value(0).toString();
    const QString name = q->value(1).toString();
    const QString to = q->value(2).toString();
    q->finish();
    const qint64 now = Clock::nowMs();
    auto tx = Transaction::begin(*db);
    if (!tx)
        return tx.error();
    if (auto old = Sql::run(*db, QStringLiteral("DELETE FROM totp_reset_tokens WHERE expires_at <= ?"), {now},
                            QStringLiteral("expire reset links"));
        !old)
        return old.error();
    auto recent = Sql::run(*db, QStringLiteral("SELECT 1 FROM totp_reset_tokens WHERE employee_id = ? AND created_at > ?"),
                           {id, now - 60 * 1000}, QStringLiteral("check recent reset links"));
    if (!recent)
        return recent.error();
    if (recent->next()) // one link a minute at most
        return tx->commit();
    recent->finish();
    const QString token = OneTimeToken::generate(16);
    if (auto ins = Sql::run(*db, QStringLiteral("INSERT INTO totp_reset_tokens (token_hash, employee_id, expires_at, created_at) "
                                                "VALUES (?, ?, ?, ?)"),
                            {OneTimeToken::digest(token), id, now + TotpResetMs, now}, QStringLiteral("create the reset link"));
        !ins)
        return ins.error();
    if (auto ok = m_context.audit.record({id, QStringLiteral("request_totp_reset"), QStringLiteral("user"), id,
                                          QJsonObject{{QStringLiteral("email"), to}}, client.ip});
        !ok)
        return ok.error();
    if (auto ok = tx->commit(); !ok)
        return ok.error();
    const RenderedMail mail = MailTemplates::totpReset(m_context.branding(), name, token);
    sendMail(to, mail.subject, mail.html, mail.text);
    return {};
}

Result<void> AuthService::verifyTotpReset(const QString &token)
{
    const AppError invalid = AppError::validation(QStringLiteral("重置链接无效或已过期"));
    if (!wellFormedToken(token, 32))
        return invalid;
    auto db = m_context.database.connection();
    if (!db)
        return db.error();
    auto q = Sql::run(*db, QStringLiteral("SELECT 1 FROM totp_reset_tokens WHERE token_hash = ? AND expires_at > ?"),
                      {OneTimeToken::digest(token), Clock::nowMs()}, QStringLiteral("check the reset link"));
    if (!q)
        return q.error();
    if (!q->next())
        return invalid;
    return {};
}

Result<void> AuthService::confirmTotpReset(const QString &token, const ClientInfo &client)
{
    const AppError invalid = AppError::validation(QStringLiteral("重置链接无效或已过期"));
    if (!wellFormedToken(token, 32))
        return invalid;
    auto db = m_context.database.connection();
    if (!db)
        return db.error();
    const qint64 now = Clock::nowMs();
    QString id;
    {
        auto tx = Transaction::begin(*db);
        if (!tx)
            return tx.error();
        auto q = Sql::run(*db, QStringLiteral("DELETE FROM totp_reset_tokens WHERE token_hash = ? AND expires_at > ? RETURNING employee_id"),
                          {OneTimeToken::digest(token), now}, QStringLiteral("use the reset link"));
        if (!q)
            return q.error();
        if (!q->next())
            return invalid;
        id = q->value(0).toString();
        q->finish();
        if (auto u = Sql::run(*db, QStringLiteral("UPDATE employees SET totp_secret = NULL, totp_last_step = NULL, updated_at = ? "
                                                  "WHERE id = ?"),
                              {now, id}, QStringLiteral("clear the authenticator"));
            !u)
            return u.error();
        if (auto d = Sql::run(*db, QStringLiteral("DELETE FROM trusted_devices WHERE user_id = ?"), {id},
                              QStringLiteral("forget trusted devices"));
            !d)
            return d.error();
        if (auto ok = m_context.audit.record({id, QStringLiteral("reset_totp_by_token"), QStringLiteral("user"), id, {}, client.ip});
            !ok)
            return ok.error();
        if (auto ok = tx->commit(); !ok)
            return ok.error();
    }
    // A lost phone may be in someone else's hands: every session ends too.
    if (auto closed = m_context.sessions.closeAllOf(id); !closed)
        return closed.error();
    return {};
}

} // namespace caiwu
