// Totp: the one-time codes an employee's authenticator app shows at login and activation.
#include "auth/Totp.h"

#include <QSet>
#include <QTest>
#include <QUrl>
#include <QUrlQuery>

using namespace caiwu;

namespace {

// RFC 6238 Appendix B: the SHA-1 seed "12345678901234567890" in base32.
const QString RfcSecret = QStringLiteral("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
constexpr qint64 Now = 1111111111000; // ms, inside a step (1111111110 … 1111111139 s)
constexpr qint64 StepMs = 30000;

QString codeAt(const QString &secret, qint64 ms)
{
    const auto code = Totp::code(secret, ms);
    return code ? *code : QStringLiteral("<error: %1>").arg(code.error().message);
}

// A plain RFC 4648 decoder, independent of the one under test.
QByteArray base32Decode(const QString &text)
{
    static const QString alphabet = QStringLiteral("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
    QByteArray out;
    quint32 buffer = 0;
    int bits = 0;
    for (const QChar c : text) {
        const int value = alphabet.indexOf(c);
        if (value < 0)
            return QByteArray("<bad>");
        buffer = (buffer << 5) | quint32(value);
        bits += 5;
        if (bits >= 8) {
            out.append(char((buffer >> (bits - 8)) & 0xff));
            bits -= 8;
        }
    }
    return out;
}

} // namespace

class TestTotp : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void rfc6238Vectors_data();
    void rfc6238Vectors();
    void codeChangesAtStepBoundary();
    void secretInLowerCaseWithSpacesIsAccepted();
    void malformedSecretIsAnError_data();
    void malformedSecretIsAnError();
    void timeBefore1970IsAnError();
    void verifyAcceptsCurrentAndAdjacentSteps();
    void verifyRefusesTwoStepsAway();
    void matchingStepNamesTheCodesStep();
    void verifyRefusesWrongCode();
    void verifyRefusesMalformedCode_data();
    void verifyRefusesMalformedCode();
    void verifyIgnoresSpacesInCode();
    void verifyNeverAcceptsMalformedSecret();
    void generatedSecretIs20BytesOfBase32();
    void generatedSecretsAreUnique();
    void generatedSecretWorksForCodes();
    void provisioningUriGoogleExample();
    void provisioningUriChineseIssuer();
    void provisioningUriNormalizesSecret();
};

void TestTotp::rfc6238Vectors_data()
{
    QTest::addColumn<qint64>("seconds");
    QTest::addColumn<QString>("eightDigits");
    QTest::newRow("59") << qint64(59) << QStringLiteral("94287082");
    QTest::newRow("1111111109") << qint64(1111111109) << QStringLiteral("07081804");
    QTest::newRow("1111111111") << qint64(1111111111) << QStringLiteral("14050471");
    QTest::newRow("1234567890") << qint64(1234567890) << QStringLiteral("89005924");
    QTest::newRow("2000000000") << qint64(2000000000) << QStringLiteral("69279037");
    QTest::newRow("20000000000") << qint64(20000000000) << QStringLiteral("65353130");
}

void TestTotp::rfc6238Vectors()
{
    QFETCH(qint64, seconds);
    QFETCH(QString, eightDigits);
    QCOMPARE(base32Decode(RfcSecret), QByteArray("12345678901234567890"));
    // RFC 4226 truncation: the 6-digit code is the 8-digit value mod 10^6, leading zeros kept.
    const auto code = Totp::code(RfcSecret, seconds * 1000);
    QVERIFY2(code.ok(), qPrintable(code.ok() ? QString() : code.error().message));
    QCOMPARE(*code, eightDigits.right(6));
    QVERIFY(Totp::verify(RfcSecret, eightDigits.right(6), seconds * 1000));
}

void TestTotp::codeChangesAtStepBoundary()
{
    QCOMPARE(codeAt(RfcSecret, 59999), QStringLiteral("287082"));
    QCOMPARE(codeAt(RfcSecret, 30000), QStringLiteral("287082"));
    QVERIFY(codeAt(RfcSecret, 29999) != QStringLiteral("287082"));
    QVERIFY(codeAt(RfcSecret, 60000) != QStringLiteral("287082"));
}

void TestTotp::secretInLowerCaseWithSpacesIsAccepted()
{
    QCOMPARE(codeAt(QStringLiteral("gezd gnbv gy3t qojq gezd gnbv gy3t qojq"), 59000), QStringLiteral("287082"));
    QCOMPARE(codeAt(RfcSecret + QStringLiteral("===="), 59000), QStringLiteral("287082"));
}

void TestTotp::malformedSecretIsAnError_data()
{
    QTest::addColumn<QString>("secret");
    QTest::newRow("empty") << QString();
    QTest::newRow("spaces only") << QStringLiteral("   ");
    QTest::newRow("punctuation") << QStringLiteral("!!!");
    QTest::newRow("digit 1 is not base32") << QStringLiteral("GEZDGNBVGY3TQOJ1");
    QTest::newRow("digit 0 is not base32") << QStringLiteral("GEZDGNBVGY3TQOJ0");
    QTest::newRow("chinese") << QStringLiteral("财务系统财务系统");
}

void TestTotp::malformedSecretIsAnError()
{
    QFETCH(QString, secret);
    const auto code = Totp::code(secret, Now);
    QVERIFY(!code.ok());
    QCOMPARE(code.error().status, 400);
    QCOMPARE(code.error().code, QByteArray("VALIDATION_ERROR"));
    QVERIFY(!code.error().message.isEmpty());
}

void TestTotp::timeBefore1970IsAnError()
{
    const auto code = Totp::code(RfcSecret, -1000);
    QVERIFY(!code.ok());
    QCOMPARE(code.error().status, 400);
    QVERIFY(!Totp::verify(RfcSecret, codeAt(RfcSecret, 0), -1000));
}

void TestTotp::verifyAcceptsCurrentAndAdjacentSteps()
{
    QVERIFY(Totp::verify(RfcSecret, codeAt(RfcSecret, Now), Now));
    QVERIFY(Totp::verify(RfcSecret, codeAt(RfcSecret, Now - StepMs), Now));
    QVERIFY(Totp::verify(RfcSecret, codeAt(RfcSecret, Now + StepMs), Now));
}

void TestTotp::matchingStepNamesTheCodesStep()
{
    const qint64 step = Now / StepMs;
    QCOMPARE(Totp::matchingStep(RfcSecret, codeAt(RfcSecret, Now), Now), step);
    QCOMPARE(Totp::matchingStep(RfcSecret, codeAt(RfcSecret, Now - StepMs), Now), step - 1);
    QCOMPARE(Totp::matchingStep(RfcSecret, codeAt(RfcSecret, Now + StepMs), Now), step + 1);
    QCOMPARE(Totp::matchingStep(RfcSecret, codeAt(RfcSecret, Now + 2 * StepMs), Now), qint64(-1));
    QCOMPARE(Totp::matchingStep(RfcSecret, QStringLiteral("12a456"), Now), qint64(-1));
}

void TestTotp::verifyRefusesTwoStepsAway()
{
    const QString current = codeAt(RfcSecret, Now);
    for (const qint64 offset : {-2 * StepMs, 2 * StepMs, -3 * StepMs, 3 * StepMs}) {
        const QString other = codeAt(RfcSecret, Now + offset);
        QVERIFY(other != current); // true for these fixed vectors; keeps the check meaningful
        QVERIFY2(!Totp::verify(RfcSecret, other, Now), qPrintable(QString::number(offset)));
    }
}

void TestTotp::verifyRefusesWrongCode()
{
    QString wrong = codeAt(RfcSecret, Now);
    wrong[5] = QChar(u'0' + (wrong[5].digitValue() + 1) % 10);
    for (const qint64 offset : {-StepMs, qint64(0), StepMs})
        QVERIFY(wrong != codeAt(RfcSecret, Now + offset));
    QVERIFY(!Totp::verify(RfcSecret, wrong, Now));
    QVERIFY(!Totp::verify(RfcSecret, QStringLiteral("000000"), Now));
}

void TestTotp::verifyRefusesMalformedCode_data()
{
    const QString good = codeAt(RfcSecret, Now);
    QTest::addColumn<QString>("code");
    QTest::newRow("empty") << QString();
    QTest::newRow("spaces") << QStringLiteral("      ");
    QTest::newRow("5 digits") << good.left(5);
    QTest::newRow("7 digits") << good + QLatin1Char('0');
    QTest::newRow("7 digits, leading") << QLatin1Char('0') + good;
    QTest::newRow("8-digit RFC form") << QStringLiteral("14050471");
    QTest::newRow("letter") << good.left(5) + QLatin1Char('a');
    QTest::newRow("sign") << QLatin1Char('-') + good.mid(1);
    QTest::newRow("full-width digits") << QStringLiteral("１２３４５６");
    QTest::newRow("tab") << good.left(3) + QLatin1Char('\t') + good.mid(3);
}

void TestTotp::verifyRefusesMalformedCode()
{
    QFETCH(QString, code);
    QVERIFY(!Totp::verify(RfcSecret, code, Now));
}

void TestTotp::verifyIgnoresSpacesInCode()
{
    const QString good = codeAt(RfcSecret, Now);
    QVERIFY(Totp::verify(RfcSecret, good.left(3) + QLatin1Char(' ') + good.mid(3), Now));
    QVERIFY(Totp::verify(RfcSecret, QLatin1Char(' ') + good + QLatin1Char(' '), Now));
}

void TestTotp::verifyNeverAcceptsMalformedSecret()
{
    for (const QString &secret : {QString(), QStringLiteral("!!!"), QStringLiteral("   ")})
        for (const QString &code : {QStringLiteral("000000"), QStringLiteral("123456"), codeAt(RfcSecret, Now)})
            QVERIFY(!Totp::verify(secret, code, Now));
}

void TestTotp::generatedSecretIs20BytesOfBase32()
{
    const QString secret = Totp::generateSecret();
    QCOMPARE(secret.size(), 32);
    QVERIFY(!secret.contains(QLatin1Char('=')));
    QCOMPARE(base32Decode(secret).size(), 20);
}

void TestTotp::generatedSecretsAreUnique()
{
    QSet<QString> seen;
    for (int i = 0; i < 1000; ++i) {
        const QString secret = Totp::generateSecret();
        QCOMPARE(secret.size(), 32);
        QCOMPARE(base32Decode(secret).size(), 20);
        seen.insert(secret);
    }
    QCOMPARE(seen.size(), 1000);
}

void TestTotp::generatedSecretWorksForCodes()
{
    const QString secret = Totp::generateSecret();
    const auto code = Totp::code(secret, Now);
    QVERIFY(code.ok());
    QCOMPARE(code->size(), 6);
    QVERIFY(Totp::verify(secret, *code, Now));
    QVERIFY(Totp::verify(secret.toLower(), *code, Now));
}

void TestTotp::provisioningUriGoogleExample()
{
    // The example in Google's Key Uri Format, character for character.
    QCOMPARE(Totp::provisioningUri(QStringLiteral("ACME Co"), QStringLiteral("john.doe@email.com"),
                                   QStringLiteral("HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ")),
             QStringLiteral("otpauth://totp/ACME%20Co:john.doe@email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ"
                            "&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30"));
}

void TestTotp::provisioningUriChineseIssuer()
{
    const QString uri = Totp::provisioningUri(QStringLiteral("财务系统"), QStringLiteral("alice@example.com"),
                                              QStringLiteral("JBSWY3DPEHPK3PXP"));
    QCOMPARE(uri, QStringLiteral("otpauth://totp/%E8%B4%A2%E5%8A%A1%E7%B3%BB%E7%BB%9F:alice@example.com"
                                 "?secret=JBSWY3DPEHPK3PXP&issuer=%E8%B4%A2%E5%8A%A1%E7%B3%BB%E7%BB%9F"
                                 "&algorithm=SHA1&digits=6&period=30"));
    // What an app reads back out of it.
    const QUrl url(uri, QUrl::StrictMode);
    QVERIFY(url.isValid());
    QCOMPARE(url.scheme(), QStringLiteral("otpauth"));
    QCOMPARE(url.host(), QStringLiteral("totp"));
    QCOMPARE(url.path(QUrl::FullyDecoded), QStringLiteral("/财务系统:alice@example.com"));
    const QUrlQuery query(url);
    QCOMPARE(query.queryItemValue(QStringLiteral("issuer"), QUrl::FullyDecoded), QStringLiteral("财务系统"));
    QCOMPARE(query.queryItemValue(QStringLiteral("secret")), QStringLiteral("JBSWY3DPEHPK3PXP"));
}

void TestTotp::provisioningUriNormalizesSecret()
{
    const QString uri = Totp::provisioningUri(QStringLiteral("Office & Co"), QStringLiteral("a+b@example.com"),
                                              QStringLiteral("jbsw y3dp ehpk 3pxp"));
    QCOMPARE(uri, QStringLiteral("otpauth://totp/Office%20%26%20Co:a%2Bb@example.com?secret=JBSWY3DPEHPK3PXP"
                                 "&issuer=Office%20%26%20Co&algorithm=SHA1&digits=6&period=30"));
}

QTEST_APPLESS_MAIN(TestTotp)
#include "tst_totp.moc"
