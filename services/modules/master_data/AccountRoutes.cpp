#include "AccountService.h"
#include "MasterDataHttp.h"
#include "MasterDataRoutes.h"
#include "modules/ModuleContext.h"

#include <memory>

namespace caiwu {

namespace {

// The largest whole number a JSON client (a double) carries exactly: 2^53 - 1 cents.
constexpr qint64 SafeCents = 9007199254740991LL;

} // namespace

void installAccountRoutes(Router &router, ModuleContext &context)
{
    auto service = std::make_shared<AccountService>(context.database, context.audit);
    const QString tag = QStringLiteral("master-data");
    const QString view = QStringLiteral("system.account.view");

    router.add({"GET", QStringLiteral("/api/accounts"), QStringLiteral("Accounts with their currency's name and current balance"), tag,
                Access::Authenticated, view},
               [service](HttpRequest &request) -> Result<HttpResponse> {
                   QueryParams params(request);
                   const AccountService::Filter filter{listOptions(params),
                                                       params.choice(QStringLiteral("accountType"), AccountService::Types),
                                                       params.text(QStringLiteral("currency"))};
                   if (!params.ok())
                       return params.error();
                   auto document = service->listDocument(filter);
                   if (!document)
                       return document.error();
                   return HttpResponse::bytes(*document, "application/json");
               });

    router.add({"GET", QStringLiteral("/api/accounts/{id}/transactions"), QStringLiteral("An account's running ledger, newest first"),
                tag, Access::Authenticated, view},
               [service](HttpRequest &request) -> Result<HttpResponse> {
                   QueryParams params(request);
                   const qint64 limit = params.integer(QStringLiteral("limit"), 1, 1000).value_or(100);
                   const qint64 offset = params.integer(QStringLiteral("offset"), 0, std::numeric_limits<qint32>::max()).value_or(0);
                   if (!params.ok())
                       return params.error();
                   auto rows = service->transactions(request.params.value(QStringLiteral("id")), int(limit), int(offset));
                   if (!rows)
                       return rows.error();
                   return resultsReply(*rows);
               });

    addWriteRoutes(router, {.path = QStringLiteral("/api/accounts"),
                            .tag = tag,
                            .permission = QStringLiteral("system.account"),
                            .noun = QStringLiteral("an account"),
                            .fields = {{.name = QStringLiteral("name"), .required = true, .maxLength = 100},
                                       {.name = QStringLiteral("type"), .required = true, .maxLength = 16},
                                       {.name = QStringLiteral("currency"), .required = true, .maxLength = 8},
                                       {.name = QStringLiteral("alias"), .maxLength = 100},
                                       {.name = QStringLiteral("accountNumber"), .maxLength = 64},
                                       {.name = QStringLiteral("openingCents"), .type = FieldRule::Type::Integer, .min = -SafeCents,
                                        .max = SafeCents},
                                       {.name = QStringLiteral("active"), .type = FieldRule::Type::Flag}},
                            .records = service});
}

} // namespace caiwu
