#include "MailRoutes.h"

#include "Outbox.h"
#include "core/EmailAddress.h"
#include "core/Json.h"
#include "http/Router.h"

namespace caiwu {

namespace {

constexpr int MaxSubjectLength = 900;
constexpr int MaxIdempotencyKeyLength = 200;

// The worker's error shape {success:false, error}, with our code beside it.
HttpResponse failure(int status, const QByteArray &code, const QString &error)
{
    return HttpResponse::json(QJsonObject{{QStringLiteral("success"), false},
                                          {QStringLiteral("error"), error},
                                          {QStringLiteral("code"), QString::fromLatin1(code)}},
                              status);
}

// Compares in time independent of where the first difference is.
bool sameSecret(const QByteArray &a, const QByteArray &b)
{
    unsigned char diff = a.size() == b.size() ? 0 : 1;
    const QByteArray &longer = a.size() >= b.size() ? a : b;
    for (qsizetype i = 0; i < longer.size(); ++i)
        diff |= uchar(i < a.size() ? a[i] : 0) ^ uchar(i < b.size() ? b[i] : 0);
    return diff == 0;
}

QString field(const QJsonObject &body, const char *name)
{
    const QJsonValue v = body.value(QLatin1String(name));
    return v.isString() ? v.toString() : QString();
}

} // namespace

void registerMailRoutes(Router &router, Outbox &outbox, QByteArray token, std::function<void()> accepted)
{
    router.add({"GET", QStringLiteral("/health"), QStringLiteral("Mail service liveness"), QStringLiteral("mail"), Access::Public},
               [](HttpRequest &) -> Result<HttpResponse> {
                   return HttpResponse::json(QJsonObject{{QStringLiteral("status"), QStringLiteral("ok")}});
               });

    router.add({"POST", QStringLiteral("/send"), QStringLiteral("Queue a message for delivery"), QStringLiteral("mail"),
                Access::Public},
               [&outbox, token, accepted](HttpRequest &request) -> Result<HttpResponse> {
                   if (!token.isEmpty() && !sameSecret(request.header("x-email-token"), token))
                       return failure(401, "UNAUTHORIZED", QStringLiteral("Unauthorized"));
                   auto body = Json::parseObject(request.body);
                   if (!body)
                       return failure(400, "VALIDATION_ERROR", QStringLiteral("Invalid JSON"));
                   const QString to = field(*body, "to").trimmed();
                   QString subject = field(*body, "subject");
                   const QString html = field(*body, "html");
                   const QString text = field(*body, "text");
                   if (to.isEmpty() || subject.trimmed().isEmpty() || (html.isEmpty() && text.isEmpty()))
                       return failure(400, "VALIDATION_ERROR", QStringLiteral("Missing required fields"));
                   if (!EmailAddress::isValid(to))
                       return failure(400, "VALIDATION_ERROR", QStringLiteral("Invalid recipient address: %1").arg(to));
                   // A header is one line: line breaks in a subject become spaces.
                   subject.replace(QLatin1String("\r\n"), QLatin1String(" ")).replace(QLatin1Char('\n'), QLatin1Char(' '))
                       .replace(QLatin1Char('\r'), QLatin1Char(' '));
                   if (subject.size() > MaxSubjectLength)
                       return failure(400, "VALIDATION_ERROR",
                                      QStringLiteral("Subject too long (%1 characters, at most %2)").arg(subject.size()).arg(MaxSubjectLength));
                   const QString key = QString::fromUtf8(request.header("idempotency-key")).trimmed();
                   if (key.size() > MaxIdempotencyKeyLength)
                       return failure(400, "VALIDATION_ERROR", QStringLiteral("Idempotency-Key is longer than 200 characters"));
                   auto stored = outbox.accept(to, subject, html, text, key);
                   if (!stored)
                       return failure(503, "SERVICE_UNAVAILABLE",
                                      QStringLiteral("the message could not be stored; try again (%1)").arg(stored.error().message));
                   if (!stored->repeated)
                       accepted();
                   return HttpResponse::json(QJsonObject{{QStringLiteral("success"), true}, {QStringLiteral("id"), stored->id}});
               });
}

} // namespace caiwu
