// The headless backend: secrets encrypted by the real systemd-creds, with no session bus in sight.
#include "secrets/SecretStore.h"
#include "secrets/SystemdCredsSecretStore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace caiwu;

namespace {
// The error message of a failed Result for QVERIFY2, empty when it succeeded.
template<typename R>
QByteArray failure(const R &result)
{
    return result.ok() ? QByteArray() : result.error().message.toUtf8();
}
} // namespace

class SystemdCredsSecretStoreTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        // Look like a headless server: no session bus, an empty runtime folder.
        QVERIFY(m_runtime.isValid());
        qunsetenv("DBUS_SESSION_BUS_ADDRESS");
        qputenv("XDG_RUNTIME_DIR", QFile::encodeName(m_runtime.path()));
        qunsetenv("CREDENTIALS_DIRECTORY");

        if (auto usable = SystemdCredsSecretStore::probe(); !usable)
            QSKIP(qPrintable(QStringLiteral("systemd-creds is not usable here (it needs root or the TPM): ")
                             + usable.error().message));
    }

    void cleanup() { qunsetenv("CREDENTIALS_DIRECTORY"); }

    void writeReadRemove()
    {
        QTemporaryDir root;
        DataPaths paths(root.path());
        SystemdCredsSecretStore store(paths);
        QCOMPARE(store.backend(), QStringLiteral("systemd-creds"));

        const QByteArray value = QByteArrayLiteral("smtp-password-\x01\x02-plaintext-marker");
        auto written = store.write(SecretName::SmtpPassword, value);
        QVERIFY2(written, failure(written).constData());

        const QString file = paths.credentials() + QStringLiteral("/SMTP_PASSWORD.cred");
        QVERIFY(QFileInfo::exists(file));
        struct stat info {};
        QCOMPARE(::stat(QFile::encodeName(file).constData(), &info), 0);
        QCOMPARE(int(info.st_mode & 07777), 0600);
        QCOMPARE(::stat(QFile::encodeName(paths.credentials()).constData(), &info), 0);
        QCOMPARE(int(info.st_mode & 07777), 0700);
        QFile raw(file);
        QVERIFY(raw.open(QIODevice::ReadOnly));
        const QByteArray onDisk = raw.readAll();
        QVERIFY(!onDisk.isEmpty());
        QVERIFY(!onDisk.contains(value));
        QVERIFY(!onDisk.contains("plaintext-marker"));
        // No temporary file is left beside it.
        QCOMPARE(QDir(paths.credentials()).entryList(QDir::Files | QDir::Hidden),
                 QStringList{QStringLiteral("SMTP_PASSWORD.cred")});

        auto read = store.read(SecretName::SmtpPassword);
        QVERIFY2(read, failure(read).constData());
        QCOMPARE(read->value_or(QByteArray()), value);

        QVERIFY(store.write(SecretName::SmtpPassword, QByteArrayLiteral("changed")));
        read = store.read(SecretName::SmtpPassword);
        QVERIFY(read);
        QCOMPARE(read->value_or(QByteArray()), QByteArrayLiteral("changed"));

        QVERIFY(store.remove(SecretName::SmtpPassword));
        QVERIFY(!QFileInfo::exists(file));
        read = store.read(SecretName::SmtpPassword);
        QVERIFY(read);
        QVERIFY(!read->has_value());
        QVERIFY(store.remove(SecretName::SmtpPassword));
    }

    void binaryValueWithNulBytes()
    {
        QTemporaryDir root;
        SystemdCredsSecretStore store{DataPaths(root.path())};
        const QByteArray value("\0key\0\xff\xfe\0", 9);
        QVERIFY(store.write(SecretName::TlsKeyPass, value));
        auto read = store.read(SecretName::TlsKeyPass);
        QVERIFY(read);
        QCOMPARE(read->value_or(QByteArray()), value);
    }

    void missingIsNullopt()
    {
        QTemporaryDir root;
        SystemdCredsSecretStore store{DataPaths(root.path())};
        auto read = store.read(SecretName::EmailToken);
        QVERIFY(read);
        QVERIFY(!read->has_value());
    }

    void valueSurvivesANewInstance()
    {
        QTemporaryDir root;
        DataPaths paths(root.path());
        {
            SystemdCredsSecretStore writer(paths);
            QVERIFY(writer.write(SecretName::EmailToken, QByteArrayLiteral("persisted token")));
        }
        SystemdCredsSecretStore reader(paths);
        auto read = reader.read(SecretName::EmailToken);
        QVERIFY(read);
        QCOMPARE(read->value_or(QByteArray()), QByteArrayLiteral("persisted token"));
    }

    void credentialsDirectoryTakesPrecedence()
    {
        QTemporaryDir root;
        QTemporaryDir handed;
        DataPaths paths(root.path());
        {
            SystemdCredsSecretStore writer(paths);
            QVERIFY(writer.write(SecretName::EmailToken, QByteArrayLiteral("from the .cred file")));
        }
        QFile loaded(handed.filePath(QStringLiteral("EMAIL_TOKEN")));
        QVERIFY(loaded.open(QIODevice::WriteOnly));
        loaded.write("from systemd");
        loaded.close();
        qputenv("CREDENTIALS_DIRECTORY", QFile::encodeName(handed.path()));

        SystemdCredsSecretStore store(paths);
        QVERIFY(store.location().contains(handed.path()));
        auto read = store.read(SecretName::EmailToken);
        QVERIFY(read);
        QCOMPARE(read->value_or(QByteArray()), QByteArrayLiteral("from systemd"));

        // A name systemd did not hand over still comes from the data folder.
        QVERIFY(store.write(SecretName::SmtpPassword, QByteArrayLiteral("only in the data folder")));
        SystemdCredsSecretStore fresh(paths);
        read = fresh.read(SecretName::SmtpPassword);
        QVERIFY(read);
        QCOMPARE(read->value_or(QByteArray()), QByteArrayLiteral("only in the data folder"));

        // What this process writes wins over systemd's copy from service start.
        QVERIFY(store.write(SecretName::EmailToken, QByteArrayLiteral("rotated")));
        read = store.read(SecretName::EmailToken);
        QVERIFY(read);
        QCOMPARE(read->value_or(QByteArray()), QByteArrayLiteral("rotated"));
    }

    void swappedOrDamagedFileIsAnError()
    {
        QTemporaryDir root;
        DataPaths paths(root.path());
        SystemdCredsSecretStore store(paths);
        QVERIFY(store.write(SecretName::EmailToken, QByteArrayLiteral("email-token-value")));

        // A credential is bound to its name: EMAIL_TOKEN.cred copied over AUTH_JWT_SECRET.cred
        // must not become the JWT key.
        const QString jwtFile = paths.credentials() + QStringLiteral("/AUTH_JWT_SECRET.cred");
        QVERIFY(QFile::copy(paths.credentials() + QStringLiteral("/EMAIL_TOKEN.cred"), jwtFile));
        auto swapped = store.read(SecretName::JwtKey);
        QVERIFY(!swapped);
        QCOMPARE(swapped.error().code, QByteArrayLiteral("SECRET_STORE_UNAVAILABLE"));
        QVERIFY2(swapped.error().message.contains(QStringLiteral("systemd-creds failed")),
                 failure(swapped).constData());
        QVERIFY(!swapped.error().message.contains(QStringLiteral("email-token-value")));

        QFile damaged(jwtFile);
        QVERIFY(damaged.open(QIODevice::WriteOnly | QIODevice::Truncate));
        damaged.write("not a credential");
        damaged.close();
        QVERIFY(!store.read(SecretName::JwtKey));
        // ensureJwtSecret reports the damage instead of silently replacing the key.
        QVERIFY(!ensureJwtSecret(store));
    }

    void invalidNamesAreRefused_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("parent folder") << QStringLiteral("../EVIL");
        QTest::newRow("absolute") << QStringLiteral("/etc/passwd");
        QTest::newRow("lower case") << QStringLiteral("smtp_password");
        QTest::newRow("dot") << QStringLiteral("A.B");
        QTest::newRow("empty") << QString();
    }

    void invalidNamesAreRefused()
    {
        QFETCH(QString, name);
        QTemporaryDir root;
        DataPaths paths(root.path());
        SystemdCredsSecretStore store(paths);
        auto written = store.write(name, QByteArrayLiteral("x"));
        QVERIFY(!written);
        QCOMPARE(written.error().status, 400);
        QVERIFY(!store.read(name));
        QVERIFY(!store.remove(name));
        QVERIFY(QDir(paths.credentials()).isEmpty() || !QFileInfo::exists(paths.credentials()));
    }

    void autoWithoutSessionBusPicksSystemdCreds()
    {
        QTemporaryDir root;
        auto store = openSecretStore(QStringLiteral("auto"), DataPaths(root.path()));
        QVERIFY2(store, failure(store).constData());
        QCOMPARE((*store)->backend(), QStringLiteral("systemd-creds"));

        auto chosen = openSecretStore(QStringLiteral("systemd-creds"), DataPaths(root.path()));
        QVERIFY(chosen);
        QCOMPARE((*chosen)->backend(), QStringLiteral("systemd-creds"));
    }

    void keychainWithoutSessionBusNamesBothFixes()
    {
        QTemporaryDir root;
        auto store = openSecretStore(QStringLiteral("keychain"), DataPaths(root.path()));
        QVERIFY(!store);
        QCOMPARE(store.error().status, 503);
        QCOMPARE(store.error().code, QByteArrayLiteral("SECRET_STORE_UNAVAILABLE"));
        const QString message = store.error().message;
        QVERIFY2(message.contains(QStringLiteral("desktop session")), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("keyring")), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("systemd")), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("root")), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("secrets.backend")), qPrintable(message));
    }

    void jwtSecretIsGeneratedOnceAndPersists()
    {
        QTemporaryDir root;
        DataPaths paths(root.path());
        SystemdCredsSecretStore store(paths);
        auto first = ensureJwtSecret(store);
        QVERIFY2(first, failure(first).constData());
        QCOMPARE(first->size(), 32);
        SystemdCredsSecretStore restarted(paths);
        auto second = ensureJwtSecret(restarted);
        QVERIFY(second);
        QCOMPARE(*second, *first);
    }

private:
    QTemporaryDir m_runtime;
};

QTEST_GUILESS_MAIN(SystemdCredsSecretStoreTest)
#include "tst_systemd_creds_secret_store.moc"
