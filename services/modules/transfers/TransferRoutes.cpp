#include "TransferRoutes.h"

#include "TransferService.h"
#include "core/Json.h"
#include "core/JsonFields.h"
#include "http/Router.h"
#include "modules/ModuleContext.h"
#include "modules/QueryParams.h"

#include <QJsonArray>

#include <cmath>
#include <memory>

namespace caiwu {

void installTransferRoutes(Router &router, ModuleContext &context)
{
    auto transfers = std::make_shared<TransferService>(context.database, context.audit);
    const QString tag = QStringLiteral("account-transfers");
    ModuleContext *ctx = &context;

    router.add({"GET", QStringLiteral("/api/account-transfers"), QStringLiteral("Transfers between accounts, newest first"), tag,
                Access::Authenticated, QStringLiteral("finance.transfer.view")},
               [transfers](HttpRequest &request) -> Result<HttpResponse> {
                   QueryParams params(request);
                   TransferQuery query;
                   query.fromAccountId = params.text(QStringLiteral("fromAccountId"));
                   query.toAccountId = params.text(QStringLiteral("toAccountId"));
                   query.from = params.date({QStringLiteral("startDate"), QStringLiteral("from")});
                   query.to = params.date({QStringLiteral("endDate"), QStringLiteral("to")});
                   query.page = params.page();
                   if (!params.ok())
                       return params.error();
                   auto list = transfers->list(query);
                   if (!list)
                       return list.error();
                   return HttpResponse::json(*list);
               });

    router.add({"GET", QStringLiteral("/api/account-transfers/{id}"), QStringLiteral("One transfer"), tag, Access::Authenticated,
                QStringLiteral("finance.transfer.view")},
               [transfers](HttpRequest &request) -> Result<HttpResponse> {
                   auto transfer = transfers->find(request.params.value(QStringLiteral("id")));
                   if (!transfer)
                       return transfer.error();
                   return HttpResponse::json(*transfer);
               });

    router.add({"POST", QStringLiteral("/api/account-transfers"), QStringLiteral("Move money between two accounts"), tag,
                Access::Authenticated, QStringLiteral("finance.transfer.create")},
               [transfers, ctx](HttpRequest &request) -> Result<HttpResponse> {
                   auto body = Json::parseObject(request.body);
                   if (!body)
                       return body.error();
                   JsonFields in(*body);
                   NewTransfer t;
                   t.transferDate = in.requiredString(QStringLiteral("transferDate"), 10);
                   t.fromAccountId = in.requiredString(QStringLiteral("fromAccountId"), 64);
                   t.toAccountId = in.requiredString(QStringLiteral("toAccountId"), 64);
                   t.fromAmountCents = in.requiredInteger(QStringLiteral("fromAmountCents"), 1, 1'000'000'000'000'000LL);
                   t.toAmountCents = in.requiredInteger(QStringLiteral("toAmountCents"), 1, 1'000'000'000'000'000LL);
                   if (in.ok() && in.has(QStringLiteral("exchangeRate"))) {
                       const QJsonValue rate = body->value(QStringLiteral("exchangeRate"));
                       if (!rate.isDouble() || !(rate.toDouble() > 0) || !std::isfinite(rate.toDouble()))
                           in.fail(QStringLiteral("exchangeRate"), QStringLiteral("exchangeRate must be a positive number"));
                       else
                           t.exchangeRate = rate.toDouble();
                   }
                   t.memo = in.optionalString(QStringLiteral("memo"), 1000).value_or(QString());
                   if (auto url = in.optionalString(QStringLiteral("voucherUrl"), 2048); url && !url->isEmpty())
                       t.voucherUrls << *url;
                   if (!in.ok())
                       return in.error();
                   if (!t.voucherUrls.isEmpty() && ctx->voucherExists && !ctx->voucherExists(t.voucherUrls.first()))
                       return AppError::validation(QStringLiteral("voucherUrl does not name a voucher you uploaded; upload it first"),
                                                   QJsonObject{{QStringLiteral("path"), QStringLiteral("voucherUrl")}});
                   auto id = transfers->create(t, *request.session, request.clientAddress);
                   if (!id)
                       return id.error();
                   return HttpResponse::json(QJsonObject{{QStringLiteral("id"), *id}});
               });
}

} // namespace caiwu
