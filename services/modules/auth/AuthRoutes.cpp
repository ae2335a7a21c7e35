#include "AuthRoutes.h"

#include "AccountLinkService.h"
#include "AuthService.h"
#include "Lockouts.h"
#include "auth/AccessGate.h"
#include "auth/LoginThrottle.h"
#include "auth/QrCode.h"
#include "auth/Totp.h"
#include "core/Clock.h"
#include "core/EmailAddress.h"
#include "core/Json.h"
#include "core/JsonFields.h"
#include "http/Router.h"
#include "modules/ModuleContext.h"

#include <QJsonArray>

#include <memory>

namespace caiwu {

namespace {

const QString Tag = QStringLiteral("auth");

ClientInfo clientOf(const HttpRequest &request)
{
    return ClientInfo{request.clientAddress, QString::fromUtf8(request.header("user-agent")).left(512)};
}

// The reference answers login failures as {ok:false, error, code}; a lockout also says when
// to come back.
HttpResponse loginError(const AppError &error)
{
    QJsonObject body = error.toJson();
    body.insert(QStringLiteral("ok"), false);
    HttpResponse response = HttpResponse::json(body, error.status);
    if (error.status == 429)
        response.setHeader("Retry-After", QByteArray::number(error.details.value(QStringLiteral("retryAfterSeconds")).toInteger()));
    return response;
}

HttpResponse loginAnswer(const Result<LoginOutcome> &outcome, const QString &needTotpMessage)
{
    if (!outcome)
        return loginError(outcome.error());
    if (outcome->needTotp)
        return HttpResponse::json(QJsonObject{{QStringLiteral("ok"), false},
                                              {QStringLiteral("needTotp"), true},
                                              {QStringLiteral("mustChangePassword"), false},
                                              {QStringLiteral("message"), needTotpMessage}});
    return HttpResponse::json(QJsonObject{{QStringLiteral("ok"), true},
                                          {QStringLiteral("token"), QString::fromLatin1(outcome->token)},
                                          {QStringLiteral("expiresIn"), outcome->expiresIn},
                                          {QStringLiteral("user"), outcome->session->userJson()}});
}

struct Credentials {
    QString email;
    QString password;
    QString totp;
};

Result<Credentials> credentialsFrom(const HttpRequest &request)
{
    auto body = Json::parseObject(request.body);
    if (!body)
        return body.error();
    JsonFields in(*body);
    Credentials c;
    c.email = in.requiredString(QStringLiteral("email"), 320);
    c.password = in.requiredString(QStringLiteral("password"), 1024, JsonFields::Trim::No);
    c.totp = in.optionalString(QStringLiteral("totp"), 16).value_or(QString());
    if (!in.ok())
        return in.error();
    return c;
}

// A body whose one field is a required string: {email} or {token}.
Result<QString> onlyField(const HttpRequest &request, const QString &name, int maxLength)
{
    auto body = Json::parseObject(request.body);
    if (!body)
        return body.error();
    JsonFields in(*body);
    const QString value = in.requiredString(name, maxLength);
    if (!in.ok())
        return in.error();
    return value;
}

QString tokenParam(const HttpRequest &request)
{
    return request.queryValue(QStringLiteral("token")).trimmed();
}

} // namespace

void installAuthRoutes(Router &router, ModuleContext &context)
{
    auto auth = std::make_shared<AuthService>(context);
    auto links = std::make_shared<AccountLinkService>(context, *auth);
    ModuleContext *ctx = &context;

    router.add({"POST", QStringLiteral("/api/auth/login"), QStringLiteral("Log in with email, password and (on a new device) a TOTP code"),
                Tag, Access::Public},
               [auth](HttpRequest &request) -> Result<HttpResponse> {
                   auto c = credentialsFrom(request);
                   if (!c)
                       return loginError(c.error());
                   return loginAnswer(auth->login(c->email, c->password, c->totp, clientOf(request)),
                                      QStringLiteral("请输入Google验证码"));
               });

    router.add({"POST", QStringLiteral("/api/auth/login-password"), QStringLiteral("Alias of /api/auth/login"), Tag, Access::Public},
               [auth](HttpRequest &request) -> Result<HttpResponse> {
                   auto c = credentialsFrom(request);
                   if (!c) // the reference's alias answers any bad body this way
                       return HttpResponse::json(QJsonObject{{QStringLiteral("error"), QStringLiteral("Invalid request")},
                                                             {QStringLiteral("code"), QStringLiteral("VALIDATION_ERROR")},
                                                             {QStringLiteral("details"), c.error().toJson()}},
                                                 400);
                   return loginAnswer(auth->login(c->email, c->password, c->totp, clientOf(request)),
                                      QStringLiteral("请输入Google验证码"));
               });

    router.add({"POST", QStringLiteral("/api/auth/logout"), QStringLiteral("End this session"), Tag, Access::Authenticated},
               [auth](HttpRequest &request) -> Result<HttpResponse> {
                   if (auto ok = auth->logout(*request.session, clientOf(request)); !ok)
                       return ok.error();
                   return HttpResponse::json(QJsonObject{{QStringLiteral("ok"), true}});
               });

    const Handler me = [ctx](HttpRequest &request) -> Result<HttpResponse> {
        const auto session = ctx->gate.identify(request);
        return HttpResponse::json(QJsonObject{{QStringLiteral("user"), session ? QJsonValue(session->userJson()) : QJsonValue()}});
    };
    router.add({"GET", QStringLiteral("/api/auth/me"), QStringLiteral("Who the token belongs to, or null"), Tag, Access::Public}, me);
    router.add({"GET", QStringLiteral("/api/me"), QStringLiteral("Alias of /api/auth/me"), Tag, Access::Public}, me);

    router.add({"GET", QStringLiteral("/api/my-permissions"), QStringLiteral("The caller's permission matrix"), Tag,
                Access::Authenticated},
               [](HttpRequest &request) -> Result<HttpResponse> {
                   return HttpResponse::bytes(request.session->permissionsDocument, "application/json");
               });

    // ---- activation ----
    router.add({"GET", QStringLiteral("/api/auth/activate/verify"), QStringLiteral("Check an activation link"), Tag, Access::Public},
               [links](HttpRequest &request) -> Result<HttpResponse> {
                   auto email = links->verifyActivation(tokenParam(request));
                   if (!email)
                       return email.error();
                   return HttpResponse::json(QJsonObject{{QStringLiteral("email"), *email}, {QStringLiteral("valid"), true}});
               });

    router.add({"POST", QStringLiteral("/api/auth/generate-totp-for-activation"),
                QStringLiteral("A new TOTP secret and its QR code (nothing is stored)"), Tag, Access::Public},
               [ctx](HttpRequest &request) -> Result<HttpResponse> {
                   auto body = Json::parseObject(request.body);
                   if (!body)
                       return body.error();
                   JsonFields in(*body);
                   const QString email = in.requiredString(QStringLiteral("email"), 320);
                   if (in.ok() && !EmailAddress::isValid(email))
                       in.fail(QStringLiteral("email"), QStringLiteral("email is not an email address"));
                   if (!in.ok())
                       return in.error();
                   const QString secret = Totp::generateSecret();
                   auto qr = QrCode::svgDataUrl(Totp::provisioningUri(ctx->branding().officeName, email, secret));
                   if (!qr)
                       return qr.error();
                   return HttpResponse::json(QJsonObject{{QStringLiteral("secret"), secret}, {QStringLiteral("qrCode"), *qr}});
               });

    router.add({"POST", QStringLiteral("/api/auth/activate"), QStringLiteral("Set the password, bind TOTP and log in"), Tag,
                Access::Public},
               [links](HttpRequest &request) -> Result<HttpResponse> {
                   auto body = Json::parseObject(request.body);
                   if (!body)
                       return body.error();
                   JsonFields in(*body);
                   const QString token = in.requiredString(QStringLiteral("token"), 128);
                   const QString password = in.requiredString(QStringLiteral("password"), 1024, JsonFields::Trim::No);
                   const QString secret = in.optionalString(QStringLiteral("totpSecret"), 128).value_or(QString());
                   const QString code = in.optionalString(QStringLiteral("totpCode"), 16).value_or(QString());
                   if (!in.ok())
                       return in.error();
                   auto outcome = links->activate(token, password, secret, code, clientOf(request));
                   if (!outcome)
                       return outcome.error();
                   return loginAnswer(outcome, QStringLiteral("账号已激活，请登录"));
               });

    // ---- password reset ----
    router.add({"GET", QStringLiteral("/api/auth/reset-password/verify"), QStringLiteral("Check a password-reset link"), Tag,
                Access::Public},
               [links](HttpRequest &request) -> Result<HttpResponse> {
                   auto email = links->verifyPasswordReset(tokenParam(request));
                   if (!email)
                       return email.error();
                   return HttpResponse::json(QJsonObject{{QStringLiteral("email"), *email}, {QStringLiteral("valid"), true}});
               });

    router.add({"POST", QStringLiteral("/api/auth/reset-password"), QStringLiteral("Set a new password from an emailed link"), Tag,
                Access::Public},
               [links](HttpRequest &request) -> Result<HttpResponse> {
                   auto body = Json::parseObject(request.body);
                   if (!body)
                       return body.error();
                   JsonFields in(*body);
                   const QString token = in.requiredString(QStringLiteral("token"), 128);
                   const QString password = in.requiredString(QStringLiteral("password"), 1024, JsonFields::Trim::No);
                   if (!in.ok())
                       return in.error();
                   auto outcome = links->resetPassword(token, password, clientOf(request));
                   if (!outcome)
                       return outcome.error();
                   return loginAnswer(outcome, QStringLiteral("密码已重置，请使用新密码和Google验证码登录"));
               });

    router.add({"POST", QStringLiteral("/api/auth/request-my-reset-link"), QStringLiteral("Email me a password-reset link"), Tag,
                Access::Authenticated},
               [links](HttpRequest &request) -> Result<HttpResponse> {
                   if (auto ok = links->requestPasswordReset(request.session->userId, request.session->userId, clientOf(request)); !ok)
                       return ok.error();
                   return HttpResponse::json(QJsonObject{{QStringLiteral("status"), QStringLiteral("ok")},
                                                         {QStringLiteral("message"), QStringLiteral("重置链接已发送到您的邮箱")}});
               });

    // ---- HR's actions on someone's account: each within the caller's data scope ----
    using AccountAction = Result<void> (AccountLinkService::*)(const QString &, const QString &, const ClientInfo &);
    const auto hrAction = [&router, links](const char *path, const QString &summary, AccountAction action, QJsonObject answer) {
        router.add({"POST", QString::fromLatin1(path), summary, Tag, Access::Authenticated, QStringLiteral("hr.employee.update")},
                   [links, action, answer](HttpRequest &request) -> Result<HttpResponse> {
                       const QString id = request.params.value(QStringLiteral("id"));
                       if (auto ok = links->checkInScope(request.session->principal, id); !ok)
                           return ok.error();
                       if (auto ok = ((*links).*action)(id, request.actor, clientOf(request)); !ok)
                           return ok.error();
                       return HttpResponse::json(answer);
                   });
    };
    hrAction("/api/employees/{id}/resend-activation", QStringLiteral("Email a new activation link"),
             &AccountLinkService::sendActivation, QJsonObject{{QStringLiteral("success"), true}});
    hrAction("/api/employees/{id}/reset-password", QStringLiteral("Email the employee a password-reset link"),
             &AccountLinkService::requestPasswordReset,
             QJsonObject{{QStringLiteral("success"), true}, {QStringLiteral("message"), QStringLiteral("重置链接已发送到员工邮箱")}});
    hrAction("/api/employees/{id}/reset-totp", QStringLiteral("Remove the employee's authenticator binding"),
             &AccountLinkService::resetTotp, QJsonObject{{QStringLiteral("success"), true}});

    // ---- TOTP reset: public, as the reference intended (a user without their phone cannot log in) ----
    router.add({"POST", QStringLiteral("/api/auth/mobile/request-totp-reset"), QStringLiteral("Email a TOTP-reset link"), Tag,
                Access::Public},
               [links](HttpRequest &request) -> Result<HttpResponse> {
                   auto email = onlyField(request, QStringLiteral("email"), 320);
                   if (!email)
                       return email.error();
                   if (auto ok = links->requestTotpReset(*email, clientOf(request)); !ok)
                       return ok.error();
                   return HttpResponse::json(QJsonObject{{QStringLiteral("status"), QStringLiteral("success")}});
               });

    router.add({"GET", QStringLiteral("/api/auth/mobile/reset-totp/verify"), QStringLiteral("Check a TOTP-reset link"), Tag,
                Access::Public},
               [links](HttpRequest &request) -> Result<HttpResponse> {
                   if (auto ok = links->verifyTotpReset(tokenParam(request)); !ok)
                       return ok.error();
                   return HttpResponse::json(QJsonObject{{QStringLiteral("valid"), true}});
               });

    router.add({"POST", QStringLiteral("/api/auth/mobile/reset-totp/confirm"), QStringLiteral("Remove the authenticator binding"),
                Tag, Access::Public},
               [links](HttpRequest &request) -> Result<HttpResponse> {
                   auto token = onlyField(request, QStringLiteral("token"), 128);
                   if (!token)
                       return token.error();
                   if (auto ok = links->confirmTotpReset(*token, clientOf(request)); !ok)
                       return ok.error();
                   return HttpResponse::json(QJsonObject{{QStringLiteral("success"), true}});
               });

    // ---- lockouts (not in the reference, which had none) ----
    router.add({"GET", QStringLiteral("/api/auth/lockouts"), QStringLiteral("Accounts and addresses locked after failed logins"), Tag,
                Access::Authenticated, QStringLiteral("system.user.view")},
               [ctx](HttpRequest &) -> Result<HttpResponse> {
                   auto locks = ctx->throttle.locks(Clock::nowMs());
                   if (!locks)
                       return locks.error();
                   QJsonArray results;
                   for (const auto &l : *locks)
                       results.append(QJsonObject{{QStringLiteral("scope"), l.scope},
                                                  {QStringLiteral("subject"), l.subject},
                                                  {QStringLiteral("failures"), l.failures},
                                                  {QStringLiteral("lastFailureAt"), l.lastFailureAt},
                                                  {QStringLiteral("lockedUntil"), l.lockedUntil}});
                   return HttpResponse::json(QJsonObject{{QStringLiteral("results"), results}});
               });

    router.add({"POST", QStringLiteral("/api/auth/lockouts/unlock"), QStringLiteral("Unlock an account"), Tag,
                Access::Authenticated, QStringLiteral("system.user.update")},
               [ctx](HttpRequest &request) -> Result<HttpResponse> {
                   auto email = onlyField(request, QStringLiteral("email"), 320);
                   if (!email)
                       return email.error();
                   auto unlocked = unlockAccount(ctx->throttle, ctx->audit, *email, request.actor, request.clientAddress);
                   if (!unlocked)
                       return unlocked.error();
                   return HttpResponse::json(QJsonObject{{QStringLiteral("ok"), true}, {QStringLiteral("unlocked"), *unlocked}});
               });
}

} // namespace caiwu
