#pragma once

#include "AuthSession.h"
#include "core/Result.h"
#include "http/HttpRequest.h"
#include "http/Router.h"

#include <QHash>
#include <QReadWriteLock>

#include <memory>

namespace caiwu {

class IpGate;
class SessionStore;

// What runs before every handler (reference §3.5, §6.1, without their gaps):
//  1. the IP allow list, on every path but /api/health and /api/version;
//  2. for an authenticated route: the token (x-caiwu-token, Authorization: Bearer, or the
//     caiwu_auth cookie), a live session, an active position (403 without one);
//  3. the route's own permission, if it names one, or one it also permits (403 FORBIDDEN).
// Data scope is the handler's part: it depends on which rows it reads.
class AccessGate {
public:
    AccessGate(IpGate &ips, SessionStore &sessions, QByteArray jwtKey);

    Result<void> admit(HttpRequest &request, const RouteSpec *route) const;

    // The caller of a public route that may carry a token (GET /api/auth/me): null when no
    // valid token and live session come with the request.
    std::shared_ptr<const AuthSession> identify(const HttpRequest &request) const;

    // The token as the request carries it, in the reference's order of preference.
    static QByteArray tokenOf(const HttpRequest &request);

private:
    Result<std::shared_ptr<const AuthSession>> authenticate(const HttpRequest &request) const;

    // What a verified token said: checking the signature and parsing ~2 KiB of claims on every
    // request would cost more than the rest of a request, so each token is verified once and
    // remembered until it expires. Keyed by the whole token: a byte changed is a new token.
    struct VerifiedToken {
        QString sessionId;
        QString employeeId;
        qint64 expiresAtMs = 0;
    };
    static constexpr qsizetype MaximumVerifiedTokens = 20000;
    std::optional<VerifiedToken> verified(const QByteArray &token, qint64 nowMs) const;

    IpGate &m_ips;
    SessionStore &m_sessions;
    QByteArray m_jwtKey;
    mutable QReadWriteLock m_verifiedLock;
    mutable QHash<QByteArray, VerifiedToken> m_verified;
};

} // namespace caiwu
