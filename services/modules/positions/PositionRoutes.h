#pragma once

namespace caiwu {

class Router;
struct ModuleContext;

// /api/position-permissions (reference §1.20) and GET /api/permission-config (HEAD's catalog).
void installPositionRoutes(Router &router, ModuleContext &context);

} // namespace caiwu
