// The keychain backend against a real GNOME Keyring on a private D-Bus session
// (run through tests/with-keyring.sh).
#include "secrets/KeychainSecretStore.h"
#include "secrets/SecretStore.h"

#include <QDirIterator>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace caiwu;

namespace {
// The error message of a failed Result for QVERIFY2, empty when it succeeded.
template<typename R>
QByteArray failure(const R &result)
{
    return result.ok() ? QByteArray() : result.error().message.toUtf8();
}
} // namespace

class KeychainSecretStoreTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"))
            QFAIL("no session bus: run this test through tests/with-keyring.sh (ctest does)");
        QVERIFY(m_root.isValid());
    }

    void writeReadOverwriteRemove()
    {
        KeychainSecretStore store{DataPaths(m_root.filePath(QStringLiteral("a")))};
        QCOMPARE(store.backend(), QStringLiteral("keychain"));

        auto written = store.write(SecretName::SmtpPassword, QByteArrayLiteral("first password"));
        QVERIFY2(written, failure(written).constData());
        auto read = store.read(SecretName::SmtpPassword);
        QVERIFY2(read, failure(read).constData());
        QCOMPARE(read->value_or(QByteArray()), QByteArrayLiteral("first password"));

        QVERIFY(store.write(SecretName::SmtpPassword, QByteArrayLiteral("second")));
        read = store.read(SecretName::SmtpPassword);
        QVERIFY(read);
        QCOMPARE(read->value_or(QByteArray()), QByteArrayLiteral("second"));

        auto removed = store.remove(SecretName::SmtpPassword);
        QVERIFY2(removed, failure(removed).constData());
        read = store.read(SecretName::SmtpPassword);
        QVERIFY(read);
        QVERIFY(!read->has_value());

        // Removing what is already gone is not an error.
        QVERIFY(store.remove(SecretName::SmtpPassword));
    }

    void binaryValuesKeepEveryByte()
    {
        KeychainSecretStore store{DataPaths(m_root.filePath(QStringLiteral("a")))};
        QByteArray value;
        for (int i = 0; i < 256; ++i)
            value.append(char(i));
        value.append(QByteArray("\0\0tail\0", 7));
        QVERIFY(store.write(SecretName::TlsKeyPass, value));
        auto read = store.read(SecretName::TlsKeyPass);
        QVERIFY(read);
        QVERIFY(read->has_value());
        QCOMPARE(read->value().size(), value.size());
        QCOMPARE(read->value(), value);
        QVERIFY(store.remove(SecretName::TlsKeyPass));
    }

    void noPlaintextCopyOnDisk()
    {
        // The wrapper gives this test a private HOME; the keyring there is encrypted, and no
        // plain QSettings fallback file may hold the value anywhere.
        const QByteArray marker = QByteArrayLiteral("plaintext-marker-5f3a9c");
        DataPaths paths(m_root.filePath(QStringLiteral("plain")));
        KeychainSecretStore store{paths};
        QVERIFY(store.write(SecretName::SmtpPassword, marker));
        QVERIFY(store.read(SecretName::SmtpPassword));

        QStringList roots{qEnvironmentVariable("HOME"), qEnvironmentVariable("XDG_DATA_HOME"),
                          qEnvironmentVariable("XDG_CONFIG_HOME"), m_root.path()};
        int filesSeen = 0;
        for (const QString &root : roots) {
            if (root.isEmpty())
                continue;
            QDirIterator it(root, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
            while (it.hasNext()) {
                QFile file(it.next());
                if (!file.open(QIODevice::ReadOnly))
                    continue;
                ++filesSeen;
                QVERIFY2(!file.readAll().contains(marker), qPrintable(file.fileName()));
            }
        }
        QVERIFY(filesSeen > 0); // the keyring file itself
        QVERIFY(store.remove(SecretName::SmtpPassword));
    }

    void missingIsNulloptNotAnError()
    {
        KeychainSecretStore store{DataPaths(m_root.filePath(QStringLiteral("empty")))};
        auto read = store.read(SecretName::EmailToken);
        QVERIFY2(read, failure(read).constData());
        QVERIFY(!read->has_value());
    }

    void invalidNameIsRefused()
    {
        KeychainSecretStore store{DataPaths(m_root.filePath(QStringLiteral("a")))};
        auto written = store.write(QStringLiteral("../evil"), QByteArrayLiteral("x"));
        QVERIFY(!written);
        QCOMPARE(written.error().status, 400);
    }

    void dataRootsDoNotShareSecrets()
    {
        KeychainSecretStore first{DataPaths(m_root.filePath(QStringLiteral("office-1")))};
        KeychainSecretStore second{DataPaths(m_root.filePath(QStringLiteral("office-2")))};
        QVERIFY(first.location() != second.location());

        QVERIFY(first.write(SecretName::EmailToken, QByteArrayLiteral("token of office 1")));
        auto seen = second.read(SecretName::EmailToken);
        QVERIFY(seen);
        QVERIFY(!seen->has_value());

        QVERIFY(second.write(SecretName::EmailToken, QByteArrayLiteral("token of office 2")));
        auto own = first.read(SecretName::EmailToken);
        QVERIFY(own);
        QCOMPARE(own->value_or(QByteArray()), QByteArrayLiteral("token of office 1"));

        QVERIFY(second.remove(SecretName::EmailToken));
        own = first.read(SecretName::EmailToken);
        QVERIFY(own);
        QCOMPARE(own->value_or(QByteArray()), QByteArrayLiteral("token of office 1"));
        QVERIFY(first.remove(SecretName::EmailToken));
    }

    void autoPicksTheKeychain()
    {
        DataPaths paths(m_root.filePath(QStringLiteral("auto")));
        auto store = openSecretStore(QStringLiteral("auto"), paths);
        QVERIFY2(store, failure(store).constData());
        QCOMPARE((*store)->backend(), QStringLiteral("keychain"));
        QVERIFY((*store)->location().contains(paths.root()));

        auto explicitChoice = openSecretStore(QStringLiteral("keychain"), paths);
        QVERIFY2(explicitChoice, failure(explicitChoice).constData());
        QCOMPARE((*explicitChoice)->backend(), QStringLiteral("keychain"));
    }

    void unknownBackendIsRefused()
    {
        auto store = openSecretStore(QStringLiteral("plaintext"), DataPaths(m_root.filePath(QStringLiteral("x"))));
        QVERIFY(!store);
        QCOMPARE(store.error().status, 400);
    }

    void jwtSecretIsGeneratedOnce()
    {
        DataPaths paths(m_root.filePath(QStringLiteral("jwt")));
        auto store = openSecretStore(QStringLiteral("keychain"), paths);
        QVERIFY(store);
        auto before = (*store)->read(SecretName::JwtKey);
        QVERIFY(before);
        QVERIFY(!before->has_value());

        auto first = ensureJwtSecret(**store);
        QVERIFY2(first, failure(first).constData());
        QCOMPARE(first->size(), 32);
        QVERIFY(*first != QByteArray(32, '\0'));

        // A second start (a fresh store on the same data root) gets the same key back.
        KeychainSecretStore again{paths};
        auto second = ensureJwtSecret(again);
        QVERIFY(second);
        QCOMPARE(*second, *first);

        // Another office gets its own key.
        KeychainSecretStore other{DataPaths(m_root.filePath(QStringLiteral("jwt-other")))};
        auto third = ensureJwtSecret(other);
        QVERIFY(third);
        QVERIFY(*third != *first);
    }

private:
    QTemporaryDir m_root;
};

QTEST_GUILESS_MAIN(KeychainSecretStoreTest)
#include "tst_keychain_secret_store.moc"
