#pragma once

#include "core/AppError.h"
#include "core/Result.h"

#include <QRegularExpression>
#include <QString>

namespace caiwu {

// The errors every secret backend returns, so callers see one code whichever backend runs.
// Messages name the secret and the fix, never the value.

inline AppError secretStoreUnavailable(const QString &message)
{
    return AppError{503, QByteArrayLiteral("SECRET_STORE_UNAVAILABLE"), message, {}};
}

// Names are upper-case identifiers (AUTH_JWT_SECRET): they become file names for
// systemd credentials, so nothing like "../x" may ever reach a path.
inline Result<void> checkSecretName(const QString &name)
{
    static const QRegularExpression valid(QStringLiteral("^[A-Z0-9_]{1,64}$"));
    if (!valid.match(name).hasMatch())
        return AppError::validation(
            QStringLiteral("invalid secret name \"%1\": use 1 to 64 of A-Z, 0-9 and _").arg(name.left(80)));
    return {};
}

} // namespace caiwu
