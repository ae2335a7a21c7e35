#pragma once

#include "HttpRequest.h"
#include "HttpResponse.h"
#include "core/Result.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <functional>

namespace caiwu {

using Handler = std::function<Result<HttpResponse>(HttpRequest &)>;

// Who may call a route; the OpenAPI document and (later) the auth middleware read it.
enum class Access { Public, Authenticated };

// One route and what the API documentation says of it. The router's table is the
// single source for dispatch, 405 Allow lists and /api/doc, so they cannot drift.
struct RouteSpec {
    QByteArray method;      // GET, POST, PUT, DELETE, PATCH
    QString pattern;        // "/api/accounts/{id}"; a final "*" matches the rest of the path
    QString summary;
    QString tag;
    Access access = Access::Authenticated;
    QString permission;     // "finance.flow.create", empty when none beyond Access
    QString responseType = QStringLiteral("application/json");
    // Rights that admit the caller as well as `permission` does: where the office grants the
    // same work under two names (finance.site_bill.view or site.bill.view).
    QStringList alsoPermitted;
};

// Runs before every handler: decides whether the request may go on (the IP allow list, the
// session, the route's permission) and records who is calling. `route` is null for a path
// with no route (the answer will be 404/405/OPTIONS), which still passes the allow list.
using RequestGate = std::function<Result<void>(HttpRequest &request, const RouteSpec *route)>;

class Router {
public:
    struct Route {
        RouteSpec spec;
        QStringList segments;
        Handler handler;
        int id = 0;
    };

    struct Match {
        const Route *route = nullptr;            // found
        QHash<QString, QString> params;
        QList<QByteArray> allowedMethods;        // path exists, method doesn't: 405 with these
    };

    void add(RouteSpec spec, Handler handler);

    // HEAD matches GET routes; OPTIONS is answered by the server, not a route.
    Match match(QByteArrayView method, const QString &path) const;
    // What an Allow header lists for `path` (with HEAD and OPTIONS); empty for an unknown path.
    QList<QByteArray> allowedMethods(const QString &path) const { return match({}, path).allowedMethods; }

    const QList<Route> &routes() const { return m_routes; }

private:
    static bool matchSegments(const QStringList &pattern, const QStringList &path, QHash<QString, QString> *params);

    QList<Route> m_routes;
};

} // namespace caiwu
