#pragma once

namespace caiwu {

class Router;
struct ModuleContext;

// /api/site-bills (reference §1.13).
void installSiteBillRoutes(Router &router, ModuleContext &context);

} // namespace caiwu
