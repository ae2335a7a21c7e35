#pragma once

#include "core/Result.h"

#include <QString>

namespace caiwu {

// Time-based one-time passwords (RFC 6238) as authenticator apps and the reference's otplib
// make them: HMAC-SHA-1, 6 digits, 30-second steps, secrets in RFC 4648 base32.
class Totp {
public:
    static constexpr int Digits = 6;
    static constexpr int StepSeconds = 30;

    // A new secret: 20 bytes from the system CSPRNG, base32 without padding (32 characters).
    static QString generateSecret();

    // The code for the step that holds `nowMs` (epoch milliseconds).
    static Result<QString> code(const QString &base32Secret, qint64 nowMs);

    // True when `code` (6 digits; spaces ignored) is the code of the current step or of the one
    // before or after it (clock drift). Never true for a malformed code or secret.
    static bool verify(const QString &base32Secret, const QString &code, qint64 nowMs);
    // As verify, but says which time step (unix seconds / 30) the code belongs to, so a caller
    // can refuse a code it has already accepted once. -1 when it matches none.
    static qint64 matchingStep(const QString &base32Secret, const QString &code, qint64 nowMs);

    // otpauth://totp/<issuer>:<account>?secret=…&issuer=…&algorithm=SHA1&digits=6&period=30,
    // percent-encoded UTF-8 as Google's Key Uri Format asks.
    static QString provisioningUri(const QString &issuer, const QString &account, const QString &base32Secret);
};

} // namespace caiwu
