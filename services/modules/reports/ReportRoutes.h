#pragma once

namespace caiwu {

class Router;
struct ModuleContext;

// /api/reports/* (reference §1.5, the finance reports) under both the backend's and the front
// end's names (§6.7), and /api/dashboard/stats.
void installReportRoutes(Router &router, ModuleContext &context);

} // namespace caiwu
