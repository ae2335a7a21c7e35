#pragma once

namespace caiwu {

class Router;
struct ModuleContext;

// POST /api/import?kind=flows (reference §1.6): cash flows from a CSV file, all or nothing.
void installImportRoutes(Router &router, ModuleContext &context);

} // namespace caiwu
