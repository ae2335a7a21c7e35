#include "OpenApi.h"

#include <QJsonArray>
#include <QRegularExpression>

namespace caiwu {

QJsonObject openApiDocument(const Router &router, const QString &version)
{
    static const QRegularExpression param(QStringLiteral("\\{([A-Za-z0-9_]+)\\}"));
    QJsonObject paths;
    QStringList tags;
    for (const Router::Route &route : router.routes()) {
        const RouteSpec &spec = route.spec;
        QString path = spec.pattern;
        QJsonArray parameters;
        for (auto it = param.globalMatch(spec.pattern); it.hasNext();) {
            const QString name = it.next().captured(1);
            parameters.append(QJsonObject{{QStringLiteral("name"), name},
                                          {QStringLiteral("in"), QStringLiteral("path")},
                                          {QStringLiteral("required"), true},
                                          {QStringLiteral("schema"), QJsonObject{{QStringLiteral("type"), QStringLiteral("string")}}}});
        }
        if (path.endsWith(QLatin1Char('*'))) {
            path.chop(1);
            path += QStringLiteral("{path}");
            parameters.append(QJsonObject{{QStringLiteral("name"), QStringLiteral("path")},
                                          {QStringLiteral("in"), QStringLiteral("path")},
                                          {QStringLiteral("required"), true},
                                          {QStringLiteral("schema"), QJsonObject{{QStringLiteral("type"), QStringLiteral("string")}}}});
        }
        QJsonObject responses{
            {QStringLiteral("200"),
             QJsonObject{{QStringLiteral("description"), QStringLiteral("Success")},
                         {QStringLiteral("content"), QJsonObject{{spec.responseType, QJsonObject{}}}}}},
            {QStringLiteral("default"),
             QJsonObject{{QStringLiteral("description"), QStringLiteral("Error: {error, code}")},
                         {QStringLiteral("content"),
                          QJsonObject{{QStringLiteral("application/json"),
                                       QJsonObject{{QStringLiteral("schema"),
                                                    QJsonObject{{QStringLiteral("$ref"),
                                                                 QStringLiteral("#/components/schemas/Error")}}}}}}}}}};
        QJsonObject operation{{QStringLiteral("summary"), spec.summary},
                              {QStringLiteral("operationId"),
                               QString::fromLatin1(spec.method).toLower() + QLatin1Char('_') + QString::number(route.id)},
                              {QStringLiteral("tags"), QJsonArray{spec.tag}},
                              {QStringLiteral("responses"), responses}};
        if (!parameters.isEmpty())
            operation.insert(QStringLiteral("parameters"), parameters);
        if (spec.access == Access::Public)
            operation.insert(QStringLiteral("security"), QJsonArray{});
        if (!spec.permission.isEmpty())
            operation.insert(QStringLiteral("x-caiwu-permission"), spec.permission);
        if (!spec.alsoPermitted.isEmpty())
            operation.insert(QStringLiteral("x-caiwu-also-permitted"), QJsonArray::fromStringList(spec.alsoPermitted));
        QJsonObject item = paths.value(path).toObject();
        item.insert(QString::fromLatin1(spec.method).toLower(), operation);
        paths.insert(path, item);
        if (!tags.contains(spec.tag))
            tags << spec.tag;
    }
    QJsonArray tagList;
    for (const QString &tag : tags)
        tagList.append(QJsonObject{{QStringLiteral("name"), tag}});
    const auto stringType = QJsonObject{{QStringLiteral("type"), QStringLiteral("string")}};
    const QJsonObject errorSchema{
        {QStringLiteral("type"), QStringLiteral("object")},
        {QStringLiteral("required"), QJsonArray{QStringLiteral("error"), QStringLiteral("code")}},
        {QStringLiteral("properties"), QJsonObject{{QStringLiteral("error"), stringType}, {QStringLiteral("code"), stringType}}}};
    const QJsonObject bearer{{QStringLiteral("type"), QStringLiteral("http")},
                             {QStringLiteral("scheme"), QStringLiteral("bearer")},
                             {QStringLiteral("bearerFormat"), QStringLiteral("JWT")}};
    const QJsonObject components{
        {QStringLiteral("securitySchemes"), QJsonObject{{QStringLiteral("bearer"), bearer}}},
        {QStringLiteral("schemas"), QJsonObject{{QStringLiteral("Error"), errorSchema}}}};
    return QJsonObject{
        {QStringLiteral("openapi"), QStringLiteral("3.0.3")},
        {QStringLiteral("info"), QJsonObject{{QStringLiteral("title"), QStringLiteral("Caiwu API")},
                                             {QStringLiteral("version"), version}}},
        {QStringLiteral("tags"), tagList},
        {QStringLiteral("paths"), paths},
        {QStringLiteral("security"), QJsonArray{QJsonObject{{QStringLiteral("bearer"), QJsonArray{}}}}},
        {QStringLiteral("components"), components},
    };
}

} // namespace caiwu
