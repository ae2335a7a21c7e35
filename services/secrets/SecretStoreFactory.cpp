#include "SecretStore.h"

#include "KeychainSecretStore.h"
#include "SecretStoreErrors.h"
#include "SystemdCredsSecretStore.h"
#include "core/Log.h"

#include <QFileInfo>
#include <QRandomGenerator>

#include <array>

namespace caiwu {

namespace {

// Long enough for a keyring that starts on demand, short enough not to stall a headless start.
constexpr std::chrono::seconds kKeychainProbeTimeout{5};
constexpr qsizetype kJwtSecretBytes = 32;

// Without a session bus no keychain can answer, and asking would only wait for a timeout.
bool sessionBusReachable()
{
    if (!qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"))
        return true;
    const QString runtimeDir = qEnvironmentVariable("XDG_RUNTIME_DIR");
    return !runtimeDir.isEmpty() && QFileInfo::exists(runtimeDir + QStringLiteral("/bus"));
}

QString bothWaysToFix()
{
    return QStringLiteral(
        "Either log in to a desktop session with a keyring (GNOME Keyring, KWallet) and start Caiwu there "
        "(secrets.backend \"keychain\"), or run Caiwu as root or as its systemd service so systemd-creds can "
        "use the host key or TPM (secrets.backend \"systemd-creds\"). Leave secrets.backend at \"auto\" to "
        "let Caiwu pick whichever works. Caiwu never keeps secrets in a plain file.");
}

// Each opener says why its backend cannot be used, or hands it over.
Result<std::unique_ptr<SecretStore>> openKeychain(const DataPaths &paths)
{
    if (!sessionBusReachable())
        return secretStoreUnavailable(QStringLiteral("there is no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is "
                                                     "unset and $XDG_RUNTIME_DIR/bus does not exist)"));
    auto store = std::make_unique<KeychainSecretStore>(paths);
    if (auto probed = store->probe(kKeychainProbeTimeout); !probed)
        return probed.error();
    return std::unique_ptr<SecretStore>(std::move(store));
}

Result<std::unique_ptr<SecretStore>> openSystemdCreds(const DataPaths &paths)
{
    // Under the service unit systemd has already decrypted the secrets for us; the tool itself
    // may be out of reach there (a non-root service cannot read the host key), which only
    // matters when a secret must be written, and then that write says so.
    if (SystemdCredsSecretStore::credentialsDirectory().isEmpty()) {
        if (auto probed = SystemdCredsSecretStore::probe(); !probed)
            return probed.error();
    }
    return std::unique_ptr<SecretStore>(std::make_unique<SystemdCredsSecretStore>(paths));
}

AppError unusable(const QString &backend, const AppError &reason)
{
    return secretStoreUnavailable(QStringLiteral("secrets.backend is \"%1\" but it cannot be used here: %2. ")
                                      .arg(backend, reason.message)
                                  + bothWaysToFix());
}

} // namespace

Result<std::unique_ptr<SecretStore>> openSecretStore(const QString &choice, const DataPaths &paths)
{
    const QString backend = choice.trimmed().toLower();
    if (backend == QLatin1String("keychain") || backend == QLatin1String("systemd-creds")) {
        auto store = backend == QLatin1String("keychain") ? openKeychain(paths) : openSystemdCreds(paths);
        if (!store)
            return unusable(backend, store.error());
        qCInfo(lcSecrets).noquote() << "secrets: using" << (*store)->location();
        return store;
    }
    if (!backend.isEmpty() && backend != QLatin1String("auto"))
        return AppError::validation(
            QStringLiteral("secrets.backend is \"%1\"; use \"auto\", \"keychain\" or \"systemd-creds\"").arg(choice));

    auto keychain = openKeychain(paths);
    if (keychain) {
        qCInfo(lcSecrets).noquote() << "secrets: using" << (*keychain)->location();
        return keychain;
    }
    auto creds = openSystemdCreds(paths);
    if (creds) {
        qCInfo(lcSecrets).noquote() << QStringLiteral("secrets: no keychain (%1); using %2")
                                           .arg(keychain.error().message, (*creds)->location());
        return creds;
    }
    return secretStoreUnavailable(
        QStringLiteral("no secret store is available. The keychain: %1. systemd credentials: %2. ")
            .arg(keychain.error().message, creds.error().message)
        + bothWaysToFix());
}

Result<QByteArray> ensureJwtSecret(SecretStore &store)
{
    auto existing = store.read(SecretName::JwtKey);
    if (!existing)
        return existing.error();
    if (existing->has_value() && !(*existing)->isEmpty())
        return **existing;

    std::array<quint32, kJwtSecretBytes / sizeof(quint32)> words;
    QRandomGenerator::system()->fillRange(words.data(), words.size());
    const QByteArray secret(reinterpret_cast<const char *>(words.data()), kJwtSecretBytes);

    if (auto written = store.write(SecretName::JwtKey, secret); !written)
        return written.error();
    // Read it back: a store that accepts a write but returns something else would sign
    // tokens with a key nobody can verify after the next start.
    auto check = store.read(SecretName::JwtKey);
    if (!check)
        return check.error();
    if (!check->has_value() || **check != secret)
        return secretStoreUnavailable(
            QStringLiteral("%1 was written to %2 but reading it back returned a different value; the secret "
                           "store is not keeping what it is given")
                .arg(SecretName::JwtKey, store.location()));
    qCInfo(lcSecrets) << "generated a new" << SecretName::JwtKey << "in" << store.location();
    return secret;
}

} // namespace caiwu
