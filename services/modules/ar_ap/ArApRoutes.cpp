#include "ArApRoutes.h"

#include "ArApService.h"
#include "auth/AuthSession.h"
#include "core/Json.h"
#include "core/JsonFields.h"
#include "http/Router.h"
#include "modules/ModuleContext.h"
#include "modules/QueryParams.h"
#include "modules/cash_flows/CashFlowService.h"

#include <QJsonArray>

#include <memory>

namespace caiwu {

namespace {

// The permission a kind of document needs for `action` ("view", "create", "settle", "confirm").
Result<void> allowedFor(const HttpRequest &request, const QString &kind, const QString &action)
{
    return Permissions::require(request.session->principal,
                                QStringLiteral("finance.%1.%2").arg(kind == QLatin1String("AP") ? QStringLiteral("ap") : QStringLiteral("ar"), action));
}

// The document's kind, for the permission check of routes that take a docId.
Result<QString> kindOf(ArApService &service, const QString &docId, const HttpRequest &request)
{
    auto doc = service.find(docId, *request.session);
    if (!doc)
        return doc.error();
    return doc->value(QStringLiteral("kind")).toString();
}

// ?docId of a document the caller may view (its kind's view right and their data scope).
Result<QString> viewableDocument(ArApService &service, const HttpRequest &request)
{
    const QString docId = request.queryValue(QStringLiteral("docId"));
    if (docId.isEmpty())
        return AppError::field(QStringLiteral("docId"), QStringLiteral("docId is required"));
    auto kind = kindOf(service, docId, request);
    if (!kind)
        return kind.error();
    if (auto ok = allowedFor(request, *kind, QStringLiteral("view")); !ok)
        return ok.error();
    return docId;
}

} // namespace

void installArApRoutes(Router &router, ModuleContext &context)
{
    auto flows = std::make_shared<CashFlowService>(context.database, context.audit, context.voucherExists,
                                                   context.config.string(QStringLiteral("office.timezone")));
    auto docs = std::make_shared<ArApService>(context.database, context.audit, flows,
                                              context.config.string(QStringLiteral("office.timezone")));
    const QString tag = QStringLiteral("ar-ap");

    // Both path families: /api/ar/* (either kind, the reference's) and /api/ap/* (payables only).
    for (const QString &family : {QStringLiteral("ar"), QStringLiteral("ap")}) {
        const QString fixedKind = family == QLatin1String("ap") ? QStringLiteral("AP") : QString();
        const QString base = QStringLiteral("/api/%1").arg(family);
        const QString permissionBase = QStringLiteral("finance.%1.").arg(family);

        router.add({"GET", base + QStringLiteral("/docs"), QStringLiteral("Receivables and payables, newest first"), tag,
                    Access::Authenticated, permissionBase + QStringLiteral("view")},
                   [docs, fixedKind](HttpRequest &request) -> Result<HttpResponse> {
                       QueryParams params(request);
                       QString kind = fixedKind.isEmpty() ? params.choice(QStringLiteral("kind"), {QStringLiteral("AR"), QStringLiteral("AP")})
                                                          : fixedKind;
                       const QString status = params.choice(QStringLiteral("status"),
                                                            {QStringLiteral("open"), QStringLiteral("partially_settled"),
                                                             QStringLiteral("settled"), QStringLiteral("confirmed")});
                       const ListPage page = params.page();
                       if (!params.ok())
                           return params.error();
                       if (kind.isEmpty() && !Permissions::allows(request.session->principal, QStringLiteral("finance.ap.view")))
                           kind = QStringLiteral("AR"); // both kinds only for who may see payables too
                       if (auto ok = allowedFor(request, kind, QStringLiteral("view")); !ok)
                           return ok.error();
                       auto list = docs->list(kind, status, page, *request.session);
                       if (!list)
                           return list.error();
                       return HttpResponse::json(*list);
                   });

        router.add({"POST", base + QStringLiteral("/docs"), QStringLiteral("Record a receivable or payable"), tag, Access::Authenticated,
                    permissionBase + QStringLiteral("create")},
                   [docs, fixedKind](HttpRequest &request) -> Result<HttpResponse> {
                       auto body = Json::parseObject(request.body);
                       if (!body)
                           return body.error();
                       JsonFields in(*body);
                       NewDocument d;
                       d.kind = fixedKind.isEmpty() ? in.requiredString(QStringLiteral("kind"), 2) : fixedKind;
                       d.amountCents = in.requiredInteger(QStringLiteral("amountCents"), 1, 1'000'000'000'000'000LL);
                       d.partyId = in.optionalString(QStringLiteral("partyId"), 200).value_or(QString());
                       d.siteId = in.optionalString(QStringLiteral("siteId"), 64).value_or(QString());
                       d.departmentId = in.optionalString(QStringLiteral("departmentId"), 64).value_or(QString());
                       d.issueDate = in.optionalString(QStringLiteral("issueDate"), 10).value_or(QString());
                       d.dueDate = in.optionalString(QStringLiteral("dueDate"), 10).value_or(QString());
                       d.docNo = in.optionalString(QStringLiteral("docNo"), 64).value_or(QString());
                       d.memo = in.optionalString(QStringLiteral("memo"), 1000).value_or(QString());
                       if (!in.ok())
                           return in.error();
                       if (auto ok = allowedFor(request, d.kind, QStringLiteral("create")); !ok)
                           return ok.error();
                       auto created = docs->create(d, *request.session, request.clientAddress);
                       if (!created)
                           return created.error();
                       return HttpResponse::json(QJsonObject{{QStringLiteral("id"), created->id}, {QStringLiteral("docNo"), created->number}});
                   });

        router.add({"GET", base + QStringLiteral("/settlements"), QStringLiteral("Settlements of one document"), tag,
                    Access::Authenticated, permissionBase + QStringLiteral("view")},
                   [docs](HttpRequest &request) -> Result<HttpResponse> {
                       auto docId = viewableDocument(*docs, request);
                       if (!docId)
                           return docId.error();
                       auto list = docs->settlements(*docId, *request.session);
                       if (!list)
                           return list.error();
                       return HttpResponse::json(*list);
                   });

        router.add({"POST", base + QStringLiteral("/settlements"), QStringLiteral("Settle part of a document with a cash flow"), tag,
                    Access::Authenticated, permissionBase + QStringLiteral("settle")},
                   [docs](HttpRequest &request) -> Result<HttpResponse> {
                       auto body = Json::parseObject(request.body);
                       if (!body)
                           return body.error();
                       JsonFields in(*body);
                       const QString docId = in.requiredString(QStringLiteral("docId"), 64);
                       const QString flowId = in.requiredString(QStringLiteral("flowId"), 64);
                       const qint64 amount = in.requiredInteger(QStringLiteral("settleAmountCents"), 1, 1'000'000'000'000'000LL);
                       const QString date = in.optionalString(QStringLiteral("settleDate"), 10).value_or(QString());
                       if (!in.ok())
                           return in.error();
                       auto kind = kindOf(*docs, docId, request);
                       if (!kind)
                           return kind.error();
                       if (auto ok = allowedFor(request, *kind, QStringLiteral("settle")); !ok)
                           return ok.error();
                       auto id = docs->settle(docId, flowId, amount, date, *request.session, request.clientAddress);
                       if (!id)
                           return id.error();
                       return HttpResponse::json(QJsonObject{{QStringLiteral("id"), *id}});
                   });

        router.add({"GET", base + QStringLiteral("/statement"), QStringLiteral("A document with its settlements and what remains"), tag,
                    Access::Authenticated, permissionBase + QStringLiteral("view")},
                   [docs](HttpRequest &request) -> Result<HttpResponse> {
                       auto docId = viewableDocument(*docs, request);
                       if (!docId)
                           return docId.error();
                       auto statement = docs->statement(*docId, *request.session);
                       if (!statement)
                           return statement.error();
                       return HttpResponse::json(*statement);
                   });

        router.add({"POST", base + QStringLiteral("/confirm"), QStringLiteral("Settle the rest with a new cash flow (once)"), tag,
                    Access::Authenticated, permissionBase + QStringLiteral("confirm")},
                   [docs](HttpRequest &request) -> Result<HttpResponse> {
                       auto body = Json::parseObject(request.body);
                       if (!body)
                           return body.error();
                       JsonFields in(*body);
                       Confirmation c;
                       c.docId = in.requiredString(QStringLiteral("docId"), 64);
                       c.accountId = in.requiredString(QStringLiteral("accountId"), 64);
                       c.categoryId = in.requiredString(QStringLiteral("categoryId"), 64);
                       c.bizDate = in.requiredString(QStringLiteral("bizDate"), 10);
                       c.method = in.optionalString(QStringLiteral("method"), 50).value_or(QString());
                       c.memo = in.optionalString(QStringLiteral("memo"), 1000).value_or(QString());
                       if (auto url = in.optionalString(QStringLiteral("voucherUrl"), 2048); url && !url->isEmpty())
                           c.voucherUrls << *url;
                       if (in.ok() && body->value(QStringLiteral("voucherUrls")).isArray())
                           for (const QJsonValue &v : body->value(QStringLiteral("voucherUrls")).toArray())
                               c.voucherUrls << v.toString();
                       if (in.ok() && c.voucherUrls.isEmpty())
                           in.fail(QStringLiteral("voucherUrl"), QStringLiteral("voucherUrl is required: attach the receipt"));
                       if (!in.ok())
                           return in.error();
                       auto kind = kindOf(*docs, c.docId, request);
                       if (!kind)
                           return kind.error();
                       if (auto ok = allowedFor(request, *kind, QStringLiteral("confirm")); !ok)
                           return ok.error();
                       auto confirmed = docs->confirm(c, *request.session, request.clientAddress);
                       if (!confirmed)
                           return confirmed.error();
                       return HttpResponse::json(QJsonObject{{QStringLiteral("ok"), true},
                                                             {QStringLiteral("flowId"), confirmed->id},
                                                             {QStringLiteral("voucherNo"), confirmed->number}});
                   });
    }
}

} // namespace caiwu
