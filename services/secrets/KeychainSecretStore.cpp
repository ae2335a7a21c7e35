#include "KeychainSecretStore.h"

#include "SecretStoreErrors.h"
#include "core/Log.h"

#include <qt6keychain/keychain.h>

#include <QEventLoop>
#include <QTimer>

namespace caiwu {

namespace {

// What a finished (or abandoned) QtKeychain job reported.
struct JobOutcome {
    bool timedOut = false;
    QKeychain::Error error = QKeychain::NoError;
    QString errorString;
    QByteArray data;
};

// QtKeychain only answers asynchronously; the store's API is synchronous, so wait for the
// job in a local event loop, but never longer than `timeout`: a hung D-Bus must not hang
// the appliance's start. An abandoned job keeps auto-delete and cleans up after itself
// whenever it ends; its late answer goes nowhere because the connection dies with `loop`.
JobOutcome runToCompletion(QKeychain::Job *job, std::chrono::milliseconds timeout)
{
    JobOutcome outcome;
    bool finished = false;
    QEventLoop loop;
    QObject::connect(job, &QKeychain::Job::finished, &loop, [&](QKeychain::Job *done) {
        finished = true;
        outcome.error = done->error();
        outcome.errorString = done->errorString();
        if (auto *readJob = qobject_cast<QKeychain::ReadPasswordJob *>(done))
            outcome.data = readJob->binaryData();
        loop.quit();
    });
    QTimer::singleShot(timeout, &loop, &QEventLoop::quit);
    job->setAutoDelete(true);
    // Never let QtKeychain keep a secret in a plain QSettings file when the keychain fails.
    job->setInsecureFallback(false);
    job->start();
    if (!finished)
        loop.exec(QEventLoop::ExcludeUserInputEvents);
    outcome.timedOut = !finished;
    return outcome;
}

QString fixHint()
{
    return QStringLiteral("check that a keyring (GNOME Keyring, KWallet) is running and unlocked in this "
                          "desktop session, or set secrets.backend to \"systemd-creds\" when Caiwu runs "
                          "as root or as its systemd service");
}

// Why the keychain failed, without advice: the probe's callers add their own.
QString reasonOf(const JobOutcome &outcome, std::chrono::milliseconds timeout)
{
    if (outcome.timedOut)
        return QStringLiteral("the keychain did not answer within %1 ms").arg(timeout.count());
    return QStringLiteral("the keychain said: %1 (QtKeychain error %2)")
        .arg(outcome.errorString.isEmpty() ? QStringLiteral("no details") : outcome.errorString)
        .arg(int(outcome.error));
}

AppError jobFailed(const char *what, const QString &name, const QString &service, const JobOutcome &outcome,
                   std::chrono::milliseconds timeout)
{
    qCWarning(lcSecrets).noquote() << "keychain:" << what << name << "failed:" << reasonOf(outcome, timeout);
    return secretStoreUnavailable(QStringLiteral("cannot %1 the secret %2 in the keychain (service \"%3\"): %4; %5")
                                      .arg(QString::fromLatin1(what), name, service, reasonOf(outcome, timeout),
                                           fixHint()));
}

} // namespace

KeychainSecretStore::KeychainSecretStore(const DataPaths &paths, std::chrono::milliseconds timeout)
    : m_service(serviceFor(paths)), m_timeout(timeout)
{
}

QString KeychainSecretStore::serviceFor(const DataPaths &paths)
{
    return QStringLiteral("caiwu:") + paths.root();
}

QString KeychainSecretStore::backend() const { return QStringLiteral("keychain"); }

QString KeychainSecretStore::location() const
{
    return QStringLiteral("the desktop keychain (Secret Service, KWallet, macOS Keychain or Windows Credential "
                          "Manager), service \"%1\"")
        .arg(m_service);
}

Result<std::optional<QByteArray>> KeychainSecretStore::read(const QString &name)
{
    if (auto valid = checkSecretName(name); !valid)
        return valid.error();
    auto *job = new QKeychain::ReadPasswordJob(m_service);
    job->setKey(name);
    const JobOutcome outcome = runToCompletion(job, m_timeout);
    if (!outcome.timedOut && outcome.error == QKeychain::EntryNotFound)
        return std::optional<QByteArray>{};
    if (outcome.timedOut || outcome.error != QKeychain::NoError) {
        return jobFailed("read", name, m_service, outcome, m_timeout);
    }
    return std::optional<QByteArray>{outcome.data};
}

Result<void> KeychainSecretStore::write(const QString &name, const QByteArray &value)
{
    if (auto valid = checkSecretName(name); !valid)
        return valid.error();
    auto *job = new QKeychain::WritePasswordJob(m_service);
    job->setKey(name);
    // Binary data keeps NUL bytes and non-UTF-8 values intact.
    job->setBinaryData(value);
    const JobOutcome outcome = runToCompletion(job, m_timeout);
    if (outcome.timedOut || outcome.error != QKeychain::NoError) {
        return jobFailed("store", name, m_service, outcome, m_timeout);
    }
    qCInfo(lcSecrets) << "stored" << name << "in the keychain";
    return {};
}

Result<void> KeychainSecretStore::remove(const QString &name)
{
    if (auto valid = checkSecretName(name); !valid)
        return valid.error();
    auto *job = new QKeychain::DeletePasswordJob(m_service);
    job->setKey(name);
    const JobOutcome outcome = runToCompletion(job, m_timeout);
    // Removing what is not there leaves the store as the caller wants it.
    if (!outcome.timedOut && (outcome.error == QKeychain::NoError || outcome.error == QKeychain::EntryNotFound)) {
        qCInfo(lcSecrets) << "removed" << name << "from the keychain";
        return {};
    }
    return jobFailed("remove", name, m_service, outcome, m_timeout);
}

Result<void> KeychainSecretStore::probe(std::chrono::milliseconds timeout)
{
    auto *job = new QKeychain::ReadPasswordJob(m_service);
    job->setKey(QStringLiteral("CAIWU_PROBE"));
    const JobOutcome outcome = runToCompletion(job, timeout);
    if (!outcome.timedOut && (outcome.error == QKeychain::NoError || outcome.error == QKeychain::EntryNotFound))
        return {};
    return secretStoreUnavailable(reasonOf(outcome, timeout) + QStringLiteral(" (service \"%1\")").arg(m_service));
}

} // namespace caiwu
