#include "AppError.h"

namespace caiwu {

namespace {
AppError make(int status, const char *code, const QString &message, QJsonObject details = {})
{
    return AppError{status, QByteArray(code), message, std::move(details)};
}
} // namespace

AppError AppError::validation(const QString &message, QJsonObject details)
{
    return make(400, "VALIDATION_ERROR", message, std::move(details));
}
AppError AppError::field(const QString &path, const QString &message)
{
    return validation(message, QJsonObject{{QStringLiteral("path"), path}});
}
AppError AppError::unauthorized(const QString &message) { return make(401, "UNAUTHORIZED", message); }
AppError AppError::forbidden(const QString &message) { return make(403, "FORBIDDEN", message); }
AppError AppError::notFound(const QString &message) { return make(404, "NOT_FOUND", message); }
AppError AppError::duplicate(const QString &message) { return make(409, "DUPLICATE", message); }
AppError AppError::conflict(const QString &message) { return make(409, "CONFLICT", message); }
AppError AppError::business(const QString &message) { return make(400, "BUSINESS_ERROR", message); }
AppError AppError::internal(const QString &message) { return make(500, "INTERNAL_ERROR", message); }
AppError AppError::unavailable(const QString &message) { return make(503, "SERVICE_UNAVAILABLE", message); }

QJsonObject AppError::toJson() const
{
    QJsonObject body{{QStringLiteral("error"), message},
                     {QStringLiteral("code"), QString::fromLatin1(code)}};
    if (!details.isEmpty())
        body.insert(QStringLiteral("details"), details);
    return body;
}

} // namespace caiwu
