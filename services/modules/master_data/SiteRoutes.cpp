#include "MasterDataHttp.h"
#include "MasterDataRoutes.h"
#include "SiteService.h"
#include "modules/ModuleContext.h"

#include <memory>

namespace caiwu {

void installSiteRoutes(Router &router, ModuleContext &context)
{
    auto service = std::make_shared<SiteService>(context.database, context.audit);
    const QString tag = QStringLiteral("master-data");

    addListRoute(router,
                 {"GET", QStringLiteral("/api/sites"), QStringLiteral("Sites with their project's name"), tag, Access::Authenticated,
                  QStringLiteral("site.info.view")},
                 [](QueryParams &params) {
                     return SiteService::Filter{listOptions(params), params.text(QStringLiteral("departmentId"))};
                 },
                 [service](const SiteService::Filter &filter) { return service->list(filter); });

    addWriteRoutes(router, {.path = QStringLiteral("/api/sites"),
                            .tag = tag,
                            .permission = QStringLiteral("site.info"),
                            .noun = QStringLiteral("a site"),
                            .fields = {{.name = QStringLiteral("departmentId"), .required = true, .maxLength = 64},
                                       {.name = QStringLiteral("name"), .required = true, .maxLength = 100},
                                       {.name = QStringLiteral("siteCode"), .maxLength = 32},
                                       {.name = QStringLiteral("active"), .type = FieldRule::Type::Flag}},
                            .records = service});
}

} // namespace caiwu
