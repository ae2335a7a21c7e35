#include "MasterDataHttp.h"

#include "MasterRecords.h"
#include "core/Json.h"
#include "core/JsonFields.h"

#include <QJsonArray>
#include <QStringList>

namespace caiwu {

namespace {

std::optional<QJsonArray> textList(JsonFields &in, const FieldRule &rule)
{
    const QJsonValue v = in.object().value(rule.name);
    if (!v.isArray()) {
        in.fail(rule.name, QStringLiteral("%1 must be an array of strings").arg(rule.name));
        return std::nullopt;
    }
    const QJsonArray items = v.toArray();
    QJsonArray cleaned;
    for (qsizetype i = 0; i < items.size(); ++i) {
        const QString item = items[i].toString().trimmed();
        if (!items[i].isString() || item.isEmpty() || item.size() > rule.maxLength) {
            in.fail(QStringLiteral("%1[%2]").arg(rule.name).arg(i),
                    QStringLiteral("%1 must hold non-empty strings of at most %2 characters").arg(rule.name).arg(rule.maxLength));
            return std::nullopt;
        }
        cleaned.append(item);
    }
    return cleaned;
}

// The field's value, or nullopt when it is absent (or a null that clears nothing).
std::optional<QJsonValue> fieldValue(JsonFields &in, const FieldRule &rule)
{
    const bool clearable = !rule.required && (rule.type == FieldRule::Type::Text || rule.type == FieldRule::Type::TextList);
    if (in.object().value(rule.name).isNull() && in.object().contains(rule.name)) {
        if (rule.required)
            in.fail(rule.name, QStringLiteral("%1 must not be empty").arg(rule.name));
        return clearable ? std::optional<QJsonValue>(QJsonValue::Null) : std::nullopt;
    }
    switch (rule.type) {
    case FieldRule::Type::Text: {
        const auto text = in.optionalString(rule.name, rule.maxLength);
        if (text && rule.required && text->isEmpty())
            in.fail(rule.name, QStringLiteral("%1 must not be empty").arg(rule.name));
        return text ? std::optional<QJsonValue>(*text) : std::nullopt;
    }
    case FieldRule::Type::Integer: {
        const auto n = in.optionalInteger(rule.name, rule.min, rule.max);
        return n ? std::optional<QJsonValue>(*n) : std::nullopt;
    }
    case FieldRule::Type::Flag: {
        const auto on = in.optionalFlag(rule.name);
        return on ? std::optional<QJsonValue>(*on ? 1 : 0) : std::nullopt;
    }
    case FieldRule::Type::TextList: {
        const auto list = in.has(rule.name) ? textList(in, rule) : std::nullopt;
        return list ? std::optional<QJsonValue>(*list) : std::nullopt;
    }
    }
    return std::nullopt;
}

} // namespace

Result<MasterInput> readInput(const HttpRequest &request, const QList<FieldRule> &rules, BodyFor mode)
{
    auto body = Json::parseObject(request.body);
    if (!body)
        return body.error();
    JsonFields in(*body);
    MasterInput input;
    QStringList changeable;
    for (const FieldRule &rule : rules) {
        if (mode == BodyFor::Update && rule.createOnly) {
            if (in.has(rule.name))
                in.fail(rule.name, QStringLiteral("%1 cannot be changed").arg(rule.name));
            continue;
        }
        changeable << rule.name;
        if (!body->contains(rule.name)) {
            if (mode == BodyFor::Create && rule.required)
                in.fail(rule.name, QStringLiteral("%1 is required").arg(rule.name));
            continue;
        }
        if (const auto value = fieldValue(in, rule))
            input.fields.insert(rule.name, *value);
    }
    if (mode == BodyFor::Update)
        input.version = in.optionalInteger(QStringLiteral("version"), 1, std::numeric_limits<qint32>::max());
    if (!in.ok())
        return in.error();
    if (mode == BodyFor::Update && input.fields.isEmpty())
        return AppError::validation(QStringLiteral("nothing to change: give at least one of %1").arg(changeable.join(QStringLiteral(", "))));
    return input;
}

ListOptions listOptions(QueryParams &params)
{
    return ListOptions{params.boolean(QStringLiteral("activeOnly")), params.text(QStringLiteral("search"))};
}

Actor actorOf(const HttpRequest &request)
{
    return Actor{request.actor, request.clientAddress};
}

HttpResponse resultsReply(const QJsonArray &rows)
{
    return HttpResponse::json(QJsonObject{{QStringLiteral("results"), rows}});
}

void addShowRoute(Router &router, RouteSpec spec, std::shared_ptr<MasterRecords> records)
{
    router.add(std::move(spec), [records](HttpRequest &request) -> Result<HttpResponse> {
        auto record = records->find(request.params.value(QStringLiteral("id")));
        if (!record)
            return record.error();
        return HttpResponse::json(*record);
    });
}

void addWriteRoutes(Router &router, const WriteRoutes &r)
{
    const QString one = r.path + QStringLiteral("/{%1}").arg(r.keyName);
    auto keyOf = [upper = r.upperCaseKey, name = r.keyName](const HttpRequest &request) {
        const QString key = request.params.value(name).trimmed();
        return upper ? key.toUpper() : key;
    };
    if (r.withCreate)
        router.add({"POST", r.path, QStringLiteral("Create %1").arg(r.noun), r.tag, Access::Authenticated,
                    r.permission + QStringLiteral(".create")},
                   [r](HttpRequest &request) -> Result<HttpResponse> {
                       auto input = readInput(request, r.fields, BodyFor::Create);
                       if (!input)
                           return input.error();
                       auto key = r.records->create(*input, actorOf(request));
                       if (!key)
                           return key.error();
                       auto shown = r.records->find(*key);
                       if (!shown)
                           return shown.error();
                       return HttpResponse::json(*shown); // 200 with the record, as the reference
                   });
    router.add({"PUT", one, QStringLiteral("Change %1 (send `version` to refuse overwriting a newer change)").arg(r.noun), r.tag,
                Access::Authenticated, r.permission + QStringLiteral(".update")},
               [r, keyOf](HttpRequest &request) -> Result<HttpResponse> {
                   auto input = readInput(request, r.fields, BodyFor::Update);
                   if (!input)
                       return input.error();
                   auto version = r.records->update(keyOf(request), *input, actorOf(request));
                   if (!version)
                       return version.error();
                   return HttpResponse::json(QJsonObject{{QStringLiteral("ok"), true}, {QStringLiteral("version"), *version}});
               });
    const bool retires = r.records->table().removal == MasterTable::Removal::Retire;
    router.add({"DELETE", one, (retires ? QStringLiteral("Retire %1 (kept, inactive)") : QStringLiteral("Delete %1 nothing uses"))
                                   .arg(r.noun),
                r.tag, Access::Authenticated, r.permission + QStringLiteral(".delete")},
               [r, keyOf](HttpRequest &request) -> Result<HttpResponse> {
                   if (auto ok = r.records->remove(keyOf(request), actorOf(request)); !ok)
                       return ok.error();
                   return HttpResponse::json(QJsonObject{{QStringLiteral("ok"), true}});
               });
}

} // namespace caiwu
