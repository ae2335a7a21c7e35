#pragma once

#include "SecretStore.h"

#include <QMutex>
#include <QSet>

namespace caiwu {

// Secrets as systemd credentials, for a headless server: each secret is
// <data root>/credentials/NAME.cred, encrypted by `systemd-creds` with the host key
// (/var/lib/systemd/credential.secret) or the TPM, so the file alone is useless elsewhere.
// When Caiwu runs as its systemd service with LoadCredentialEncrypted=, systemd has already
// decrypted them into $CREDENTIALS_DIRECTORY, which is read first.
class SystemdCredsSecretStore final : public SecretStore {
public:
    explicit SystemdCredsSecretStore(const DataPaths &paths);

    QString backend() const override;
    QString location() const override;

    Result<std::optional<QByteArray>> read(const QString &name) override;
    Result<void> write(const QString &name, const QByteArray &value) override;
    Result<void> remove(const QString &name) override;

    // `systemd-creds` is installed and can encrypt on this host for this user.
    // The error only says why not; openSecretStore adds what to do.
    static Result<void> probe();
    // $CREDENTIALS_DIRECTORY when systemd handed us credentials, else empty.
    static QString credentialsDirectory();

private:
    QString credFile(const QString &name) const;
    bool changedHere(const QString &name) const;
    void markChangedHere(const QString &name);

    QString m_dir;
    mutable QMutex m_mutex; // guards m_changedHere: the mail and HTTP threads may share a store
    // Names written or removed by this process: systemd's copy in $CREDENTIALS_DIRECTORY
    // is from service start, so for these the .cred file is the newer truth.
    QSet<QString> m_changedHere;
};

} // namespace caiwu
