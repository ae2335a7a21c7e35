#include "SystemRoutes.h"

#include "ServiceHost.h"
#include "core/Json.h"
#include "http/OpenApi.h"

namespace caiwu {

namespace {
constexpr int HealthPingTimeoutMs = 2000;
}

void registerSystemRoutes(Router &router, ServiceHost &host)
{
    router.add({"GET", QStringLiteral("/"), QStringLiteral("Liveness"), QStringLiteral("system"), Access::Public},
               [](HttpRequest &) -> Result<HttpResponse> {
                   return HttpResponse::json(QJsonObject{{QStringLiteral("ok"), true}, {QStringLiteral("name"), QStringLiteral("caiwu")}});
               });

    router.add({"GET", QStringLiteral("/api/health"),
                QStringLiteral("Health: live database ping (2 s limit), mail service, disk, voucher store"),
                QStringLiteral("system"), Access::Public},
               [&host](HttpRequest &) -> Result<HttpResponse> {
                   const auto ping = host.database().ping(HealthPingTimeoutMs);
                   if (ping)
                       host.metrics().dbLatency().record(ping.value());
                   const HealthSnapshot snapshot = host.health().snapshot();
                   const bool db = ping.ok() && snapshot.dbReadable;
                   const bool healthy = db && snapshot.diskOk && snapshot.vouchersOk;
                   // Always 200, as the reference: the body says what is wrong.
                   QByteArray body = "{\"db\":" + QByteArray(db ? "true" : "false") + ",\"dbLatencyMs\":"
                       + (ping ? QByteArray::number(double(ping.value()) / 1000.0) : QByteArray("null"))
                       + ",\"status\":\"" + (healthy ? "ok" : "degraded") + '"';
                   if (!snapshot.jsonFields.isEmpty())
                       body += ',' + snapshot.jsonFields;
                   body += '}';
                   return HttpResponse::bytes(std::move(body), "application/json");
               });

    router.add({"GET", QStringLiteral("/api/version"), QStringLiteral("Version of the appliance and its schema"),
                QStringLiteral("system"), Access::Public},
               [](HttpRequest &) -> Result<HttpResponse> {
                   const auto &migrations = Migration::embedded();
                   return HttpResponse::json(QJsonObject{
                       {QStringLiteral("name"), QStringLiteral("caiwu")},
                       {QStringLiteral("version"), QStringLiteral(CAIWU_VERSION)},
                       {QStringLiteral("schemaVersion"), migrations.isEmpty() ? 0 : migrations.last().version}});
               });

    router.add({"GET", QStringLiteral("/api/doc"), QStringLiteral("OpenAPI 3 document of every route"),
                QStringLiteral("system"), Access::Public},
               [&router](HttpRequest &) -> Result<HttpResponse> {
                   // The table is complete once the server starts, so build the document once.
                   static const QByteArray doc = Json::bytes(openApiDocument(router, QStringLiteral(CAIWU_VERSION)));
                   return HttpResponse::bytes(doc, "application/json");
               });

    router.add({"GET", QStringLiteral("/metrics"), QStringLiteral("Prometheus metrics"), QStringLiteral("system"),
                Access::Public, {}, QStringLiteral("text/plain")},
               [&host, &router](HttpRequest &) -> Result<HttpResponse> {
                   QByteArray text = host.metrics().prometheusText([&router](int id) {
                       return id >= 0 && id < router.routes().size() ? router.routes()[id].spec.pattern : QString();
                   });
                   const HealthSnapshot s = host.health().snapshot();
                   text += "# HELP caiwu_disk_free_bytes Free space where the data folder lives.\n"
                           "# TYPE caiwu_disk_free_bytes gauge\ncaiwu_disk_free_bytes "
                       + QByteArray::number(s.diskFreeBytes) + '\n';
                   text += "# HELP caiwu_database_bytes Size of the SQLite file and its WAL.\n"
                           "# TYPE caiwu_database_bytes gauge\ncaiwu_database_bytes "
                       + QByteArray::number(s.databaseBytes) + '\n';
                   text += "# HELP caiwu_mail_messages Messages in the outbox by state, and waiting to be handed over.\n"
                           "# TYPE caiwu_mail_messages gauge\n"
                           "caiwu_mail_messages{state=\"queued\"} " + QByteArray::number(s.mail.queued) + "\n"
                           "caiwu_mail_messages{state=\"failed\"} " + QByteArray::number(s.mail.failed) + "\n"
                           "caiwu_mail_messages{state=\"waiting\"} " + QByteArray::number(s.mail.waiting) + '\n';
                   text += "# HELP caiwu_mail_service_up Whether the mail service answers its health check.\n"
                           "# TYPE caiwu_mail_service_up gauge\ncaiwu_mail_service_up "
                       + QByteArray(s.mailOk ? "1" : "0") + '\n';
                   return HttpResponse::bytes(text, "text/plain; version=0.0.4; charset=utf-8");
               });
}

} // namespace caiwu
