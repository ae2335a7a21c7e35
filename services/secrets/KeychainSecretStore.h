#pragma once

#include "SecretStore.h"

#include <chrono>

namespace caiwu {

// Secrets in the desktop keychain through QtKeychain (Secret Service such as GNOME Keyring
// or KWallet on Linux, the Keychain on macOS, Credential Manager on Windows).
// Entries are filed under the service "caiwu:<data root>", so two Caiwu instances with
// different data folders (parallel tests, a training copy) never see each other's secrets.
// Use it from one thread: QtKeychain runs its jobs one after another on the thread that
// created them, and each call here waits for its job in a local event loop (which also
// delivers that thread's other events meanwhile, so call it where that is safe).
class KeychainSecretStore final : public SecretStore {
public:
    explicit KeychainSecretStore(const DataPaths &paths,
                                 std::chrono::milliseconds timeout = std::chrono::seconds(10));

    static QString serviceFor(const DataPaths &paths);

    QString backend() const override;
    QString location() const override;

    Result<std::optional<QByteArray>> read(const QString &name) override;
    Result<void> write(const QString &name, const QByteArray &value) override;
    Result<void> remove(const QString &name) override;

    // The keychain answers a read (found or not found) within `timeout`: it is usable.
    // The error only says why not; openSecretStore adds what to do.
    Result<void> probe(std::chrono::milliseconds timeout);

private:
    QString m_service;
    std::chrono::milliseconds m_timeout;
};

} // namespace caiwu
