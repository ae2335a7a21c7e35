#include "Router.h"

namespace caiwu {

namespace {
QStringList splitPath(const QString &path)
{
    return path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
}
} // namespace

void Router::add(RouteSpec spec, Handler handler)
{
    Route route;
    route.segments = splitPath(spec.pattern);
    route.spec = std::move(spec);
    route.handler = std::move(handler);
    route.id = int(m_routes.size());
    m_routes.append(std::move(route));
}

bool Router::matchSegments(const QStringList &pattern, const QStringList &path, QHash<QString, QString> *params)
{
    const bool wildcard = !pattern.isEmpty() && pattern.last() == QLatin1String("*");
    const qsizetype fixed = wildcard ? pattern.size() - 1 : pattern.size();
    if (wildcard ? path.size() <= fixed : path.size() != fixed)
        return false;
    params->clear();
    for (qsizetype i = 0; i < fixed; ++i) {
        const QString &p = pattern[i];
        if (p.startsWith(QLatin1Char('{')) && p.endsWith(QLatin1Char('}')))
            params->insert(p.mid(1, p.size() - 2), path[i]);
        else if (p != path[i])
            return false;
    }
    if (wildcard)
        params->insert(QStringLiteral("*"), path.mid(fixed).join(QLatin1Char('/')));
    return true;
}

Router::Match Router::match(QByteArrayView method, const QString &path) const
{
    const QStringList segments = splitPath(path);
    const QByteArrayView wanted = method == "HEAD" ? QByteArrayView("GET") : method;
    Match result;
    QHash<QString, QString> params;
    // Literal routes win over parameterised ones: /api/flows/next-voucher before /api/flows/{id}.
    const Route *best = nullptr;
    int bestScore = -1;
    for (const Route &route : m_routes) {
        if (!matchSegments(route.segments, segments, &params))
            continue;
        if (route.spec.method != wanted) {
            if (!result.allowedMethods.contains(route.spec.method))
                result.allowedMethods.append(route.spec.method);
            continue;
        }
        int score = 0;
        for (const QString &s : route.segments)
            score = score * 2 + (s.startsWith(QLatin1Char('{')) || s == QLatin1String("*") ? 0 : 1);
        if (score > bestScore) {
            bestScore = score;
            best = &route;
            result.params = params;
        }
    }
    if (best) {
        result.route = best;
        result.allowedMethods.clear();
    } else if (!result.allowedMethods.isEmpty()) {
        if (result.allowedMethods.contains("GET"))
            result.allowedMethods.append("HEAD");
        result.allowedMethods.append("OPTIONS");
    }
    return result;
}

} // namespace caiwu
