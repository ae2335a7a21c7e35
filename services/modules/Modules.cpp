#include "Modules.h"

#include "audit/AuditRoutes.h"
#include "auth/AuthRoutes.h"
#include "ip_whitelist/IpWhitelistRoutes.h"
#include "master_data/MasterDataRoutes.h"
#include "positions/PositionRoutes.h"
#include "system_config/SystemConfigRoutes.h"

namespace caiwu {

void installModules(Router &router, ModuleContext &context)
{
    installAuthRoutes(router, context);
    installSystemConfigRoutes(router, context);
    installPositionRoutes(router, context);
    installMasterDataRoutes(router, context);
    installIpWhitelistRoutes(router, context);
    installAuditRoutes(router, context);
}

} // namespace caiwu
