#pragma once

namespace caiwu {

class Router;
struct ModuleContext;

// /api/account-transfers (reference §1.14).
void installTransferRoutes(Router &router, ModuleContext &context);

} // namespace caiwu
