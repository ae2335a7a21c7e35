#pragma once

namespace caiwu {

class Router;
struct ModuleContext;

// Master data (reference §1.2): headquarters, projects, sites, accounts, currencies, income and
// expense categories, vendors and org departments.
void installMasterDataRoutes(Router &router, ModuleContext &context);

// One per entity, each in its own file.
void installHeadquartersRoutes(Router &router, ModuleContext &context);
void installProjectRoutes(Router &router, ModuleContext &context);
void installSiteRoutes(Router &router, ModuleContext &context);
void installAccountRoutes(Router &router, ModuleContext &context);
void installCurrencyRoutes(Router &router, ModuleContext &context);
void installCategoryRoutes(Router &router, ModuleContext &context);
void installVendorRoutes(Router &router, ModuleContext &context);
void installOrgDepartmentRoutes(Router &router, ModuleContext &context);

} // namespace caiwu
