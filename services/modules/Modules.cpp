#include "Modules.h"

#include "ar_ap/ArApRoutes.h"
#include "audit/AuditRoutes.h"
#include "auth/AuthRoutes.h"
#include "cash_flows/CashFlowRoutes.h"
#include "import/ImportRoutes.h"
#include "ip_whitelist/IpWhitelistRoutes.h"
#include "loans/LoanRoutes.h"
#include "master_data/MasterDataRoutes.h"
#include "positions/PositionRoutes.h"
#include "reports/ReportRoutes.h"
#include "site_bills/SiteBillRoutes.h"
#include "system_config/SystemConfigRoutes.h"
#include "transfers/TransferRoutes.h"
#include "vouchers/VoucherRoutes.h"

namespace caiwu {

void installModules(Router &router, ModuleContext &context)
{
    installAuthRoutes(router, context);
    installSystemConfigRoutes(router, context);
    installPositionRoutes(router, context);
    installMasterDataRoutes(router, context);
    installIpWhitelistRoutes(router, context);
    installAuditRoutes(router, context);
    installVoucherRoutes(router, context);
    installCashFlowRoutes(router, context);
    installTransferRoutes(router, context);
    installArApRoutes(router, context);
    installImportRoutes(router, context);
    installLoanRoutes(router, context);
    installSiteBillRoutes(router, context);
    installReportRoutes(router, context);
}

} // namespace caiwu
