#pragma once

namespace caiwu {

class Router;
struct ModuleContext;

// /api/flows (reference §1.3, with HEAD's reversal): record, list, reverse, replace vouchers.
void installCashFlowRoutes(Router &router, ModuleContext &context);

} // namespace caiwu
