#pragma once

namespace caiwu {

class Router;
struct ModuleContext;

// POST /api/upload/voucher and GET /api/vouchers/* (reference §4): receipts stored by content
// hash, accepted by their bytes, served only to who may see a record that references them.
void installVoucherRoutes(Router &router, ModuleContext &context);

} // namespace caiwu
