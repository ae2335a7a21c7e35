#include "MasterDataHttp.h"
#include "MasterDataRoutes.h"
#include "OrgDepartmentService.h"
#include "modules/ModuleContext.h"

#include <memory>

namespace caiwu {

namespace {

OrgDepartmentService::Filter filterOf(QueryParams &params)
{
    OrgDepartmentService::Filter filter{listOptions(params), std::nullopt};
    // The reference's name is project_id; "hq" means HQ's own departments.
    QString project = params.text(QStringLiteral("project_id"));
    if (project.isEmpty())
        project = params.text(QStringLiteral("projectId"));
    if (!project.isEmpty())
        filter.projectId = project.compare(QLatin1String("hq"), Qt::CaseInsensitive) == 0 ? QString(QLatin1String("")) : project;
    return filter;
}

} // namespace

void installOrgDepartmentRoutes(Router &router, ModuleContext &context)
{
    auto service = std::make_shared<OrgDepartmentService>(context.database, context.audit, context.sessions);
    const QString tag = QStringLiteral("master-data");
    const QString view = QStringLiteral("system.department.view");

    addListRoute(router,
                 {"GET", QStringLiteral("/api/org-departments"), QStringLiteral("Org departments (teams) of a project or of HQ"), tag,
                  Access::Authenticated, view},
                 filterOf, [service](const OrgDepartmentService::Filter &filter) { return service->list(filter); });
    addShowRoute(router,
                 {"GET", QStringLiteral("/api/org-departments/{id}"), QStringLiteral("One org department"), tag, Access::Authenticated, view},
                 service);

    addWriteRoutes(router, {.path = QStringLiteral("/api/org-departments"),
                            .tag = tag,
                            .permission = QStringLiteral("system.department"),
                            .noun = QStringLiteral("an org department"),
                            .fields = {{.name = QStringLiteral("projectId"), .maxLength = 64},
                                       {.name = QStringLiteral("parentId"), .maxLength = 64},
                                       {.name = QStringLiteral("name"), .required = true, .maxLength = 100},
                                       {.name = QStringLiteral("code"), .maxLength = 32},
                                       {.name = QStringLiteral("description"), .maxLength = 500},
                                       {.name = QStringLiteral("allowedModules"), .type = FieldRule::Type::TextList, .maxLength = 64},
                                       {.name = QStringLiteral("allowedPositions"), .type = FieldRule::Type::TextList, .maxLength = 64},
                                       {.name = QStringLiteral("defaultPositionId"), .maxLength = 64},
                                       {.name = QStringLiteral("sortOrder"), .type = FieldRule::Type::Integer},
                                       {.name = QStringLiteral("active"), .type = FieldRule::Type::Flag}},
                            .records = service});
}

} // namespace caiwu
