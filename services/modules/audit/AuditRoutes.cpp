#include "AuditRoutes.h"

#include "AuditCsv.h"
#include "AuditFilters.h"
#include "AuditService.h"
#include "auth/AuthSession.h"
#include "core/Clock.h"
#include "http/Router.h"
#include "modules/ModuleContext.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <memory>

namespace caiwu {

namespace {

const QString Tag = QStringLiteral("audit");

QJsonValue textOrNull(const QString &s) { return s.isEmpty() ? QJsonValue() : QJsonValue(s); }

// The detail as the JSON it holds; text that is not a JSON object or array stays text.
QJsonValue detailOf(const QString &text)
{
    if (text.isEmpty())
        return QJsonValue();
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8());
    if (doc.isObject())
        return doc.object();
    if (doc.isArray())
        return doc.array();
    return text;
}

QJsonObject toJson(const AuditRow &row)
{
    return QJsonObject{{QStringLiteral("id"), row.id},
                       {QStringLiteral("actorId"), textOrNull(row.actorId)},
                       {QStringLiteral("action"), row.action},
                       {QStringLiteral("entity"), textOrNull(row.entity)},
                       {QStringLiteral("entityId"), textOrNull(row.entityId)},
                       {QStringLiteral("at"), row.at},
                       {QStringLiteral("detail"), detailOf(row.detail)},
                       {QStringLiteral("ip"), textOrNull(row.ip)},
                       {QStringLiteral("ipLocation"), textOrNull(row.ipLocation)},
                       {QStringLiteral("actorName"), textOrNull(row.actorName)},
                       {QStringLiteral("actorEmail"), textOrNull(row.actorEmail)}};
}

} // namespace

void installAuditRoutes(Router &router, ModuleContext &context)
{
    auto service = std::make_shared<AuditService>(context.database, context.audit);
    // The office's clock: date filters and the export's times (config is fixed while serving).
    const QTimeZone office(context.config.string(QStringLiteral("office.timezone")).toLatin1());

    router.add({"GET", QStringLiteral("/api/audit-logs"), QStringLiteral("The audit log, filtered and paged, newest first"), Tag,
                Access::Authenticated, QStringLiteral("system.audit.view")},
               [service, office](HttpRequest &request) -> Result<HttpResponse> {
                   auto query = AuditFilters::fromQuery(request.query, office);
                   if (!query)
                       return query.error();
                   auto page = service->search(request.session->principal, *query);
                   if (!page)
                       return page.error();
                   QJsonArray results;
                   for (const AuditRow &row : page->rows)
                       results.append(toJson(row));
                   return HttpResponse::json(QJsonObject{{QStringLiteral("results"), results},
                                                         {QStringLiteral("total"), page->total}});
               });

    router.add({"GET", QStringLiteral("/api/audit-logs/options"), QStringLiteral("The actions, entities and actors to filter by"),
                Tag, Access::Authenticated, QStringLiteral("system.audit.view")},
               [service](HttpRequest &request) -> Result<HttpResponse> {
                   auto options = service->options(request.session->principal);
                   if (!options)
                       return options.error();
                   QJsonArray actors;
                   for (const auto &actor : options->actors)
                       actors.append(QJsonObject{{QStringLiteral("id"), actor.id},
                                                 {QStringLiteral("name"), textOrNull(actor.name)},
                                                 {QStringLiteral("email"), textOrNull(actor.email)}});
                   return HttpResponse::json(QJsonObject{{QStringLiteral("actions"), QJsonArray::fromStringList(options->actions)},
                                                         {QStringLiteral("entities"), QJsonArray::fromStringList(options->entities)},
                                                         {QStringLiteral("actors"), actors}});
               });

    router.add({"GET", QStringLiteral("/api/audit-logs/export"),
                QStringLiteral("The audit log as a CSV file (at most 10,000 rows, same filters)"), Tag, Access::Authenticated,
                QStringLiteral("system.audit.export"), QStringLiteral("text/csv")},
               [service, office](HttpRequest &request) -> Result<HttpResponse> {
                   auto query = AuditFilters::fromQuery(request.query, office);
                   if (!query)
                       return query.error();
                   auto rows = service->exportRows(request.session->principal, *query, request.actor, request.clientAddress);
                   if (!rows)
                       return rows.error();
                   HttpResponse response = HttpResponse::bytes(AuditCsv::document(*rows, office), "text/csv; charset=utf-8");
                   response.setHeader("Content-Disposition",
                                      "attachment; filename=\"" + AuditCsv::fileName(Clock::nowMs(), office).toLatin1() + '"');
                   return response;
               });
}

} // namespace caiwu
