#include "SiteBillRoutes.h"

#include "SiteBillService.h"
#include "core/Json.h"
#include "core/JsonFields.h"
#include "http/Router.h"
#include "modules/ModuleContext.h"
#include "modules/QueryParams.h"

#include <limits>
#include <memory>

namespace caiwu {

namespace {

const QString Tag = QStringLiteral("site-bills");
const qint64 MostCents = 1'000'000'000'000'000LL;

// The office grants site bills under two names, finance's and the site module's (the
// reference checked "finance.site_bill.X or site.bill.X"); either admits the caller.
RouteSpec billRoute(QByteArray method, QString pattern, QString summary, const QString &action)
{
    RouteSpec spec{std::move(method), std::move(pattern), std::move(summary), Tag, Access::Authenticated,
                   QStringLiteral("finance.site_bill.") + action};
    spec.alsoPermitted = {QStringLiteral("site.bill.") + action};
    return spec;
}

// The optional text fields a bill shares between a new one and an edit.
void readOptionalText(JsonFields &in, SiteBillChange &change)
{
    change.description = in.optionalString(QStringLiteral("description"), 1000);
    change.accountId = in.optionalString(QStringLiteral("accountId"), 64);
    change.categoryId = in.optionalString(QStringLiteral("categoryId"), 64);
    change.status = in.optionalString(QStringLiteral("status"), 16);
    change.paymentDate = in.optionalString(QStringLiteral("paymentDate"), 10);
    change.memo = in.optionalString(QStringLiteral("memo"), 1000);
}

} // namespace

void installSiteBillRoutes(Router &router, ModuleContext &context)
{
    auto bills = std::make_shared<SiteBillService>(context.database, context.audit, context.config.string(QStringLiteral("office.timezone")));

    router.add(billRoute("GET", QStringLiteral("/api/site-bills"), QStringLiteral("Site bills (latest 200) with filters and paging"),
                         QStringLiteral("view")),
               [bills](HttpRequest &request) -> Result<HttpResponse> {
                   QueryParams params(request);
                   SiteBillQuery query;
                   query.siteId = params.text(QStringLiteral("siteId"));
                   query.accountId = params.text(QStringLiteral("accountId"));
                   query.categoryId = params.text(QStringLiteral("categoryId"));
                   query.billType = params.choice(QStringLiteral("billType"), {QStringLiteral("income"), QStringLiteral("expense")});
                   query.status = params.choice(QStringLiteral("status"), {QStringLiteral("pending"), QStringLiteral("paid")});
                   query.from = params.date({QStringLiteral("startDate"), QStringLiteral("from")});
                   query.to = params.date({QStringLiteral("endDate"), QStringLiteral("to")});
                   query.page = params.page();
                   if (!params.ok())
                       return params.error();
                   auto list = bills->list(query, *request.session);
                   if (!list)
                       return list.error();
                   return HttpResponse::json(*list);
               });

    router.add(billRoute("GET", QStringLiteral("/api/site-bills/{id}"), QStringLiteral("One site bill"), QStringLiteral("view")),
               [bills](HttpRequest &request) -> Result<HttpResponse> {
                   auto bill = bills->find(request.params.value(QStringLiteral("id")), *request.session);
                   if (!bill)
                       return bill.error();
                   return HttpResponse::json(*bill);
               });

    router.add(billRoute("POST", QStringLiteral("/api/site-bills"), QStringLiteral("Record a site bill (pending unless paid)"),
                         QStringLiteral("create")),
               [bills](HttpRequest &request) -> Result<HttpResponse> {
                   auto body = Json::parseObject(request.body);
                   if (!body)
                       return body.error();
                   JsonFields in(*body);
                   SiteBill bill;
                   bill.siteId = in.requiredString(QStringLiteral("siteId"), 64);
                   bill.billDate = in.requiredString(QStringLiteral("billDate"), 10);
                   bill.billType = in.requiredString(QStringLiteral("billType"), 16);
                   bill.amountCents = in.requiredInteger(QStringLiteral("amountCents"), 1, MostCents);
                   bill.currency = in.requiredString(QStringLiteral("currency"), 8);
                   SiteBillChange optional;
                   readOptionalText(in, optional);
                   if (!in.ok())
                       return in.error();
                   bill.description = optional.description.value_or(QString());
                   bill.accountId = optional.accountId.value_or(QString());
                   bill.categoryId = optional.categoryId.value_or(QString());
                   bill.status = optional.status.value_or(QStringLiteral("pending"));
                   bill.paymentDate = optional.paymentDate.value_or(QString());
                   bill.memo = optional.memo.value_or(QString());
                   auto created = bills->create(bill, *request.session, request.clientAddress);
                   if (!created)
                       return created.error();
                   return HttpResponse::json(*created);
               });

    router.add(billRoute("PUT", QStringLiteral("/api/site-bills/{id}"), QStringLiteral("Edit a site bill, or mark it paid"),
                         QStringLiteral("update")),
               [bills](HttpRequest &request) -> Result<HttpResponse> {
                   auto body = Json::parseObject(request.body);
                   if (!body)
                       return body.error();
                   JsonFields in(*body);
                   SiteBillChange change;
                   change.siteId = in.optionalString(QStringLiteral("siteId"), 64);
                   change.billDate = in.optionalString(QStringLiteral("billDate"), 10);
                   change.billType = in.optionalString(QStringLiteral("billType"), 16);
                   change.amountCents = in.optionalInteger(QStringLiteral("amountCents"), 1, MostCents);
                   change.currency = in.optionalString(QStringLiteral("currency"), 8);
                   readOptionalText(in, change);
                   change.expectedVersion = in.optionalInteger(QStringLiteral("version"), 1, std::numeric_limits<qint32>::max());
                   if (!in.ok())
                       return in.error();
                   auto updated = bills->update(request.params.value(QStringLiteral("id")), change, *request.session, request.clientAddress);
                   if (!updated)
                       return updated.error();
                   return HttpResponse::json(*updated);
               });

    router.add(billRoute("DELETE", QStringLiteral("/api/site-bills/{id}"), QStringLiteral("Delete a site bill that is still pending"),
                         QStringLiteral("delete")),
               [bills](HttpRequest &request) -> Result<HttpResponse> {
                   QueryParams params(request);
                   const auto version = params.integer(QStringLiteral("version"), 1, std::numeric_limits<qint32>::max());
                   if (!params.ok())
                       return params.error();
                   if (auto ok = bills->remove(request.params.value(QStringLiteral("id")), version, *request.session, request.clientAddress); !ok)
                       return ok.error();
                   return HttpResponse::json(QJsonObject{{QStringLiteral("ok"), true}});
               });
}

} // namespace caiwu
