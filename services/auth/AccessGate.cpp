#include "AccessGate.h"

#include "IpGate.h"
#include "Jwt.h"
#include "SessionStore.h"
#include "core/Clock.h"

namespace caiwu {

namespace {

// Monitoring must see the appliance whatever the list says (as the reference).
bool exemptFromAllowList(const QString &path)
{
    return path == QLatin1String("/api/health") || path == QLatin1String("/api/version");
}

QByteArray cookieValue(const QByteArray &cookies, QByteArrayView name)
{
    for (const QByteArray &part : cookies.split(';')) {
        const QByteArray pair = part.trimmed();
        const qsizetype eq = pair.indexOf('=');
        if (eq > 0 && QByteArrayView(pair).first(eq) == name)
            return pair.mid(eq + 1);
    }
    return {};
}

} // namespace

AccessGate::AccessGate(IpGate &ips, SessionStore &sessions, QByteArray jwtKey)
    : m_ips(ips)
    , m_sessions(sessions)
    , m_jwtKey(std::move(jwtKey))
{
}

QByteArray AccessGate::tokenOf(const HttpRequest &request)
{
    if (QByteArray token = request.header("x-caiwu-token").trimmed(); !token.isEmpty())
        return token;
    const QByteArray authorization = request.header("authorization").trimmed();
    if (authorization.size() > 7 && QByteArrayView(authorization).first(7).compare("Bearer ", Qt::CaseInsensitive) == 0)
        return authorization.mid(7).trimmed();
    return cookieValue(request.header("cookie"), "caiwu_auth");
}

Result<std::shared_ptr<const AuthSession>> AccessGate::authenticate(const HttpRequest &request) const
{
    const QByteArray token = tokenOf(request);
    if (token.isEmpty())
        return AppError::unauthorized(QStringLiteral("unauthorized"));
    const qint64 now = Clock::nowMs();
    auto claims = Jwt::verify(token, m_jwtKey, now);
    if (!claims)
        return AppError::unauthorized(QStringLiteral("unauthorized"));
    auto session = m_sessions.find(claims->value(QStringLiteral("sid")).toString(), now);
    if (!session)
        return session.error().status == 401 ? AppError::unauthorized(QStringLiteral("unauthorized")) : session.error();
    // A token is bound to its session's owner; a mismatch means a forged or confused token.
    if ((*session)->userId != claims->value(QStringLiteral("sub")).toString())
        return AppError::unauthorized(QStringLiteral("unauthorized"));
    return session;
}

std::shared_ptr<const AuthSession> AccessGate::identify(const HttpRequest &request) const
{
    auto session = authenticate(request);
    return session ? *session : nullptr;
}

Result<void> AccessGate::admit(HttpRequest &request, const RouteSpec *route) const
{
    const IpGate::Decision ip = m_ips.decide(request.clientAddress, request.header("x-forwarded-for"));
    request.clientAddress = ip.clientAddress;
    if (!ip.allowed && !exemptFromAllowList(request.path))
        return AppError{403, "IP_NOT_ALLOWED", QStringLiteral("Access denied: IP not whitelisted"),
                        QJsonObject{{QStringLiteral("ip"), ip.clientAddress}}};
    if (!route || route->access == Access::Public)
        return {};
    auto session = authenticate(request);
    if (!session)
        return session.error();
    request.session = *session;
    request.actor = (*session)->userId;
    if ((*session)->position.id.isEmpty())
        return AppError::forbidden(QStringLiteral("未找到有效的职位，请联系管理员"));
    if (!route->permission.isEmpty())
        return Permissions::require((*session)->principal, route->permission);
    return {};
}

} // namespace caiwu
