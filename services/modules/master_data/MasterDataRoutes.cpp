#include "MasterDataHttp.h"
#include "MasterDataRoutes.h"

namespace caiwu {

void installMasterDataRoutes(Router &router, ModuleContext &context)
{
    installHeadquartersRoutes(router, context);
    installProjectRoutes(router, context);
    installOrgDepartmentRoutes(router, context);
    installSiteRoutes(router, context);
    installCurrencyRoutes(router, context);
    installAccountRoutes(router, context);
    installCategoryRoutes(router, context);
    installVendorRoutes(router, context);
}

} // namespace caiwu
