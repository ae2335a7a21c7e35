#pragma once

#include "core/DataPaths.h"
#include "core/Result.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

namespace caiwu {

// The appliance's secrets. They live only in a SecretStore: never in the SQLite file,
// the config file or a log.
namespace SecretName {
inline const QString JwtKey = QStringLiteral("AUTH_JWT_SECRET");
inline const QString EmailToken = QStringLiteral("EMAIL_TOKEN");
inline const QString SmtpPassword = QStringLiteral("SMTP_PASSWORD");
inline const QString TlsKeyPass = QStringLiteral("TLS_KEY_PASS");
inline QStringList all() { return {JwtKey, EmailToken, SmtpPassword, TlsKeyPass}; }
} // namespace SecretName

// Where secrets are kept: the desktop keychain (QtKeychain) or, on a headless server,
// systemd credentials encrypted with the host key or TPM.
class SecretStore {
public:
    virtual ~SecretStore() = default;

    // "keychain" or "systemd-creds".
    virtual QString backend() const = 0;
    // For `caiwu secrets status` and the GUI: where the secrets are, in words.
    virtual QString location() const = 0;

    // No value stored is std::nullopt, not an error; an error means the store did not answer.
    virtual Result<std::optional<QByteArray>> read(const QString &name) = 0;
    virtual Result<void> write(const QString &name, const QByteArray &value) = 0;
    virtual Result<void> remove(const QString &name) = 0;
};

// Opens the backend that `choice` names ("auto", "keychain", "systemd-creds"). With
// "auto": the keychain when one answers on the session bus, else systemd credentials
// when they work on this host, else an error that names both ways to fix it.
Result<std::unique_ptr<SecretStore>> openSecretStore(const QString &choice, const DataPaths &paths);

// AUTH_JWT_SECRET, generated on first start (32 random bytes) when the store has none.
Result<QByteArray> ensureJwtSecret(SecretStore &store);

} // namespace caiwu
