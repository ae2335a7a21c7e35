#pragma once

#include "Router.h"

#include <QJsonObject>

namespace caiwu {

// The OpenAPI 3 document of every route in `router`: generated from the same table
// that dispatches requests, so the documentation cannot drift from the server.
QJsonObject openApiDocument(const Router &router, const QString &version);

} // namespace caiwu
