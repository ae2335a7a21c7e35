// Staff passwords: argon2id for new hashes, bcrypt from the reference still logs in
// (and asks to be rehashed), and nothing odd in the stored column ever lets anyone in.
#include "auth/PasswordHasher.h"

#include <argon2.h>
#include <crypt.h>

#include <QElapsedTimer>
#include <QRegularExpression>
#include <QTest>

#include <cstring>

using namespace caiwu;

namespace {

QString bcrypt(const QByteArray &password, int cost)
{
    char setting[CRYPT_GENSALT_OUTPUT_SIZE];
    if (!crypt_gensalt_rn("$2b$", cost, nullptr, 0, setting, sizeof setting))
        return {};
    crypt_data data;
    std::memset(&data, 0, sizeof data);
    const char *hashed = crypt_rn(password.constData(), setting, &data, int(sizeof data));
    return hashed && hashed[0] != '*' ? QString::fromLatin1(hashed) : QString();
}

QString weakArgon2id(const QByteArray &password)
{
    const char salt[] = "0123456789abcdef";
    char encoded[256];
    if (argon2id_hash_encoded(1, 4096, 1, password.constData(), size_t(password.size()), salt, 16, 32, encoded,
                              sizeof encoded) != ARGON2_OK)
        return {};
    return QString::fromLatin1(encoded);
}

} // namespace

class PasswordHasherTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void hashThenVerify()
    {
        const auto hashed = PasswordHasher::hash(QStringLiteral("correct horse battery"));
        QVERIFY(hashed.ok());
        const PasswordCheck right = PasswordHasher::verify(QStringLiteral("correct horse battery"), *hashed);
        QVERIFY(right.matches);
        QVERIFY(!right.needsRehash);
        const PasswordCheck wrong = PasswordHasher::verify(QStringLiteral("correct horse battery!"), *hashed);
        QVERIFY(!wrong.matches);
        QVERIFY(!wrong.needsRehash);
    }

    void samePasswordTwoSalts()
    {
        const auto first = PasswordHasher::hash(QStringLiteral("same password"));
        const auto second = PasswordHasher::hash(QStringLiteral("same password"));
        QVERIFY(first.ok() && second.ok());
        QVERIFY(*first != *second);
        QVERIFY(PasswordHasher::verify(QStringLiteral("same password"), *second).matches);
    }

    void phcStringMeetsOwaspFloor()
    {
        const auto hashed = PasswordHasher::hash(QStringLiteral("owasp floor check"));
        QVERIFY(hashed.ok());
        static const QRegularExpression phc(QStringLiteral(
            "^\\$argon2id\\$v=19\\$m=(\\d+),t=(\\d+),p=(\\d+)\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)$"));
        const auto match = phc.match(*hashed);
        QVERIFY2(match.hasMatch(), qPrintable(QStringLiteral("not a PHC argon2id string")));
        QVERIFY(match.captured(1).toInt() >= 19456);
        QVERIFY(match.captured(2).toInt() >= 2);
        QCOMPARE(match.captured(3).toInt(), 1);
        QCOMPARE(QByteArray::fromBase64(match.captured(4).toLatin1()).size(), 16);   // salt bytes
    }

    void referenceBcrypt_data()
    {
        QTest::addColumn<QString>("password");
        QTest::addColumn<QString>("stored");
        QTest::newRow("generated $2b$10$") << QStringLiteral("password") << bcrypt("password", 10);
        QTest::newRow("generated chinese") << QStringLiteral("财务系统密码") << bcrypt(QStringLiteral("财务系统密码").toUtf8(), 10);
        QTest::newRow("OpenBSD vector $2a$")
            << QStringLiteral("U*U") << QStringLiteral("$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW");
        QTest::newRow("OpenBSD vector $2b$")
            << QStringLiteral("U*U") << QStringLiteral("$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW");
        QTest::newRow("OpenBSD vector $2y$")
            << QStringLiteral("U*U") << QStringLiteral("$2y$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW");
    }

    void referenceBcrypt()
    {
        QFETCH(QString, password);
        QFETCH(QString, stored);
        QVERIFY(!stored.isEmpty());
        const PasswordCheck right = PasswordHasher::verify(password, stored);
        QVERIFY(right.matches);
        QVERIFY(right.needsRehash);
        const PasswordCheck wrong = PasswordHasher::verify(password + QStringLiteral("x"), stored);
        QVERIFY(!wrong.matches);
        QVERIFY(!wrong.needsRehash);
        QVERIFY(!PasswordHasher::verify(QString(), stored).matches);
    }

    void weakerArgon2idAsksForRehash()
    {
        const QString stored = weakArgon2id("old parameters");
        QVERIFY(stored.startsWith(QStringLiteral("$argon2id$v=19$m=4096,t=1,p=1$")));
        const PasswordCheck right = PasswordHasher::verify(QStringLiteral("old parameters"), stored);
        QVERIFY(right.matches);
        QVERIFY(right.needsRehash);
        QVERIFY(!PasswordHasher::verify(QStringLiteral("old parameter"), stored).matches);
    }

    void passwordWithNulDoesNotMatchItsPrefix()
    {
        // crypt() reads a C string; "abc\0def" must not pass as "abc".
        const QString stored = bcrypt("abcdefgh", 4);
        QVERIFY(PasswordHasher::verify(QStringLiteral("abcdefgh"), stored).matches);
        QVERIFY(!PasswordHasher::verify(QStringLiteral("abcdefgh") + QChar(0) + QStringLiteral("zz"), stored).matches);
    }

    void garbageNeverMatches_data()
    {
        QTest::addColumn<QString>("stored");
        QTest::newRow("empty") << QString();
        QTest::newRow("bcrypt prefix only") << QStringLiteral("$2b$");
        QTest::newRow("argon2id garbage") << QStringLiteral("$argon2id$garbage");
        QTest::newRow("plain text") << QStringLiteral("plain");
        QTest::newRow("the password itself") << QStringLiteral("correct horse");
        QTest::newRow("argon2id no hash")
            << QStringLiteral("$argon2id$v=19$m=65536,t=3,p=1$c2FsdHNhbHRzYWx0c2FsdA$");
        QTest::newRow("argon2id bad base64")
            << QStringLiteral("$argon2id$v=19$m=65536,t=3,p=1$c2FsdHNhbHRzYWx0c2FsdA$!!!!!!!!!!!!!!!!!!!!!!!!");
        QTest::newRow("argon2id 4 GiB memory")
            << QStringLiteral("$argon2id$v=19$m=4194304,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g");
        QTest::newRow("argon2i") << QStringLiteral("$argon2i$v=19$m=4096,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g");
        QTest::newRow("bcrypt cost 31") << QStringLiteral("$2b$31$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW");
        QTest::newRow("bcrypt truncated") << QStringLiteral("$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOe");
        QTest::newRow("bcrypt $2x$") << QStringLiteral("$2x$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW");
        QTest::newRow("md5crypt") << QStringLiteral("$1$saltsalt$qjXMvbEw8oaL.CzflDugX/");
        QTest::newRow("crypt failure token") << QStringLiteral("*0");
        QTest::newRow("non-latin") << QStringLiteral("$2b$05$密码密码密码");
    }

    void garbageNeverMatches()
    {
        QFETCH(QString, stored);
        for (const QString &password : {QStringLiteral("correct horse"), QStringLiteral("U*U"), QString()}) {
            const PasswordCheck check = PasswordHasher::verify(password, stored);
            QVERIFY(!check.matches);
            QVERIFY(!check.needsRehash);
        }
    }

    void validateNew_data()
    {
        QTest::addColumn<QString>("password");
        QTest::addColumn<bool>("accepted");
        QTest::newRow("empty") << QString() << false;
        QTest::newRow("reference minimum 6") << QStringLiteral("abc123") << false;
        QTest::newRow("7 characters") << QStringLiteral("abcd123") << false;
        QTest::newRow("8 characters") << QStringLiteral("abcd1234") << true;
        QTest::newRow("spaces inside") << QStringLiteral("my office pass") << true;
        QTest::newRow("whitespace only") << QString(12, QLatin1Char(' ')) << false;
        QTest::newRow("ideographic spaces only") << QString(10, QChar(0x3000)) << false;
        QTest::newRow("chinese 8") << QStringLiteral("财务系统密码安全") << true;
        QTest::newRow("chinese 7") << QStringLiteral("财务系统密码安") << false;
        QTest::newRow("emoji count as one each") << QStringLiteral("🔒🔒🔒🔒🔒🔒🔒") << false;
        QTest::newRow("line break") << QStringLiteral("abcd\n1234") << false;
        QTest::newRow("NUL") << QStringLiteral("abcd") + QChar(0) + QStringLiteral("1234") << false;
        QTest::newRow("1024 bytes") << QString(1024, QLatin1Char('a')) << true;
        QTest::newRow("1025 bytes") << QString(1025, QLatin1Char('a')) << false;
        QTest::newRow("342 chinese = 1026 bytes") << QString(342, QChar(0x5BC6)) << false;
    }

    void validateNew()
    {
        QFETCH(QString, password);
        QFETCH(bool, accepted);
        const Result<void> result = PasswordHasher::validateNew(password);
        QCOMPARE(result.ok(), accepted);
        if (!accepted) {
            QCOMPARE(result.error().status, 400);
            QCOMPARE(result.error().code, QByteArray("VALIDATION_ERROR"));
            QVERIFY(!result.error().message.isEmpty());
            if (!password.isEmpty())
                QVERIFY(!result.error().message.contains(password));   // never echoed back
        }
    }

    void chinesePassword()
    {
        const QString password = QStringLiteral("财务系统的密码很安全");
        QVERIFY(PasswordHasher::validateNew(password).ok());
        const auto hashed = PasswordHasher::hash(password);
        QVERIFY(hashed.ok());
        QVERIFY(PasswordHasher::verify(password, *hashed).matches);
        QVERIFY(!PasswordHasher::verify(QStringLiteral("财务系统的密码很安金"), *hashed).matches);
    }

    void hashRefusesUnboundedInput()
    {
        QVERIFY(!PasswordHasher::hash(QString()).ok());
        QVERIFY(!PasswordHasher::hash(QString(1025, QLatin1Char('a'))).ok());
        QVERIFY(!PasswordHasher::verify(QString(1025, QLatin1Char('a')), *PasswordHasher::hash(QStringLiteral("x"))).matches);
    }

    void timing()
    {
        // Informational: a login should cost 50–250 ms on the appliance. Never asserted.
        QElapsedTimer timer;
        timer.start();
        const auto hashed = PasswordHasher::hash(QStringLiteral("timing password"));
        const qint64 hashMs = timer.restart();
        QVERIFY(hashed.ok());
        QVERIFY(PasswordHasher::verify(QStringLiteral("timing password"), *hashed).matches);
        const qint64 verifyMs = timer.elapsed();
        qInfo("argon2id m=%u KiB t=%u p=%u: hash %lld ms, verify %lld ms", PasswordHasher::MemoryKiB,
              PasswordHasher::Iterations, PasswordHasher::Parallelism, hashMs, verifyMs);
    }
};

QTEST_GUILESS_MAIN(PasswordHasherTest)
#include "tst_password_hasher.moc"
