#pragma once

namespace caiwu {

class Router;
struct ModuleContext;

// /api/borrowings and /api/repayments (reference §1.8).
void installLoanRoutes(Router &router, ModuleContext &context);

} // namespace caiwu
