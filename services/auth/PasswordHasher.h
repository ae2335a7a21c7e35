#pragma once

#include "core/Result.h"

#include <QString>

namespace caiwu {

struct PasswordCheck {
    bool matches = false;
    // The password was right but the stored hash is bcrypt (moved in from the
    // reference) or argon2id weaker than today's: store hash(password) now.
    bool needsRehash = false;
};

// Staff passwords: new hashes are argon2id (libargon2); bcrypt hashes from the
// reference still verify (libxcrypt) so people keep their password across the move.
// A password is the UTF-8 bytes of the QString. Nothing here logs a password or a hash.
class PasswordHasher {
public:
    // NIST SP 800-63B's floor for a memorised secret; stricter than the reference's 6,
    // which only applies to new passwords: an old 6-character one still logs in.
    static constexpr int MinimumLength = 8;
    // Bounds the work one request can ask for; no one types more.
    static constexpr int MaximumBytes = 1024;

    // argon2id cost for new hashes: ~125 ms per login on the appliance (2 cores),
    // above OWASP's floor (m=19 MiB, t=2, p=1).
    static constexpr quint32 MemoryKiB = 65536;
    static constexpr quint32 Iterations = 3;
    static constexpr quint32 Parallelism = 1;

    // Checks a password someone is choosing: VALIDATION_ERROR with a message to act on.
    static Result<void> validateNew(const QString &password);

    // argon2id PHC string "$argon2id$v=19$m=...,t=...,p=...$salt$hash" with a
    // 16-byte random salt. Refuses passwords over MaximumBytes.
    static Result<QString> hash(const QString &password);

    // Checks a password against a stored argon2id or bcrypt ($2a$/$2b$/$2y$) hash.
    // An empty, unknown or damaged hash never matches.
    static PasswordCheck verify(const QString &password, const QString &storedHash);
};

} // namespace caiwu
