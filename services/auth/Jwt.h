#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QJsonObject>

namespace caiwu {

// JSON Web Tokens, HS256 only (RFC 7519 / 7515), as the reference signs them with
// AUTH_JWT_SECRET. Unlike the reference, verification checks the alg header.
class Jwt {
public:
    // Tokens are ~1 KiB with the position's permissions; anything larger is refused unread.
    static constexpr qsizetype MaximumTokenBytes = 8 * 1024;
    // How far in the future iat/nbf may be, for a clock stepped back after signing.
    // exp gets no leeway: we issue the tokens, extending them only helps a thief.
    static constexpr qint64 ClockSkewSeconds = 30;

    // header.payload.signature with header {"alg":"HS256","typ":"JWT"}.
    // Empty when the key is empty: a token signed with no secret is forgeable.
    static QByteArray sign(const QJsonObject &claims, const QByteArray &key);

    // The claims, or AppError::unauthorized whose message is the reason for the log:
    // "malformed", "alg not allowed", "bad signature", "expired", "not yet valid", "no key".
    // exp is required; iat and nbf are checked when present.
    static Result<QJsonObject> verify(QByteArrayView token, const QByteArray &key, qint64 nowMs);
};

} // namespace caiwu
