#pragma once

namespace caiwu {

class Router;
struct ModuleContext;

// Adds every business module's routes, in the order /api/doc lists them.
void installModules(Router &router, ModuleContext &context);

} // namespace caiwu
