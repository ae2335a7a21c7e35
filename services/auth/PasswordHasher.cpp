#include "PasswordHasher.h"

#include <argon2.h>
#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <QRegularExpression>

#include <cstring>

namespace caiwu {

namespace {

constexpr int SaltBytes = 16;
constexpr int HashBytes = 32;
// Limits on a stored hash's cost, so a damaged or planted row cannot make one login
// allocate gigabytes or spin for minutes.
constexpr quint64 MaxStoredMemoryKiB = 1024 * 1024;
constexpr quint64 MaxStoredIterations = 32;
constexpr quint64 MaxStoredParallelism = 16;
constexpr int MaxStoredBcryptCost = 16;   // the reference used 10

// Zeroes the UTF-8 copy of a password when it goes out of scope.
struct PasswordBytes {
    explicit PasswordBytes(const QString &password) : bytes(password.toUtf8()) {}
    ~PasswordBytes()
    {
        if (!bytes.isEmpty())
            OPENSSL_cleanse(bytes.data(), size_t(bytes.size()));
    }
    PasswordBytes(const PasswordBytes &) = delete;
    PasswordBytes &operator=(const PasswordBytes &) = delete;
    QByteArray bytes;
};

PasswordCheck verifyArgon2id(const QByteArray &password, const QByteArray &stored)
{
    static const QRegularExpression shape(QStringLiteral(
        "^\\$argon2id\\$v=(\\d{1,3})\\$m=(\\d{1,10}),t=(\\d{1,10}),p=(\\d{1,3})"
        "\\$[A-Za-z0-9+/]{11,}\\$[A-Za-z0-9+/]{11,}$"));
    const auto match = shape.match(QString::fromLatin1(stored));
    if (!match.hasMatch())
        return {};
    const quint64 version = match.captured(1).toULongLong();
    const quint64 memory = match.captured(2).toULongLong();
    const quint64 iterations = match.captured(3).toULongLong();
    const quint64 parallelism = match.captured(4).toULongLong();
    if (memory > MaxStoredMemoryKiB || iterations > MaxStoredIterations || parallelism > MaxStoredParallelism)
        return {};
    // argon2id_verify compares in constant time and rejects what it cannot decode.
    if (argon2id_verify(stored.constData(), password.constData(), size_t(password.size())) != ARGON2_OK)
        return {};
    const bool weaker = version != ARGON2_VERSION_13 || memory < PasswordHasher::MemoryKiB
        || iterations < PasswordHasher::Iterations;
    return {true, weaker};
}

PasswordCheck verifyBcrypt(const QByteArray &password, const QByteArray &stored)
{
    static const QRegularExpression shape(QStringLiteral("^\\$2[aby]\\$(\\d\\d)\\$[./A-Za-z0-9]{53}$"));
    const auto match = shape.match(QString::fromLatin1(stored));
    if (!match.hasMatch() || match.captured(1).toInt() > MaxStoredBcryptCost)
        return {};
    // crypt reads a C string: a NUL would cut the password short and match its prefix.
    if (password.contains('\0'))
        return {};
    crypt_data data;
    std::memset(&data, 0, sizeof data);
    const char *result = crypt_rn(password.constData(), stored.constData(), &data, int(sizeof data));
    const bool matches = result && std::strlen(result) == size_t(stored.size())
        && CRYPTO_memcmp(result, stored.constData(), size_t(stored.size())) == 0;
    OPENSSL_cleanse(&data, sizeof data);   // holds the key schedule derived from the password
    return {matches, matches};
}

} // namespace

Result<void> PasswordHasher::validateNew(const QString &password)
{
    if (password.toUtf8().size() > MaximumBytes)
        return AppError::validation(
            QStringLiteral("The password is too long: at most %1 bytes (about 340 Chinese characters).").arg(MaximumBytes));
    for (const QChar c : password) {
        if (c.category() == QChar::Other_Control)
            return AppError::validation(QStringLiteral("The password cannot contain control characters such as tabs or line breaks."));
    }
    if (password.toUcs4().size() < MinimumLength)
        return AppError::validation(QStringLiteral("The password needs at least %1 characters.").arg(MinimumLength));
    if (password.trimmed().isEmpty())
        return AppError::validation(QStringLiteral("The password cannot be only spaces."));
    return {};
}

Result<QString> PasswordHasher::hash(const QString &password)
{
    const PasswordBytes pwd(password);
    if (pwd.bytes.isEmpty() || pwd.bytes.size() > MaximumBytes)
        return AppError::validation(QStringLiteral("The password must be 1 to %1 bytes long.").arg(MaximumBytes));
    unsigned char salt[SaltBytes];
    if (RAND_bytes(salt, SaltBytes) != 1)
        return AppError::internal(QStringLiteral("the system's random number generator failed"));
    QByteArray encoded(qsizetype(argon2_encodedlen(Iterations, MemoryKiB, Parallelism, SaltBytes, HashBytes, Argon2_id)), '\0');
    const int rc = argon2id_hash_encoded(Iterations, MemoryKiB, Parallelism, pwd.bytes.constData(), size_t(pwd.bytes.size()),
                                         salt, SaltBytes, HashBytes, encoded.data(), size_t(encoded.size()));
    if (rc != ARGON2_OK)
        return AppError::internal(QStringLiteral("password hashing failed: %1").arg(QString::fromLatin1(argon2_error_message(rc))));
    return QString::fromLatin1(encoded.constData());   // stops at argon2's terminating NUL
}

PasswordCheck PasswordHasher::verify(const QString &password, const QString &storedHash)
{
    const PasswordBytes pwd(password);
    if (pwd.bytes.isEmpty() || pwd.bytes.size() > MaximumBytes || storedHash.size() > 512)
        return {};
    const QByteArray stored = storedHash.toLatin1();
    if (stored.startsWith("$argon2id$"))
        return verifyArgon2id(pwd.bytes, stored);
    if (stored.startsWith("$2"))
        return verifyBcrypt(pwd.bytes, stored);
    return {};
}

} // namespace caiwu
