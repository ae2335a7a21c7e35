#pragma once

namespace caiwu {

class Router;
struct ModuleContext;

// /api/auth/*, /api/me, /api/my-permissions (reference §1.1) and the lockout admin routes.
void installAuthRoutes(Router &router, ModuleContext &context);

} // namespace caiwu
