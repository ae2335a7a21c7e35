#include "Json.h"

namespace caiwu::Json {

Result<QJsonObject> parseObject(const QByteArray &body)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError) {
        // Qt refuses a top-level scalar (42, "text", null) as a parse error, though it is valid
        // JSON; say what is really wrong with it.
        const QJsonDocument wrapped = QJsonDocument::fromJson('[' + body + ']');
        if (wrapped.isArray() && wrapped.array().size() == 1)
            return AppError::validation(QStringLiteral("Invalid JSON: the body must be a JSON object"));
        return AppError::validation(QStringLiteral("Invalid JSON: %1 at offset %2").arg(error.errorString()).arg(error.offset));
    }
    if (!doc.isObject())
        return AppError::validation(QStringLiteral("Invalid JSON: the body must be a JSON object"));
    return doc.object();
}

} // namespace caiwu::Json
