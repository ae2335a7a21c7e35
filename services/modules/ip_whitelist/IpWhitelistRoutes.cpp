#include "IpWhitelistRoutes.h"

#include "IpWhitelistService.h"
#include "core/Json.h"
#include "core/JsonFields.h"
#include "http/Router.h"
#include "modules/ModuleContext.h"

#include <QJsonArray>

#include <memory>

namespace caiwu {

namespace {

const QString Tag = QStringLiteral("ip-whitelist");
const QString Permission = QStringLiteral("system.config.update");
constexpr int MaxBatch = 1000;
constexpr int MaxAddressLength = 64;
constexpr int MaxDescriptionLength = 200;

QJsonValue textOrNull(const QString &s) { return s.isEmpty() ? QJsonValue() : QJsonValue(s); }

QJsonObject toJson(const AllowListEntry &e)
{
    return QJsonObject{{QStringLiteral("id"), e.id},
                       {QStringLiteral("ipAddress"), e.ipAddress},
                       {QStringLiteral("description"), textOrNull(e.description)},
                       {QStringLiteral("cloudflareRuleId"), QJsonValue()}, // the reference's field; nothing lives in Cloudflare
                       {QStringLiteral("createdAt"), e.createdAt},
                       {QStringLiteral("updatedAt"), e.updatedAt}};
}

QJsonObject toJson(const BatchOutcome &outcome)
{
    QJsonObject body{{QStringLiteral("success"), outcome.success},
                     {QStringLiteral("successCount"), outcome.successCount},
                     {QStringLiteral("failedCount"), outcome.failedCount}};
    if (!outcome.errors.isEmpty()) {
        QJsonArray errors;
        for (const auto &problem : outcome.errors)
            errors.append(QJsonObject{{QStringLiteral("ip"), problem.ip}, {QStringLiteral("error"), problem.error}});
        body.insert(QStringLiteral("errors"), errors);
    }
    return body;
}


// body[name]: an array of 1 to MaxBatch elements.
Result<QJsonArray> batchOf(const QJsonObject &body, const QString &name)
{
    const QJsonValue v = body.value(name);
    if (!v.isArray() || v.toArray().isEmpty())
        return AppError::field(name, QStringLiteral("%1 must be a non-empty array").arg(name));
    if (v.toArray().size() > MaxBatch)
        return AppError::field(name, QStringLiteral("%1 holds at most %2 entries").arg(name).arg(MaxBatch));
    return v.toArray();
}

Result<QList<AllowListItem>> itemsFrom(const QJsonObject &body)
{
    auto ips = batchOf(body, QStringLiteral("ips"));
    if (!ips)
        return ips.error();
    QList<AllowListItem> items;
    for (qsizetype i = 0; i < ips->size(); ++i) {
        const QString at = QStringLiteral("ips[%1]").arg(i);
        if (!ips->at(i).isObject())
            return AppError::field(at, QStringLiteral("%1 must be an object {ip, description?}").arg(at));
        JsonFields in(ips->at(i).toObject());
        AllowListItem item;
        item.ip = in.requiredString(QStringLiteral("ip"), MaxAddressLength);
        item.description = in.optionalString(QStringLiteral("description"), MaxDescriptionLength).value_or(QString());
        if (!in.ok()) { // name the element: ips[3].ip
            AppError e = in.error();
            e.details.insert(QStringLiteral("path"), at + QLatin1Char('.') + e.details.value(QStringLiteral("path")).toString());
            return e;
        }
        items.append(item);
    }
    return items;
}

Result<QStringList> idsFrom(const QJsonObject &body)
{
    auto ids = batchOf(body, QStringLiteral("ids"));
    if (!ids)
        return ids.error();
    QStringList list;
    for (qsizetype i = 0; i < ids->size(); ++i) {
        const QString id = ids->at(i).toString();
        if (!ids->at(i).isString() || id.isEmpty() || id.size() > 64)
            return AppError::field(QStringLiteral("ids[%1]").arg(i), QStringLiteral("ids[%1] must be an entry id").arg(i));
        list << id;
    }
    return list;
}

} // namespace

void installIpWhitelistRoutes(Router &router, ModuleContext &context)
{
    auto service = std::make_shared<IpWhitelistService>(context.database, context.audit, context.ipGate);

    router.add({"GET", QStringLiteral("/api/ip-whitelist"), QStringLiteral("The allow list: addresses and CIDR ranges"), Tag,
                Access::Authenticated, Permission},
               [service](HttpRequest &) -> Result<HttpResponse> {
                   auto entries = service->list();
                   if (!entries)
                       return entries.error();
                   QJsonArray items;
                   for (const AllowListEntry &e : *entries)
                       items.append(toJson(e));
                   return HttpResponse::json(items); // a bare array, as the reference
               });

    router.add({"POST", QStringLiteral("/api/ip-whitelist"), QStringLiteral("Allow one address or CIDR range"), Tag,
                Access::Authenticated, Permission},
               [service](HttpRequest &request) -> Result<HttpResponse> {
                   auto body = Json::parseObject(request.body);
                   if (!body)
                       return body.error();
                   JsonFields in(*body);
                   AllowListItem item;
                   item.ip = in.requiredString(QStringLiteral("ipAddress"), MaxAddressLength);
                   item.description = in.optionalString(QStringLiteral("description"), MaxDescriptionLength).value_or(QString());
                   if (!in.ok())
                       return in.error();
                   auto entry = service->add(item, request.actor, request.clientAddress);
                   if (!entry)
                       return entry.error();
                   return HttpResponse::json(toJson(*entry));
               });

    router.add({"POST", QStringLiteral("/api/ip-whitelist/batch"),
                QStringLiteral("Allow several addresses: all of them, or none when any is invalid or listed"), Tag,
                Access::Authenticated, Permission},
               [service](HttpRequest &request) -> Result<HttpResponse> {
                   auto body = Json::parseObject(request.body);
                   if (!body)
                       return body.error();
                   auto items = itemsFrom(*body);
                   if (!items)
                       return items.error();
                   auto outcome = service->addAll(*items, request.actor, request.clientAddress);
                   if (!outcome)
                       return outcome.error();
                   return HttpResponse::json(toJson(*outcome));
               });

    router.add({"DELETE", QStringLiteral("/api/ip-whitelist/batch"), QStringLiteral("Remove several entries by id"), Tag,
                Access::Authenticated, Permission},
               [service](HttpRequest &request) -> Result<HttpResponse> {
                   auto body = Json::parseObject(request.body);
                   if (!body)
                       return body.error();
                   auto ids = idsFrom(*body);
                   if (!ids)
                       return ids.error();
                   auto outcome = service->removeAll(*ids, request.actor, request.clientAddress);
                   if (!outcome)
                       return outcome.error();
                   return HttpResponse::json(toJson(*outcome));
               });

    router.add({"POST", QStringLiteral("/api/ip-whitelist/sync"), QStringLiteral("Reload the allow list into the server's gate"),
                Tag, Access::Authenticated, Permission},
               [service](HttpRequest &request) -> Result<HttpResponse> {
                   auto synced = service->sync(request.actor, request.clientAddress);
                   if (!synced)
                       return synced.error();
                   return HttpResponse::json(QJsonObject{{QStringLiteral("message"), QStringLiteral("sync completed")},
                                                         {QStringLiteral("synced"), *synced}});
               });

    router.add({"DELETE", QStringLiteral("/api/ip-whitelist/{id}"), QStringLiteral("Remove one entry"), Tag,
                Access::Authenticated, Permission},
               [service](HttpRequest &request) -> Result<HttpResponse> {
                   if (auto ok = service->remove(request.params.value(QStringLiteral("id")), request.actor, request.clientAddress);
                       !ok)
                       return ok.error();
                   return HttpResponse::json(QJsonObject{{QStringLiteral("ok"), true}});
               });

    router.add({"GET", QStringLiteral("/api/ip-whitelist/rule"), QStringLiteral("Is the allow list enforced"), Tag,
                Access::Authenticated, Permission},
               [service](HttpRequest &) -> Result<HttpResponse> {
                   auto enabled = service->ruleEnabled();
                   if (!enabled)
                       return enabled.error();
                   return HttpResponse::json(QJsonObject{{QStringLiteral("enabled"), *enabled},
                                                         {QStringLiteral("ruleId"), QStringLiteral("default")},
                                                         {QStringLiteral("rulesetId"), QJsonValue()}});
               });

    router.add({"POST", QStringLiteral("/api/ip-whitelist/rule/toggle"),
                QStringLiteral("Enforce the allow list, or stop enforcing it"), Tag, Access::Authenticated, Permission},
               [service](HttpRequest &request) -> Result<HttpResponse> {
                   auto body = Json::parseObject(request.body);
                   if (!body)
                       return body.error();
                   JsonFields in(*body);
                   const bool enabled = in.requiredBool(QStringLiteral("enabled"));
                   if (!in.ok())
                       return in.error();
                   if (auto ok = service->setRule(enabled, request.actor, request.clientAddress); !ok)
                       return ok.error();
                   return HttpResponse::json(QJsonObject{{QStringLiteral("ok"), true}, {QStringLiteral("enabled"), enabled}});
               });
}

} // namespace caiwu
