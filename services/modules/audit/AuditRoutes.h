#pragma once

namespace caiwu {

class Router;
struct ModuleContext;

// /api/audit-logs (reference §1.10, §6.2): the filtered, scoped log, its filter options and the CSV export.
void installAuditRoutes(Router &router, ModuleContext &context);

} // namespace caiwu
