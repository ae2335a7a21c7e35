#include "Json.h"

namespace caiwu::Json {

Result<QJsonObject> parseObject(const QByteArray &body)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError)
        return AppError::validation(QStringLiteral("Invalid JSON: %1 at offset %2").arg(error.errorString()).arg(error.offset));
    if (!doc.isObject())
        return AppError::validation(QStringLiteral("Invalid JSON: the body must be a JSON object"));
    return doc.object();
}

} // namespace caiwu::Json
