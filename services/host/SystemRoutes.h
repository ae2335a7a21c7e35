#pragma once

namespace caiwu {

class Router;
class ServiceHost;

// The appliance's own routes: liveness, health, version, the OpenAPI document and
// Prometheus metrics.
void registerSystemRoutes(Router &router, ServiceHost &host);

} // namespace caiwu
