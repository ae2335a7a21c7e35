#include "SystemConfigRoutes.h"

#include "SystemConfigService.h"
#include "core/Json.h"
#include "core/JsonFields.h"
#include "http/Router.h"
#include "modules/ModuleContext.h"

#include <memory>

namespace caiwu {

void installSystemConfigRoutes(Router &router, ModuleContext &context)
{
    auto service = std::make_shared<SystemConfigService>(context.database, context.audit);
    const QString tag = QStringLiteral("system-config");

    router.add({"GET", QStringLiteral("/api/system-config/email-notification/enabled"),
                QStringLiteral("Is the login-notification email on"), tag, Access::Public},
               [service](HttpRequest &) -> Result<HttpResponse> {
                   auto on = service->flag(QStringLiteral("email_notification_enabled"), false);
                   if (!on)
                       return on.error();
                   return HttpResponse::json(QJsonObject{{QStringLiteral("enabled"), *on}});
               });

    router.add({"GET", QStringLiteral("/api/system-config"), QStringLiteral("All settings"), tag, Access::Authenticated,
                QStringLiteral("system.config.view")},
               [service](HttpRequest &) -> Result<HttpResponse> {
                   auto entries = service->all();
                   if (!entries)
                       return entries.error();
                   QJsonObject config;
                   for (const auto &e : *entries)
                       config.insert(e.key, e.value);
                   return HttpResponse::json(QJsonObject{{QStringLiteral("config"), config}});
               });

    router.add({"GET", QStringLiteral("/api/system-config/{key}"), QStringLiteral("One setting"), tag, Access::Authenticated,
                QStringLiteral("system.config.view")},
               [service](HttpRequest &request) -> Result<HttpResponse> {
                   const QString key = request.params.value(QStringLiteral("key"));
                   auto entry = service->find(key);
                   if (!entry)
                       return entry.error();
                   if (!entry->has_value())
                       return AppError::notFound(QStringLiteral("no setting named %1").arg(key));
                   return HttpResponse::json(QJsonObject{{QStringLiteral("key"), (*entry)->key},
                                                         {QStringLiteral("value"), (*entry)->value},
                                                         {QStringLiteral("description"), (*entry)->description}});
               });

    router.add({"PUT", QStringLiteral("/api/system-config/{key}"), QStringLiteral("Set one setting"), tag,
                Access::Authenticated, QStringLiteral("system.config.update")},
               [service](HttpRequest &request) -> Result<HttpResponse> {
                   auto body = Json::parseObject(request.body);
                   if (!body)
                       return body.error();
                   JsonFields in(*body);
                   if (!in.object().contains(QStringLiteral("value")))
                       in.fail(QStringLiteral("value"), QStringLiteral("value is required"));
                   const auto description = in.optionalString(QStringLiteral("description"), 500);
                   if (!in.ok())
                       return in.error();
                   if (auto ok = service->set(request.params.value(QStringLiteral("key")), body->value(QStringLiteral("value")),
                                              description, request.actor, request.clientAddress);
                       !ok)
                       return ok.error();
                   return HttpResponse::json(QJsonObject{{QStringLiteral("ok"), true}});
               });
}

} // namespace caiwu
