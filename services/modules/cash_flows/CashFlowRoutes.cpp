#include "CashFlowRoutes.h"

#include "CashFlowService.h"
#include "core/Json.h"
#include "core/JsonFields.h"
#include "auth/AuthSession.h"
#include "http/Router.h"
#include "modules/ModuleContext.h"
#include "modules/QueryParams.h"

#include <QJsonArray>

#include <memory>

namespace caiwu {

namespace {

const QString Tag = QStringLiteral("flows");

// voucherUrls (an array of strings) or the reference's single voucherUrl.
QStringList voucherUrlsFrom(JsonFields &in)
{
    const QJsonObject &body = in.object();
    QStringList urls;
    if (body.contains(QStringLiteral("voucherUrls")) && !body.value(QStringLiteral("voucherUrls")).isNull()) {
        const QJsonValue list = body.value(QStringLiteral("voucherUrls"));
        if (!list.isArray()) {
            in.fail(QStringLiteral("voucherUrls"), QStringLiteral("voucherUrls must be a list of voucher URLs"));
            return {};
        }
        for (const QJsonValue &v : list.toArray()) {
            if (!v.isString() || v.toString().isEmpty() || v.toString().size() > 2048) {
                in.fail(QStringLiteral("voucherUrls"), QStringLiteral("voucherUrls must hold voucher URLs"));
                return {};
            }
            urls << v.toString();
        }
        if (urls.size() > 20)
            in.fail(QStringLiteral("voucherUrls"), QStringLiteral("at most 20 vouchers per flow"));
    } else if (auto one = in.optionalString(QStringLiteral("voucherUrl"), 2048); one && !one->isEmpty()) {
        urls << *one;
    }
    return urls;
}

} // namespace

void installCashFlowRoutes(Router &router, ModuleContext &context)
{
    auto flows = std::make_shared<CashFlowService>(context.database, context.audit, context.voucherExists,
                                                   context.config.string(QStringLiteral("office.timezone")));

    // The recording form shows the number it will get, so a clerk who may record but not browse
    // flows may ask too.
    router.add({"GET", QStringLiteral("/api/flows/next-voucher"),
                QStringLiteral("The next voucher number for a date (finance.flow.view or finance.flow.create)"), Tag,
                Access::Authenticated},
               [flows](HttpRequest &request) -> Result<HttpResponse> {
                   const Principal &who = request.session->principal;
                   if (!Permissions::allows(who, QStringLiteral("finance.flow.create")))
                       if (auto ok = Permissions::require(who, QStringLiteral("finance.flow.view")); !ok)
                           return ok.error();
                   auto no = flows->nextVoucherNo(request.queryValue(QStringLiteral("date")));
                   if (!no)
                       return no.error();
                   return HttpResponse::json(QJsonObject{{QStringLiteral("voucherNo"), *no}});
               });

    router.add({"GET", QStringLiteral("/api/flows"), QStringLiteral("Cash flows, newest first, with filters and paging"), Tag,
                Access::Authenticated, QStringLiteral("finance.flow.view")},
               [flows](HttpRequest &request) -> Result<HttpResponse> {
                   QueryParams params(request);
                   CashFlowQuery query;
                   query.from = params.date({QStringLiteral("from"), QStringLiteral("startDate")});
                   query.to = params.date({QStringLiteral("to"), QStringLiteral("endDate")});
                   query.accountId = params.text(QStringLiteral("accountId"));
                   query.categoryId = params.text(QStringLiteral("categoryId"));
                   query.siteId = params.text(QStringLiteral("siteId"));
                   query.departmentId = params.text(QStringLiteral("departmentId"));
                   query.type = params.choice(QStringLiteral("type"), {QStringLiteral("income"), QStringLiteral("expense")});
                   query.search = params.text(QStringLiteral("search"));
                   query.paged = params.has(QStringLiteral("limit")) || params.has(QStringLiteral("offset"));
                   query.limit = int(params.integer(QStringLiteral("limit"), 1, 1000).value_or(200));
                   query.offset = int(params.integer(QStringLiteral("offset"), 0, 100'000'000).value_or(0));
                   if (!params.ok())
                       return params.error();
                   auto list = flows->list(query, *request.session);
                   if (!list)
                       return list.error();
                   return HttpResponse::bytes(std::move(list).value(), "application/json");
               });

    router.add({"GET", QStringLiteral("/api/flows/{id}"), QStringLiteral("One cash flow"), Tag, Access::Authenticated,
                QStringLiteral("finance.flow.view")},
               [flows](HttpRequest &request) -> Result<HttpResponse> {
                   auto flow = flows->find(request.params.value(QStringLiteral("id")), *request.session);
                   if (!flow)
                       return flow.error();
                   return HttpResponse::json(*flow);
               });

    router.add({"POST", QStringLiteral("/api/flows"), QStringLiteral("Record income or expense"), Tag, Access::Authenticated,
                QStringLiteral("finance.flow.create")},
               [flows](HttpRequest &request) -> Result<HttpResponse> {
                   auto body = Json::parseObject(request.body);
                   if (!body)
                       return body.error();
                   JsonFields in(*body);
                   NewCashFlow f;
                   f.accountId = in.requiredString(QStringLiteral("accountId"), 64);
                   f.categoryId = in.requiredString(QStringLiteral("categoryId"), 64);
                   f.bizDate = in.requiredString(QStringLiteral("bizDate"), 10);
                   f.type = in.requiredString(QStringLiteral("type"), 16);
                   f.amountCents = in.requiredInteger(QStringLiteral("amountCents"), 1, 1'000'000'000'000'000LL);
                   f.voucherUrls = voucherUrlsFrom(in);
                   f.voucherNo = in.optionalString(QStringLiteral("voucherNo"), 64).value_or(QString());
                   f.method = in.optionalString(QStringLiteral("method"), 50).value_or(QString());
                   f.siteId = in.optionalString(QStringLiteral("siteId"), 64).value_or(QString());
                   f.departmentId = in.optionalString(QStringLiteral("departmentId"), 64).value_or(QString());
                   f.ownerScope = in.optionalString(QStringLiteral("ownerScope"), 16).value_or(QString());
                   f.counterparty = in.optionalString(QStringLiteral("counterparty"), 200).value_or(QString());
                   f.memo = in.optionalString(QStringLiteral("memo"), 1000).value_or(QString());
                   if (!in.ok())
                       return in.error();
                   auto created = flows->create(f, *request.session, request.clientAddress);
                   if (!created)
                       return created.error();
                   return HttpResponse::json(QJsonObject{{QStringLiteral("id"), created->id},
                                                         {QStringLiteral("voucherNo"), created->voucherNo}});
               });

    router.add({"PUT", QStringLiteral("/api/flows/{id}/voucher"), QStringLiteral("Replace a flow's vouchers"), Tag,
                Access::Authenticated, QStringLiteral("finance.flow.update")},
               [flows](HttpRequest &request) -> Result<HttpResponse> {
                   auto body = Json::parseObject(request.body);
                   if (!body)
                       return body.error();
                   JsonFields in(*body);
                   const QStringList urls = voucherUrlsFrom(in);
                   const auto version = in.optionalInteger(QStringLiteral("version"), 1, 1'000'000'000);
                   if (!in.ok())
                       return in.error();
                   if (auto ok = flows->replaceVouchers(request.params.value(QStringLiteral("id")), urls, version, *request.session,
                                                        request.clientAddress);
                       !ok)
                       return ok.error();
                   return HttpResponse::json(QJsonObject{{QStringLiteral("ok"), true}});
               });

    router.add({"POST", QStringLiteral("/api/flows/{id}/reverse"), QStringLiteral("Reverse a flow (红冲)"), Tag,
                Access::Authenticated, QStringLiteral("finance.flow.reverse")},
               [flows](HttpRequest &request) -> Result<HttpResponse> {
                   QJsonObject object;
                   if (!request.body.trimmed().isEmpty()) {
                       auto body = Json::parseObject(request.body);
                       if (!body)
                           return body.error();
                       object = *body;
                   }
                   JsonFields in(object);
                   const QString reason = in.optionalString(QStringLiteral("reason"), 500).value_or(QString());
                   const auto date = in.optionalString(QStringLiteral("bizDate"), 10);
                   if (!in.ok())
                       return in.error();
                   auto created = flows->reverse(request.params.value(QStringLiteral("id")), reason, date, *request.session,
                                                 request.clientAddress);
                   if (!created)
                       return created.error();
                   return HttpResponse::json(QJsonObject{{QStringLiteral("id"), created->id},
                                                         {QStringLiteral("voucherNo"), created->voucherNo}});
               });
}

} // namespace caiwu
