#include "HeadquartersService.h"
#include "MasterDataHttp.h"
#include "MasterDataRoutes.h"
#include "modules/ModuleContext.h"

#include <memory>

namespace caiwu {

void installHeadquartersRoutes(Router &router, ModuleContext &context)
{
    auto service = std::make_shared<HeadquartersService>(context.database, context.audit);
    const QString tag = QStringLiteral("master-data");

    addListRoute(router,
                 {"GET", QStringLiteral("/api/hq"), QStringLiteral("Headquarters (a bare array, as the reference)"), tag,
                  Access::Authenticated, QStringLiteral("system.headquarters.view")},
                 listOptions, [service](const ListOptions &options) { return service->list(options); }, ListShape::BareArray);

    // The reference disabled adding headquarters; the office has the one it was set up with.
    router.add({"POST", QStringLiteral("/api/hq"), QStringLiteral("Disabled: headquarters cannot be added"), tag,
                Access::Authenticated, QStringLiteral("system.headquarters.create")},
               [](HttpRequest &) -> Result<HttpResponse> { return AppError::business(QStringLiteral("总部配置已禁用")); });

    addWriteRoutes(router, {.path = QStringLiteral("/api/hq"),
                            .tag = tag,
                            .permission = QStringLiteral("system.headquarters"),
                            .noun = QStringLiteral("the headquarters"),
                            .fields = {{.name = QStringLiteral("name"), .required = true, .maxLength = 100},
                                       {.name = QStringLiteral("active"), .type = FieldRule::Type::Flag}},
                            .records = service,
                            .withCreate = false});
}

} // namespace caiwu
