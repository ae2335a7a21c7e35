#include "AccountLinkService.h"

#include "AuthService.h"
#include "LoginAccount.h"
#include "auth/OneTimeToken.h"
#include "auth/PasswordHasher.h"
#include "auth/SessionStore.h"
#include "auth/Totp.h"
#include "auth/LoginThrottle.h"
#include "core/Clock.h"
#include "mail/MailTemplates.h"
#include "modules/ModuleContext.h"
#include "modules/audit/AuditTrail.h"
#include "modules/system_config/SystemConfigService.h"
#include "storage/Database.h"
#include "storage/Sql.h"
#include "storage/Transaction.h"

#include <QRegularExpression>

namespace caiwu {

namespace {

// A link token as we issue them: lower-case hex of the expected length. Anything else is not
// looked up at all.
bool wellFormedToken(const QString &token, int length)
{
    static const QRegularExpression hex(QStringLiteral("^[0-9a-f]+$"));
    return token.size() == length && hex.match(token).hasMatch();
}

} // namespace

AccountLinkService::AccountLinkService(ModuleContext &context, AuthService &auth)
    : m_context(context)
    , m_auth(auth)
{
}

// ---- activation -------------------------------------------------------------------------

Result<LoginAccount> AccountLinkService::useLink(const QString &update, const QVariantList &values, const QString &invalid,
                                                  const QString &action, const ClientInfo &client)
{
    auto tx = Transaction::begin(m_context.database);
    if (!tx)
        return tx.error();
    auto q = Sql::run(tx->db(), update, values, QStringLiteral("use the link"));
    if (!q)
        return q.error();
    if (!q->next())
        return AppError::notFound(invalid);
    const QString id = q->value(0).toString();
    q->finish();
    auto account = LoginAccount::read(tx->db(), id);
    if (!account)
        return account.error();
    if (auto ok = m_context.audit.record({account->id, action, QStringLiteral("user"), account->id,
                                          QJsonObject{{QStringLiteral("email"), account->email}}, client.ip});
        !ok)
        return ok.error();
    if (auto ok = tx->commit(); !ok)
        return ok.error();
    return account;
}

Result<QString> AccountLinkService::checkLink(const QString &token, const QString &tokenColumn, const QString &expiresColumn,
                                             const QString &holder, const QString &invalid, const QString &expired)
{
    if (!wellFormedToken(token, 64))
        return AppError::notFound(invalid);
    auto db = m_context.database.connection();
    if (!db)
        return db.error();
    auto q = Sql::run(*db, QStringLiteral("SELECT COALESCE(personal_email, email), %1 FROM employees WHERE %2 = ? AND %3")
                               .arg(expiresColumn, tokenColumn, holder),
                      {OneTimeToken::digest(token)}, QStringLiteral("check the link"));
    if (!q)
        return q.error();
    if (!q->next())
        return AppError::notFound(invalid);
    if (q->value(1).toLongLong() <= Clock::nowMs())
        return AppError::validation(expired);
    return q->value(0).toString();
}

Result<QString> AccountLinkService::verifyActivation(const QString &token)
{
    return checkLink(token, QStringLiteral("activation_token"), QStringLiteral("activation_expires_at"),
                     QStringLiteral("status <> 'resigned'"), QStringLiteral("激活链接无效"),
                     QStringLiteral("激活链接已过期，请联系人事重新发送"));
}

Result<LoginOutcome> AccountLinkService::activate(const QString &token, const QString &password, const QString &totpSecret,
                                           const QString &totpCode, const ClientInfo &client)
{
    if (auto email = verifyActivation(token); !email)
        return email.error();
    if (auto ok = PasswordHasher::validateNew(password); !ok)
        return ok.error();
    auto twoFactor = m_auth.settings().flag(QStringLiteral("2fa_enabled"), true);
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

    // Consumed in the same statement that checks it: a link works once, even if clicked twice at once.
    auto linked = useLink(QStringLiteral("UPDATE employees SET password_hash = ?, active = 1, activation_token = NULL, "
                                         "activation_expires_at = NULL, password_changed = 1, must_change_password = 0, "
                                         "totp_secret = ?, totp_last_step = ?, updated_at = ? "
                                         "WHERE activation_token = ? AND activation_expires_at > ? AND status <> 'resigned' "
                                         "RETURNING id"),
                          {*hash, Sql::textOrNull(step >= 0 ? totpSecret.trimmed().toUpper() : QString()),
                           step >= 0 ? QVariant(step) : QVariant(QMetaType::fromType<qlonglong>()), now,
                           OneTimeToken::digest(token), now},
                          QStringLiteral("激活链接无效"), QStringLiteral("activate_account"), client);
    if (!linked)
        return linked.error();
    const LoginAccount account = *linked;
    // The code was just proven on this device.
    if (step >= 0)
        if (auto ok = m_auth.trustDevice(account.id, OneTimeToken::deviceFingerprint(account.id, client.ip, client.userAgent), client, now);
            !ok)
            return ok.error();
    return m_auth.openSession(account, client, QStringLiteral("login"));
}

// ---- HR's actions on an account ----------------------------------------------------------

Result<void> AccountLinkService::checkInScope(const Principal &who, const QString &employeeId)
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

Result<void> AccountLinkService::sendActivation(const QString &employeeId, const QString &actorId, const ClientInfo &client)
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
    m_auth.sendMail(to, mail);
    return {};
}

Result<void> AccountLinkService::resetTotp(const QString &employeeId, const QString &actorId, const ClientInfo &client)
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

Result<void> AccountLinkService::requestPasswordReset(const QString &employeeId, const QString &actorId, const ClientInfo &client)
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
    m_auth.sendMail(to, mail);
    return {};
}

Result<QString> AccountLinkService::verifyPasswordReset(const QString &token)
{
    return checkLink(token, QStringLiteral("reset_token"), QStringLiteral("reset_expires_at"), QStringLiteral("active = 1"),
                     QStringLiteral("重置链接无效"), QStringLiteral("重置链接已过期，请重新申请"));
}

Result<LoginOutcome> AccountLinkService::resetPassword(const QString &token, const QString &password, const ClientInfo &client)
{
    if (auto email = verifyPasswordReset(token); !email)
        return email.error();
    if (auto ok = PasswordHasher::validateNew(password); !ok)
        return ok.error();
    auto hash = PasswordHasher::hash(password);
    if (!hash)
        return hash.error();
    const qint64 now = Clock::nowMs();
    auto linked = useLink(QStringLiteral("UPDATE employees SET password_hash = ?, reset_token = NULL, reset_expires_at = NULL, "
                                         "must_change_password = 0, password_changed = 1, updated_at = ? "
                                         "WHERE reset_token = ? AND reset_expires_at > ? AND active = 1 RETURNING id"),
                          {*hash, now, OneTimeToken::digest(token), now}, QStringLiteral("重置链接无效"),
                          QStringLiteral("reset_password"), client);
    if (!linked)
        return linked.error();
    const LoginAccount account = *linked;
    // Whoever knew the old password is out.
    if (auto closed = m_context.sessions.closeAllOf(account.id); !closed)
        return closed.error();
    if (auto ok = m_context.throttle.unlock(account.email); !ok)
        return ok.error();
    const RenderedMail mail = MailTemplates::passwordChanged(m_context.branding(), account.name, now);
    m_auth.sendMail(account.email, mail);

    // The emailed link proves the mailbox, not the second factor: on an unknown device the
    // user logs in with the new password and a code.
    auto twoFactor = m_auth.settings().flag(QStringLiteral("2fa_enabled"), true);
    if (!twoFactor)
        return twoFactor.error();
    if (*twoFactor && !account.totpSecret.isEmpty()) {
        auto trusted = m_auth.deviceTrusted(account.id, OneTimeToken::deviceFingerprint(account.id, client.ip, client.userAgent), now);
        if (!trusted)
            return trusted.error();
        if (!*trusted) {
            LoginOutcome outcome;
            outcome.needTotp = true;
            return outcome;
        }
    }
    return m_auth.openSession(account, client, QStringLiteral("login"));
}

// ---- TOTP reset ---------------------------------------------------------------------------

Result<void> AccountLinkService::requestTotpReset(const QString &email, const ClientInfo &client)
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
    m_auth.sendMail(to, mail);
    return {};
}

Result<void> AccountLinkService::verifyTotpReset(const QString &token)
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

Result<void> AccountLinkService::confirmTotpReset(const QString &token, const ClientInfo &client)
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
