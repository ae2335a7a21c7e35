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

std::optional<AccessGate::VerifiedToken> AccessGate::verified(const QByteArray &token, qint64 nowMs) const
{
    {
        QReadLocker read(&m_verifiedLock);
        const auto it = m_verified.constFind(token);
        if (it != m_verified.constEnd())
            return it->expiresAtMs > nowMs ? std::optional(*it) : std::nullopt;
    }
    auto claims = Jwt::verify(token, m_jwtKey, nowMs);
    if (!claims)
        return std::nullopt;
    VerifiedToken entry{claims->value(QStringLiteral("sid")).toString(), claims->value(QStringLiteral("sub")).toString(),
                        claims->value(QStringLiteral("exp")).toInteger() * 1000};
    QWriteLocker write(&m_verifiedLock);
    if (m_verified.size() >= MaximumVerifiedTokens) {
        // Forget the expired ones; if that is not enough, start afresh (they are re-verified on use).
        m_verified.removeIf([nowMs](const auto &it) { return it.value().expiresAtMs <= nowMs; });
        if (m_verified.size() >= MaximumVerifiedTokens)
            m_verified.clear();
    }
    m_verified.insert(token, entry);
    return entry;
}

Result<std::shared_ptr<const AuthSession>> AccessGate::authenticate(const HttpRequest &request) const
{
    const QByteArray token = tokenOf(request);
    if (token.isEmpty() || token.size() > Jwt::MaximumTokenBytes)
        return AppError::unauthorized(QStringLiteral("unauthorized"));
    const qint64 now = Clock::nowMs();
    const auto claims = verified(token, now);
    if (!claims)
        return AppError::unauthorized(QStringLiteral("unauthorized"));
    // The session decides whether the token still counts: logout or a new login ends it at once.
    auto session = m_sessions.find(claims->sessionId, now);
    if (!session)
        return session.error().status == 401 ? AppError::unauthorized(QStringLiteral("unauthorized")) : session.error();
    // A token is bound to its session's owner; a mismatch means a forged or confused token.
    if ((*session)->userId != claims->employeeId)
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
    if (route->permission.isEmpty())
        return {};
    for (const QString &alternative : route->alsoPermitted)
        if (Permissions::allows((*session)->principal, alternative))
            return {};
    return Permissions::require((*session)->principal, route->permission);
}

} // namespace caiwu
