#include "MasterDataHttp.h"
#include "MasterDataRoutes.h"
#include "VendorService.h"
#include "modules/ModuleContext.h"

#include <memory>

namespace caiwu {

void installVendorRoutes(Router &router, ModuleContext &context)
{
    auto service = std::make_shared<VendorService>(context.database, context.audit);
    const QString tag = QStringLiteral("master-data");
    const QString view = QStringLiteral("system.vendor.view");

    addListRoute(router,
                 {"GET", QStringLiteral("/api/vendors"), QStringLiteral("Vendors (active ones unless activeOnly=false)"), tag,
                  Access::Authenticated, view},
                 listOptions, [service](const ListOptions &options) { return service->list(options); });
    addShowRoute(router, {"GET", QStringLiteral("/api/vendors/{id}"), QStringLiteral("One vendor"), tag, Access::Authenticated, view},
                 service);

    QList<FieldRule> fields{{.name = QStringLiteral("name"), .required = true, .maxLength = 100}};
    for (const char *text : {"contact", "phone", "email", "address"})
        fields.append({.name = QLatin1String(text), .maxLength = 200});
    fields.append({.name = QStringLiteral("memo"), .maxLength = 1000});
    fields.append({.name = QStringLiteral("active"), .type = FieldRule::Type::Flag});
    addWriteRoutes(router, {.path = QStringLiteral("/api/vendors"),
                            .tag = tag,
                            .permission = QStringLiteral("system.vendor"),
                            .noun = QStringLiteral("a vendor"),
                            .fields = fields,
                            .records = service});
}

} // namespace caiwu
