#pragma once

#include <functional>

class QString;

namespace caiwu {

class Router;
struct ModuleContext;

// /api/flows (reference §1.3, with HEAD's reversal): record, list, reverse, replace vouchers.
// `voucherExists` says whether a voucher URL names a stored voucher file.
void installCashFlowRoutes(Router &router, ModuleContext &context, std::function<bool(const QString &url)> voucherExists);

} // namespace caiwu
