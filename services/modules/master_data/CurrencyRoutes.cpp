#include "CurrencyService.h"
#include "MasterDataHttp.h"
#include "MasterDataRoutes.h"
#include "modules/ModuleContext.h"

#include <memory>

namespace caiwu {

void installCurrencyRoutes(Router &router, ModuleContext &context)
{
    auto service = std::make_shared<CurrencyService>(context.database, context.audit);
    const QString tag = QStringLiteral("master-data");

    addListRoute(router,
                 {"GET", QStringLiteral("/api/currencies"), QStringLiteral("Currencies"), tag, Access::Authenticated,
                  QStringLiteral("system.currency.view")},
                 listOptions, [service](const ListOptions &options) { return service->list(options); });

    addWriteRoutes(router, {.path = QStringLiteral("/api/currencies"),
                            .tag = tag,
                            .permission = QStringLiteral("system.currency"),
                            .noun = QStringLiteral("a currency"),
                            .keyName = QStringLiteral("code"),
                            .fields = {{.name = QStringLiteral("code"), .required = true, .createOnly = true, .maxLength = 8},
                                       {.name = QStringLiteral("name"), .required = true, .maxLength = 50},
                                       {.name = QStringLiteral("symbol"), .maxLength = 8},
                                       {.name = QStringLiteral("active"), .type = FieldRule::Type::Flag}},
                            .records = service,
                            .upperCaseKey = true});
}

} // namespace caiwu
