#pragma once

#include <QByteArray>
#include <QString>

namespace caiwu::OneTimeToken {

// A token for an emailed link: `bytes` random bytes from the system CSPRNG, as lower-case hex
// (32 bytes → 64 characters, the reference's activation and reset token length).
QString generate(int bytes);
// What the database keeps instead of the token: its SHA-256 as lower-case hex, so a copy of
// the database holds no working link.
QString digest(const QString &token);
// The reference's device fingerprint: "device_" + the first 32 hex of SHA-256(user:ip:agent).
QString deviceFingerprint(const QString &userId, const QString &ip, const QString &userAgent);

} // namespace caiwu::OneTimeToken
