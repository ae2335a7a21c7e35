#include "Jwt.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <QJsonDocument>
#include <QJsonValue>
#include <QList>

#include <cmath>

namespace caiwu {

namespace {

constexpr auto Base64Url = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;

QByteArray hmacSha256(const QByteArray &key, QByteArrayView data)
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (!HMAC(EVP_sha256(), key.constData(), int(key.size()), reinterpret_cast<const unsigned char *>(data.data()),
              size_t(data.size()), mac, &length))
        return {};
    return QByteArray(reinterpret_cast<const char *>(mac), qsizetype(length));
}

// Strict base64url: the alphabet only, no padding, and the one canonical spelling,
// so a token cannot be re-encoded into a different string that still verifies.
bool decodeBase64Url(QByteArrayView text, QByteArray *out)
{
    if (text.isEmpty() || text.size() % 4 == 1)
        return false;
    for (const char c : text) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!ok)
            return false;
    }
    const QByteArray raw = text.toByteArray();
    *out = QByteArray::fromBase64(raw, Base64Url);
    return out->toBase64(Base64Url) == raw;
}

bool decodeJsonObject(QByteArrayView segment, QJsonObject *out)
{
    QByteArray json;
    if (!decodeBase64Url(segment, &json))
        return false;
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return false;
    *out = doc.object();
    return true;
}

// A NumericDate (seconds since the epoch), if the claim is present and one.
bool numericDate(const QJsonObject &claims, const QString &name, bool required, double *seconds, bool *present)
{
    const QJsonValue value = claims.value(name);
    *present = !value.isUndefined();
    if (!*present)
        return !required;
    if (!value.isDouble() || !std::isfinite(value.toDouble()))
        return false;
    *seconds = value.toDouble();
    return true;
}

AppError refuse(const char *reason) { return AppError::unauthorized(QString::fromLatin1(reason)); }

} // namespace

QByteArray Jwt::sign(const QJsonObject &claims, const QByteArray &key)
{
    if (key.isEmpty())
        return {};
    const QByteArray signingInput = QByteArrayLiteral(R"({"alg":"HS256","typ":"JWT"})").toBase64(Base64Url) + '.'
        + QJsonDocument(claims).toJson(QJsonDocument::Compact).toBase64(Base64Url);
    const QByteArray mac = hmacSha256(key, signingInput);
    if (mac.isEmpty())
        return {};
    return signingInput + '.' + mac.toBase64(Base64Url);
}

Result<QJsonObject> Jwt::verify(QByteArrayView token, const QByteArray &key, qint64 nowMs)
{
    if (key.isEmpty())
        return refuse("no key");
    if (token.size() > MaximumTokenBytes)
        return refuse("malformed");
    const qsizetype firstDot = token.indexOf('.');
    const qsizetype lastDot = token.lastIndexOf('.');
    if (firstDot < 0 || lastDot == firstDot || token.sliced(firstDot + 1, lastDot - firstDot - 1).contains('.'))
        return refuse("malformed");
    const QByteArrayView headerPart = token.first(firstDot);
    const QByteArrayView payloadPart = token.sliced(firstDot + 1, lastDot - firstDot - 1);
    const QByteArrayView signaturePart = token.sliced(lastDot + 1);

    QJsonObject header;
    if (!decodeJsonObject(headerPart, &header))
        return refuse("malformed");
    const QJsonValue alg = header.value(QStringLiteral("alg"));
    if (!alg.isString() || alg.toString() != QStringLiteral("HS256"))
        return refuse("alg not allowed");
    // RFC 7515 §4.1.11: a "crit" extension we do not understand makes the token invalid.
    if (header.contains(QStringLiteral("crit")))
        return refuse("malformed");

    QByteArray signature;
    if (!decodeBase64Url(signaturePart, &signature))
        return refuse("bad signature");
    const QByteArray expected = hmacSha256(key, token.first(lastDot));
    if (expected.isEmpty() || signature.size() != expected.size()
        || CRYPTO_memcmp(signature.constData(), expected.constData(), size_t(expected.size())) != 0)
        return refuse("bad signature");

    QJsonObject claims;
    if (!decodeJsonObject(payloadPart, &claims))
        return refuse("malformed");
    const double now = double(nowMs) / 1000.0;
    double exp = 0, iat = 0, nbf = 0;
    bool hasExp = false, hasIat = false, hasNbf = false;
    if (!numericDate(claims, QStringLiteral("exp"), true, &exp, &hasExp)
        || !numericDate(claims, QStringLiteral("iat"), false, &iat, &hasIat)
        || !numericDate(claims, QStringLiteral("nbf"), false, &nbf, &hasNbf))
        return refuse("malformed");
    if (now >= exp)
        return refuse("expired");
    if ((hasIat && iat > now + ClockSkewSeconds) || (hasNbf && nbf > now + ClockSkewSeconds))
        return refuse("not yet valid");
    return claims;
}

} // namespace caiwu
