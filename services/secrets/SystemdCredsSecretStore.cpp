#include "SystemdCredsSecretStore.h"

#include "SecretStoreErrors.h"
#include "core/FileSync.h"
#include "core/Log.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace caiwu {

namespace {

constexpr int kProcessTimeoutMs = 30000; // a TPM can take seconds; a hung tool must not hang us

QString credsProgram() { return QStandardPaths::findExecutable(QStringLiteral("systemd-creds")); }

QString fixHint()
{
    return QStringLiteral("run Caiwu as root or as its systemd service so systemd-creds can use the host key "
                          "or TPM, or log in to a desktop session with a keyring (GNOME Keyring, KWallet) and "
                          "set secrets.backend to \"keychain\"");
}

// Runs systemd-creds with `input` on its standard input (a secret never goes on a command
// line: argv is readable by every user in /proc) and returns its standard output. The error
// says only why systemd-creds failed; callers add what they were doing.
Result<QByteArray> runCreds(const QStringList &arguments, const QByteArray &input)
{
    const QString program = credsProgram();
    if (program.isEmpty())
        return secretStoreUnavailable(
            QStringLiteral("systemd-creds is not installed (it comes with systemd 250 or newer)"));
    QProcess process;
    // Files systemd-creds creates are born owner-only, not readable in the window before chmod.
    process.setChildProcessModifier([] { ::umask(077); });
    process.start(program, arguments);
    if (!process.waitForStarted(kProcessTimeoutMs))
        return secretStoreUnavailable(QStringLiteral("systemd-creds did not start (%1)").arg(process.errorString()));
    process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(kProcessTimeoutMs)) {
        process.kill();
        process.waitForFinished(1000);
        return secretStoreUnavailable(
            QStringLiteral("systemd-creds did not finish within %1 s").arg(kProcessTimeoutMs / 1000));
    }
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        const QString stderrText = QString::fromLocal8Bit(process.readAllStandardError()).trimmed().left(800);
        return secretStoreUnavailable(QStringLiteral("systemd-creds failed (exit code %1): %2")
                                          .arg(process.exitCode())
                                          .arg(stderrText.isEmpty() ? QStringLiteral("no message") : stderrText));
    }
    return process.readAllStandardOutput();
}

AppError failedTo(const QString &what, const AppError &reason)
{
    return secretStoreUnavailable(QStringLiteral("cannot %1: %2; %3").arg(what, reason.message, fixHint()));
}

} // namespace

SystemdCredsSecretStore::SystemdCredsSecretStore(const DataPaths &paths) : m_dir(paths.credentials()) {}

QString SystemdCredsSecretStore::credentialsDirectory()
{
    return qEnvironmentVariable("CREDENTIALS_DIRECTORY");
}

QString SystemdCredsSecretStore::backend() const { return QStringLiteral("systemd-creds"); }

QString SystemdCredsSecretStore::location() const
{
    QString where = QStringLiteral("systemd credentials in %1 (NAME.cred, encrypted with the host key or TPM)")
                        .arg(m_dir);
    const QString handed = credentialsDirectory();
    if (!handed.isEmpty())
        where += QStringLiteral(", read first from $CREDENTIALS_DIRECTORY (%1)").arg(handed);
    return where;
}

QString SystemdCredsSecretStore::credFile(const QString &name) const
{
    return m_dir + QLatin1Char('/') + name + QStringLiteral(".cred");
}

bool SystemdCredsSecretStore::changedHere(const QString &name) const
{
    QMutexLocker lock(&m_mutex);
    return m_changedHere.contains(name);
}

void SystemdCredsSecretStore::markChangedHere(const QString &name)
{
    QMutexLocker lock(&m_mutex);
    m_changedHere.insert(name);
}

Result<std::optional<QByteArray>> SystemdCredsSecretStore::read(const QString &name)
{
    if (auto valid = checkSecretName(name); !valid)
        return valid.error();

    const QString handed = credentialsDirectory();
    if (!handed.isEmpty() && !changedHere(name)) {
        QFile file(handed + QLatin1Char('/') + name);
        if (file.exists()) {
            if (!file.open(QIODevice::ReadOnly))
                return secretStoreUnavailable(QStringLiteral("cannot read the secret %1 from $CREDENTIALS_DIRECTORY "
                                                             "(%2): %3; check the service's LoadCredentialEncrypted=")
                                                  .arg(name, handed, file.errorString()));
            return std::optional<QByteArray>{file.readAll()};
        }
    }

    const QString path = credFile(name);
    if (!QFileInfo::exists(path))
        return std::optional<QByteArray>{};
    auto plain = runCreds({QStringLiteral("decrypt"), QStringLiteral("--name=") + name, path, QStringLiteral("-")}, {});
    if (!plain)
        return failedTo(QStringLiteral("decrypt the secret %1 from %2").arg(name, path), plain.error());
    return std::optional<QByteArray>{std::move(plain).value()};
}

Result<void> SystemdCredsSecretStore::write(const QString &name, const QByteArray &value)
{
    if (auto valid = checkSecretName(name); !valid)
        return valid.error();
    if (!QDir().mkpath(m_dir))
        return secretStoreUnavailable(
            QStringLiteral("cannot store the secret %1: cannot create the folder %2; check that it is writable")
                .arg(name, m_dir));
    QFile::setPermissions(m_dir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);

    // Encrypt beside the target and rename over it: a crash leaves the old secret or the
    // new one, never half a file.
    const QString target = credFile(name);
    const QString temp = m_dir + QStringLiteral("/.") + name + QStringLiteral(".cred.tmp-")
        + QString::number(QRandomGenerator::global()->generate64(), 16);
    const QByteArray tempName = QFile::encodeName(temp);
    auto fail = [&](const QString &message) -> Result<void> {
        ::unlink(tempName.constData());
        return secretStoreUnavailable(message);
    };

    auto encrypted = runCreds({QStringLiteral("encrypt"), QStringLiteral("--name=") + name, QStringLiteral("-"), temp},
                              value);
    if (!encrypted) {
        ::unlink(tempName.constData());
        return failedTo(QStringLiteral("encrypt the secret %1").arg(name), encrypted.error());
    }
    if (::chmod(tempName.constData(), 0600) != 0)
        return fail(QStringLiteral("cannot store the secret %1: cannot make %2 owner-only: %3")
                        .arg(name, temp, QString::fromLocal8Bit(strerror(errno))));
    if (!FileSync::flushFile(temp))
        return fail(QStringLiteral("cannot store the secret %1: cannot flush %2 to disk: %3")
                        .arg(name, temp, QString::fromLocal8Bit(strerror(errno))));
    if (::rename(tempName.constData(), QFile::encodeName(target).constData()) != 0)
        return fail(QStringLiteral("cannot store the secret %1: cannot rename %2 to %3: %4")
                        .arg(name, temp, target, QString::fromLocal8Bit(strerror(errno))));
    FileSync::flushFolder(m_dir);

    markChangedHere(name);
    qCInfo(lcSecrets) << "stored" << name << "as a systemd credential in" << target;
    return {};
}

Result<void> SystemdCredsSecretStore::remove(const QString &name)
{
    if (auto valid = checkSecretName(name); !valid)
        return valid.error();
    const QString target = credFile(name);
    if (::unlink(QFile::encodeName(target).constData()) != 0 && errno != ENOENT)
        return secretStoreUnavailable(QStringLiteral("cannot remove the secret %1: cannot delete %2: %3")
                                          .arg(name, target, QString::fromLocal8Bit(strerror(errno))));
    FileSync::flushFolder(m_dir);
    // systemd's copy in $CREDENTIALS_DIRECTORY is read-only; it is gone after the next restart.
    markChangedHere(name);
    qCInfo(lcSecrets) << "removed" << name << "from" << m_dir;
    return {};
}

Result<void> SystemdCredsSecretStore::probe()
{
    // Encrypting a dummy value to stdout shows the tool runs and may use the host key or TPM.
    auto encrypted = runCreds({QStringLiteral("encrypt"), QStringLiteral("--name=probe"), QStringLiteral("-"),
                               QStringLiteral("-")},
                              QByteArrayLiteral("probe"));
    if (!encrypted)
        return encrypted.error();
    return {};
}

} // namespace caiwu
