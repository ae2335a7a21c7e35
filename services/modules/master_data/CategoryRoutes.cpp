#include "CategoryService.h"
#include "MasterDataHttp.h"
#include "MasterDataRoutes.h"
#include "modules/ModuleContext.h"

#include <memory>

namespace caiwu {

void installCategoryRoutes(Router &router, ModuleContext &context)
{
    auto service = std::make_shared<CategoryService>(context.database, context.audit);
    const QString tag = QStringLiteral("master-data");

    addListRoute(router,
                 {"GET", QStringLiteral("/api/categories"), QStringLiteral("Income and expense categories"), tag,
                  Access::Authenticated, QStringLiteral("system.category.view")},
                 [](QueryParams &params) {
                     return CategoryService::Filter{listOptions(params), params.choice(QStringLiteral("kind"), CategoryService::Kinds)};
                 },
                 [service](const CategoryService::Filter &filter) { return service->list(filter); });

    addWriteRoutes(router, {.path = QStringLiteral("/api/categories"),
                            .tag = tag,
                            .permission = QStringLiteral("system.category"),
                            .noun = QStringLiteral("a category"),
                            .fields = {{.name = QStringLiteral("name"), .required = true, .maxLength = 100},
                                       {.name = QStringLiteral("kind"), .required = true, .maxLength = 16},
                                       {.name = QStringLiteral("parentId"), .maxLength = 64},
                                       {.name = QStringLiteral("sortOrder"), .type = FieldRule::Type::Integer},
                                       {.name = QStringLiteral("active"), .type = FieldRule::Type::Flag}},
                            .records = service});
}

} // namespace caiwu
