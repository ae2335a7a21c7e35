#include "Totp.h"

#include <QRandomGenerator>
#include <QUrl>

#include <liboath/oath.h>

#include <cstdlib>
#include <ctime>
#include <memory>

namespace caiwu {

namespace {

constexpr int SecretBytes = 20; // 160 bits, the HMAC-SHA-1 block RFC 4226 recommends

// liboath wants oath_init() once before use; a function-local static is a thread-safe once.
bool oathReady()
{
    static const bool ready = oath_init() == OATH_OK;
    return ready;
}

struct FreeDeleter {
    void operator()(char *p) const { std::free(p); }
};
using OathBuffer = std::unique_ptr<char, FreeDeleter>;

// Authenticator apps show secrets in groups and in either case; padding is optional.
QByteArray normalizedSecret(const QString &base32Secret)
{
    QByteArray out;
    out.reserve(base32Secret.size());
    for (const QChar c : base32Secret) {
        if (c.isSpace())
            continue;
        out.append(c.unicode() < 128 ? char(QChar::toUpper(c.unicode())) : '?'); // '?' fails decoding
    }
    while (out.endsWith('='))
        out.chop(1);
    return out;
}

Result<QByteArray> decodeSecret(const QString &base32Secret)
{
    if (!oathReady())
        return AppError::internal(QStringLiteral("The TOTP library could not be initialised"));
    const QByteArray text = normalizedSecret(base32Secret);
    if (text.isEmpty())
        return AppError::validation(QStringLiteral("The TOTP secret is empty"));
    char *raw = nullptr;
    size_t length = 0;
    const int rc = oath_base32_decode(text.constData(), size_t(text.size()), &raw, &length);
    OathBuffer owned(raw);
    if (rc != OATH_OK || length == 0)
        return AppError::validation(QStringLiteral("The TOTP secret is not valid base32: %1")
                                        .arg(QString::fromUtf8(oath_strerror(rc == OATH_OK ? OATH_INVALID_BASE32 : rc))));
    return QByteArray(raw, qsizetype(length));
}

Result<time_t> secondsOf(qint64 nowMs)
{
    if (nowMs < 0)
        return AppError::validation(QStringLiteral("The time for a TOTP code is before 1970"));
    return time_t(nowMs / 1000);
}

// Exactly Digits ASCII digits once spaces are removed, or empty when the code is malformed.
QByteArray normalizedCode(const QString &code)
{
    QByteArray out;
    for (const QChar c : code) {
        if (c == QLatin1Char(' '))
            continue;
        if (c < QLatin1Char('0') || c > QLatin1Char('9'))
            return {};
        out.append(char(c.unicode()));
    }
    return out.size() == Totp::Digits ? out : QByteArray();
}

QByteArray encodeLabelPart(const QString &part)
{
    // RFC 3986 unreserved characters stay; '@' stays as in Google's examples; everything else,
    // Chinese included, is UTF-8 percent-encoded (a space becomes %20, never '+').
    return QUrl::toPercentEncoding(part, QByteArrayLiteral("@"));
}

} // namespace

QString Totp::generateSecret()
{
    quint32 words[SecretBytes / 4];
    QRandomGenerator::system()->fillRange(words);
    const auto *bytes = reinterpret_cast<const char *>(words);

    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    QString out;
    out.reserve(SecretBytes * 8 / 5);
    quint32 buffer = 0;
    int bits = 0;
    for (int i = 0; i < SecretBytes; ++i) {
        buffer = (buffer << 8) | quint8(bytes[i]);
        bits += 8;
        while (bits >= 5) {
            out.append(QLatin1Char(alphabet[(buffer >> (bits - 5)) & 0x1f]));
            bits -= 5;
        }
    }
    if (bits > 0) // never for 20 bytes; kept so another length stays correct
        out.append(QLatin1Char(alphabet[(buffer << (5 - bits)) & 0x1f]));
    return out;
}

Result<QString> Totp::code(const QString &base32Secret, qint64 nowMs)
{
    auto secret = decodeSecret(base32Secret);
    if (!secret)
        return secret.error();
    auto now = secondsOf(nowMs);
    if (!now)
        return now.error();
    char otp[Digits + 1] = {};
    const int rc = oath_totp_generate(secret->constData(), size_t(secret->size()), *now, StepSeconds,
                                      OATH_TOTP_DEFAULT_START_TIME, Digits, otp);
    if (rc != OATH_OK)
        return AppError::internal(QStringLiteral("Could not compute a TOTP code: %1").arg(QString::fromUtf8(oath_strerror(rc))));
    return QString::fromLatin1(otp, Digits);
}

bool Totp::verify(const QString &base32Secret, const QString &code, qint64 nowMs)
{
    return matchingStep(base32Secret, code, nowMs) >= 0;
}

qint64 Totp::matchingStep(const QString &base32Secret, const QString &code, qint64 nowMs)
{
    const QByteArray otp = normalizedCode(code);
    if (otp.isEmpty())
        return -1;
    const auto secret = decodeSecret(base32Secret);
    const auto now = secondsOf(nowMs);
    if (!secret || !now)
        return -1;
    // Window 1: the previous, current and next step, one step of clock drift either way (RFC 6238 §5.2).
    int offset = 0;
    const int rc = oath_totp_validate2(secret->constData(), size_t(secret->size()), *now, StepSeconds,
                                       OATH_TOTP_DEFAULT_START_TIME, 1, &offset, otp.constData());
    if (rc < 0)
        return -1;
    return qint64(*now) / StepSeconds + offset;
}

QString Totp::provisioningUri(const QString &issuer, const QString &account, const QString &base32Secret)
{
    const QByteArray secret = normalizedSecret(base32Secret);
    const QByteArray encodedIssuer = encodeLabelPart(issuer);
    QByteArray uri = QByteArrayLiteral("otpauth://totp/") + encodedIssuer + ':' + encodeLabelPart(account)
        + "?secret=" + secret + "&issuer=" + encodedIssuer
        + "&algorithm=SHA1&digits=" + QByteArray::number(Digits) + "&period=" + QByteArray::number(StepSeconds);
    return QString::fromLatin1(uri);
}

} // namespace caiwu
