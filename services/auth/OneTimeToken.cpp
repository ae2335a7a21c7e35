#include "OneTimeToken.h"

#include <QCryptographicHash>

#include <openssl/rand.h>

#include <stdexcept>

namespace caiwu::OneTimeToken {

QString generate(int bytes)
{
    QByteArray random(bytes, Qt::Uninitialized);
    // RAND_bytes only fails if the system's entropy source is gone; a guessable token is worse than no answer.
    if (RAND_bytes(reinterpret_cast<unsigned char *>(random.data()), bytes) != 1)
        throw std::runtime_error("the system random number generator failed");
    return QString::fromLatin1(random.toHex());
}

QString digest(const QString &token)
{
    return QString::fromLatin1(QCryptographicHash::hash(token.toUtf8(), QCryptographicHash::Sha256).toHex());
}

QString deviceFingerprint(const QString &userId, const QString &ip, const QString &userAgent)
{
    const QByteArray hash = QCryptographicHash::hash((userId + QLatin1Char(':') + ip + QLatin1Char(':') + userAgent).toUtf8(),
                                                     QCryptographicHash::Sha256);
    return QStringLiteral("device_") + QString::fromLatin1(hash.toHex().left(32));
}

} // namespace caiwu::OneTimeToken
