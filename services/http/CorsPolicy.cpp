#include "CorsPolicy.h"

#include <QUrl>

namespace caiwu {

namespace {
QByteArray originOf(const QString &url)
{
    QUrl u(url);
    if (!u.isValid() || u.host().isEmpty())
        return {};
    // Browsers leave the scheme's default port out of Origin: http://h:80 is sent as http://h.
    if ((u.scheme() == QLatin1String("http") && u.port() == 80) || (u.scheme() == QLatin1String("https") && u.port() == 443))
        u.setPort(-1);
    return u.adjusted(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment).toString().toUtf8();
}

bool isLoopbackOrigin(QByteArrayView origin)
{
    const QUrl u(QString::fromUtf8(origin));
    if (u.scheme() != QLatin1String("http") && u.scheme() != QLatin1String("https"))
        return false;
    const QString host = u.host();
    return host == QLatin1String("localhost") || host == QLatin1String("127.0.0.1") || host == QLatin1String("::1");
}
} // namespace

CorsPolicy::CorsPolicy(const QStringList &configured, const QString &publicBaseUrl)
{
    if (!configured.isEmpty()) {
        m_loopback = false;
        for (const QString &origin : configured)
            m_origins.append(originOf(origin));
        return;
    }
    if (const QByteArray own = originOf(publicBaseUrl); !own.isEmpty())
        m_origins.append(own);
}

bool CorsPolicy::allows(QByteArrayView origin) const
{
    if (origin.isEmpty())
        return false;
    for (const QByteArray &allowed : m_origins)
        if (origin == allowed)
            return true;
    return m_loopback && isLoopbackOrigin(origin);
}

void CorsPolicy::apply(const HttpRequest &request, HttpResponse &response) const
{
    const QByteArray origin = request.header("origin");
    if (origin.isEmpty())
        return;
    // Added to any Vary the handler set: caches must key on both.
    const QByteArray vary = response.header("Vary");
    const QList<QByteArray> tokens = vary.split(',');
    if (std::none_of(tokens.cbegin(), tokens.cend(), [](const QByteArray &t) { return t.trimmed().compare("Origin", Qt::CaseInsensitive) == 0; }))
        response.setHeader("Vary", vary.isEmpty() ? QByteArray("Origin") : vary + ", Origin");
    if (!allows(origin))
        return;
    response.setHeader("Access-Control-Allow-Origin", origin);
    response.setHeader("Access-Control-Allow-Credentials", "true");
    response.setHeader("Access-Control-Expose-Headers", "X-Request-Id, Content-Disposition");
}

HttpResponse CorsPolicy::preflight(const HttpRequest &request, const QList<QByteArray> &methods) const
{
    HttpResponse response = HttpResponse::noContent();
    response.setHeader("Allow", methods.join(", "));
    const QByteArray origin = request.header("origin");
    if (origin.isEmpty() || request.header("access-control-request-method").isEmpty())
        return response; // a plain OPTIONS: just say what the path allows
    if (!allows(origin))
        return HttpResponse::error(AppError::forbidden(QStringLiteral("origin %1 is not allowed to call this API")
                                                           .arg(QString::fromUtf8(origin))));
    apply(request, response);
    response.setHeader("Access-Control-Allow-Methods", methods.join(", "));
    response.setHeader("Access-Control-Allow-Headers",
                       "Authorization, Content-Type, X-Caiwu-Token, X-Request-Id, Idempotency-Key");
    response.setHeader("Access-Control-Max-Age", "600");
    return response;
}

} // namespace caiwu
