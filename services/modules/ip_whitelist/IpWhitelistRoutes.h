#pragma once

namespace caiwu {

class Router;
struct ModuleContext;

// /api/ip-whitelist (reference §1.9), every route behind system.config.update as the reference.
void installIpWhitelistRoutes(Router &router, ModuleContext &context);

} // namespace caiwu
