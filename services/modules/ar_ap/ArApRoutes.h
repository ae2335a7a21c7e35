#pragma once

namespace caiwu {

class Router;
struct ModuleContext;

// /api/ar/* (reference §1.4) and HEAD's /api/ap/* for payables. The reference checked
// finance.ar.* for both kinds; here a payable needs finance.ap.*.
void installArApRoutes(Router &router, ModuleContext &context);

} // namespace caiwu
