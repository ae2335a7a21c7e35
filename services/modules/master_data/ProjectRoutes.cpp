#include "MasterDataHttp.h"
#include "MasterDataRoutes.h"
#include "ProjectService.h"
#include "modules/ModuleContext.h"

#include <memory>

namespace caiwu {

void installProjectRoutes(Router &router, ModuleContext &context)
{
    auto service = std::make_shared<ProjectService>(context.database, context.audit);
    const QString tag = QStringLiteral("master-data");

    addListRoute(router,
                 {"GET", QStringLiteral("/api/departments"), QStringLiteral("Projects (项目)"), tag, Access::Authenticated,
                  QStringLiteral("system.department.view")},
                 listOptions, [service](const ListOptions &options) { return service->list(options); });

    addWriteRoutes(router, {.path = QStringLiteral("/api/departments"),
                            .tag = tag,
                            .permission = QStringLiteral("system.department"),
                            .noun = QStringLiteral("a project"),
                            .fields = {{.name = QStringLiteral("name"), .required = true, .maxLength = 100},
                                       {.name = QStringLiteral("hqId"), .maxLength = 64},
                                       {.name = QStringLiteral("code"), .maxLength = 32},
                                       {.name = QStringLiteral("active"), .type = FieldRule::Type::Flag}},
                            .records = service});
}

} // namespace caiwu
