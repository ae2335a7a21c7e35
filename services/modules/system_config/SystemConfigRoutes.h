#pragma once

namespace caiwu {

class Router;
struct ModuleContext;

// /api/system-config (reference §1.15).
void installSystemConfigRoutes(Router &router, ModuleContext &context);

} // namespace caiwu
