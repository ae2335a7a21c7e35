// Login tokens: what Caiwu signs verifies, what the reference signs verifies, and
// nothing else does — other algorithms, other keys, edits, expired or odd-shaped tokens.
#include "auth/Jwt.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QMessageAuthenticationCode>
#include <QTest>

using namespace caiwu;

namespace {

const QByteArray Key = QByteArrayLiteral("office-jwt-secret-0123456789abcdef");
constexpr qint64 NowSeconds = 1750000000;
constexpr qint64 NowMs = NowSeconds * 1000 + 250;

QByteArray b64u(const QByteArray &bytes)
{
    return bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QByteArray json(const QJsonObject &object) { return QJsonDocument(object).toJson(QJsonDocument::Compact); }

// An HS256/HS512 token built without Jwt: the exact bytes, signed with Qt's HMAC.
QByteArray forge(const QByteArray &header, const QByteArray &payload, const QByteArray &key,
                 QCryptographicHash::Algorithm algorithm = QCryptographicHash::Sha256)
{
    const QByteArray input = b64u(header) + '.' + b64u(payload);
    return input + '.' + b64u(QMessageAuthenticationCode::hash(input, key, algorithm));
}

// Correctly signed over segments given as they are, so the shape is what gets refused.
QByteArray signSegments(const QByteArray &headerSegment, const QByteArray &payloadSegment, const QByteArray &key)
{
    const QByteArray input = headerSegment + '.' + payloadSegment;
    return input + '.' + b64u(QMessageAuthenticationCode::hash(input, key, QCryptographicHash::Sha256));
}

const QByteArray Hs256Header = QByteArrayLiteral(R"({"alg":"HS256","typ":"JWT"})");

// The reference's claims (§3.3): session, employee, position with its permissions.
QJsonObject referenceClaims(qint64 iat = NowSeconds, qint64 exp = NowSeconds + 7200)
{
    const QJsonObject permissions{{QStringLiteral("finance"), QJsonArray{QStringLiteral("view"), QStringLiteral("create")}},
                                  {QStringLiteral("hr"), QJsonArray{QStringLiteral("view")}}};
    const QJsonObject position{{QStringLiteral("id"), QStringLiteral("pos-0001")},
                               {QStringLiteral("code"), QStringLiteral("finance_manager")},
                               {QStringLiteral("name"), QStringLiteral("财务经理")},
                               {QStringLiteral("level"), 2},
                               {QStringLiteral("canManageSubordinates"), true},
                               {QStringLiteral("permissions"), permissions}};
    return {{QStringLiteral("sid"), QStringLiteral("5f1c2a9e-7d1b-4c3e-9a57-0c8e1d2b3a41")},
            {QStringLiteral("sub"), QStringLiteral("8b0f6d2c-3e4a-4f59-b1c7-2d9e8a7f6c05")},
            {QStringLiteral("email"), QStringLiteral("wang.li@example.cn")},
            {QStringLiteral("name"), QStringLiteral("王丽")},
            {QStringLiteral("position"), position},
            {QStringLiteral("iat"), iat},
            {QStringLiteral("exp"), exp}};
}

QByteArray withSegment(const QByteArray &token, int index, const QByteArray &replacement)
{
    QList<QByteArray> parts = token.split('.');
    parts[index] = replacement;
    return parts.join('.');
}

} // namespace

class JwtTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void roundTripKeepsEveryClaim()
    {
        const QJsonObject claims = referenceClaims();
        const QByteArray token = Jwt::sign(claims, Key);
        QCOMPARE(token.count('.'), 2);
        const QJsonObject header = QJsonDocument::fromJson(
            QByteArray::fromBase64(token.split('.').first(), QByteArray::Base64UrlEncoding)).object();
        QCOMPARE(header.value(QStringLiteral("alg")).toString(), QStringLiteral("HS256"));
        QCOMPARE(header.value(QStringLiteral("typ")).toString(), QStringLiteral("JWT"));
        QVERIFY(!token.contains('=') && !token.contains('+') && !token.contains('/'));

        const auto verified = Jwt::verify(token, Key, NowMs);
        QVERIFY2(verified.ok(), qPrintable(verified.ok() ? QString() : verified.error().message));
        QCOMPARE(*verified, claims);
    }

    void refused_data()
    {
        QTest::addColumn<QByteArray>("token");
        QTest::addColumn<QString>("reason");
        const QByteArray good = Jwt::sign(referenceClaims(), Key);
        const QByteArray payload = json(referenceClaims());
        const QList<QByteArray> parts = good.split('.');

        QJsonObject promoted = referenceClaims();
        promoted.insert(QStringLiteral("sub"), QStringLiteral("someone-else"));
        QTest::newRow("tampered payload") << withSegment(good, 1, b64u(json(promoted))) << "bad signature";
        QByteArray flipped = parts[2];
        flipped[5] = flipped[5] == 'A' ? 'B' : 'A';
        QTest::newRow("tampered signature") << withSegment(good, 2, flipped) << "bad signature";
        // 32 bytes are 43 base64url characters with 2 spare bits: setting them keeps
        // the decoded MAC but spells the token differently.
        QByteArray spare = parts[2];
        spare.back() = char(spare.back() ^ 1);
        QTest::newRow("signature with non-canonical spare bits") << withSegment(good, 2, spare) << "bad signature";
        QTest::newRow("signature cut short") << withSegment(good, 2, parts[2].left(42)) << "bad signature";
        QTest::newRow("empty signature") << withSegment(good, 2, QByteArray()) << "bad signature";
        QTest::newRow("other key") << Jwt::sign(referenceClaims(), "another-secret") << "bad signature";
        QTest::newRow("header swapped to HS256 with spaces")
            << withSegment(good, 0, b64u(R"({"alg": "HS256", "typ": "JWT"})")) << "bad signature";

        QTest::newRow("alg none, empty signature")
            << b64u(R"({"alg":"none","typ":"JWT"})") + '.' + b64u(payload) + '.' << "alg not allowed";
        QTest::newRow("alg none, real MAC") << forge(R"({"alg":"none"})", payload, Key) << "alg not allowed";
        QTest::newRow("HS512") << forge(R"({"alg":"HS512","typ":"JWT"})", payload, Key, QCryptographicHash::Sha512)
                               << "alg not allowed";
        QTest::newRow("RS256") << forge(R"({"alg":"RS256","typ":"JWT"})", payload, Key) << "alg not allowed";
        QTest::newRow("missing alg") << forge(R"({"typ":"JWT"})", payload, Key) << "alg not allowed";
        QTest::newRow("lower-case hs256") << forge(R"({"alg":"hs256"})", payload, Key) << "alg not allowed";
        QTest::newRow("alg as array") << forge(R"({"alg":["HS256"]})", payload, Key) << "alg not allowed";

        QTest::newRow("expired a second ago")
            << Jwt::sign(referenceClaims(NowSeconds - 7200, NowSeconds - 1), Key) << "expired";
        QTest::newRow("expires this second")
            << Jwt::sign(referenceClaims(NowSeconds - 7200, NowSeconds), Key) << "expired";
        QTest::newRow("issued a minute from now")
            << Jwt::sign(referenceClaims(NowSeconds + 60, NowSeconds + 7260), Key) << "not yet valid";
        QJsonObject notBefore = referenceClaims();
        notBefore.insert(QStringLiteral("nbf"), NowSeconds + 3600);
        QTest::newRow("nbf an hour from now") << Jwt::sign(notBefore, Key) << "not yet valid";

        QJsonObject noExp = referenceClaims();
        noExp.remove(QStringLiteral("exp"));
        QTest::newRow("missing exp") << Jwt::sign(noExp, Key) << "malformed";
        QJsonObject textExp = referenceClaims();
        textExp.insert(QStringLiteral("exp"), QStringLiteral("9999999999"));
        QTest::newRow("exp as text") << Jwt::sign(textExp, Key) << "malformed";
        QTest::newRow("empty token") << QByteArray() << "malformed";
        QTest::newRow("two segments") << parts[0] + '.' + parts[1] << "malformed";
        QTest::newRow("four segments") << good + '.' + parts[2] << "malformed";
        QTest::newRow("empty payload") << signSegments(parts[0], QByteArray(), Key) << "malformed";
        QTest::newRow("standard base64 characters") << signSegments(parts[0], parts[1] + "+/", Key) << "malformed";
        const QByteArray paddedHeader = QByteArray(Hs256Header + ' ').toBase64();   // 28 bytes: ends in "=="
        QVERIFY(paddedHeader.endsWith("=="));
        QTest::newRow("padded header") << signSegments(paddedHeader, parts[1], Key) << "malformed";
        QTest::newRow("padded payload") << signSegments(parts[0], b64u(payload + ' ') + "=", Key) << "malformed";
        QTest::newRow("header not JSON") << forge("alg=HS256", payload, Key) << "malformed";
        QTest::newRow("payload not JSON") << forge(Hs256Header, "sub=admin", Key) << "malformed";
        QTest::newRow("payload an array") << forge(Hs256Header, "[1,2,3]", Key) << "malformed";
        QTest::newRow("header an array") << forge("[\"HS256\"]", payload, Key) << "malformed";
        QTest::newRow("crit header") << forge(R"({"alg":"HS256","crit":["exp"]})", payload, Key) << "malformed";
        QJsonObject huge = referenceClaims();
        huge.insert(QStringLiteral("padding"), QString(8 * 1024, QLatin1Char('x')));
        QTest::newRow("over 8 KiB, properly signed") << Jwt::sign(huge, Key) << "malformed";
    }

    void refused()
    {
        QFETCH(QByteArray, token);
        QFETCH(QString, reason);
        const auto verified = Jwt::verify(token, Key, NowMs);
        QVERIFY(!verified.ok());
        QCOMPARE(verified.error().status, 401);
        QCOMPARE(verified.error().message, reason);
    }

    void validUntilTheLastMillisecond()
    {
        const QByteArray token = Jwt::sign(referenceClaims(NowSeconds - 7199, NowSeconds + 1), Key);
        QVERIFY(Jwt::verify(token, Key, NowMs).ok());
        QVERIFY(Jwt::verify(token, Key, (NowSeconds + 1) * 1000 - 1).ok());
        QVERIFY(!Jwt::verify(token, Key, (NowSeconds + 1) * 1000).ok());
    }

    void issuedSlightlyAheadIsAccepted()
    {
        // A clock stepped back by NTP after signing: within the skew, still valid.
        const QByteArray token = Jwt::sign(referenceClaims(NowSeconds + 20, NowSeconds + 7220), Key);
        QVERIFY(Jwt::verify(token, Key, NowMs).ok());
    }

    void emptyKeyNeverVerifies()
    {
        QVERIFY(Jwt::sign(referenceClaims(), QByteArray()).isEmpty());
        const QByteArray signedWithNothing = forge(Hs256Header, json(referenceClaims()), QByteArray());
        const auto verified = Jwt::verify(signedWithNothing, QByteArray(), NowMs);
        QVERIFY(!verified.ok());
        QCOMPARE(verified.error().status, 401);
        QVERIFY(!Jwt::verify(Jwt::sign(referenceClaims(), Key), QByteArray(), NowMs).ok());
    }

    void independentlySignedTokenVerifies()
    {
        // As the reference's WebCrypto code writes it: its own header order and the
        // JSON.stringify bytes of the claims, UTF-8 names included.
        const QByteArray header = R"({"typ":"JWT","alg":"HS256"})";
        const QByteArray payload = QStringLiteral(
            R"({"sid":"s-1","sub":"e-1","email":"wang.li@example.cn","name":"王丽",)"
            R"("position":{"id":"p-1","code":"cashier","name":"出纳","level":3,"canManageSubordinates":false,)"
            R"("permissions":{"finance":["view"]}},"iat":%1,"exp":%2})")
                                       .arg(NowSeconds)
                                       .arg(NowSeconds + 7200)
                                       .toUtf8();
        const auto verified = Jwt::verify(forge(header, payload, Key), Key, NowMs);
        QVERIFY2(verified.ok(), qPrintable(verified.ok() ? QString() : verified.error().message));
        QCOMPARE(verified->value(QStringLiteral("name")).toString(), QStringLiteral("王丽"));
        QCOMPARE(verified->value(QStringLiteral("position")).toObject().value(QStringLiteral("code")).toString(),
                 QStringLiteral("cashier"));
        QCOMPARE(verified->value(QStringLiteral("exp")).toInteger(), NowSeconds + 7200);
    }

    void rfc7515ExampleVerifies()
    {
        // RFC 7515 Appendix A.1: header and payload with CR LF inside, a 64-byte key.
        const QByteArray token = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
                                 ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
                                 ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        const QByteArray key = QByteArray::fromBase64(
            "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow",
            QByteArray::Base64UrlEncoding);
        const auto verified = Jwt::verify(token, key, 1300819379000);
        QVERIFY2(verified.ok(), qPrintable(verified.ok() ? QString() : verified.error().message));
        QCOMPARE(verified->value(QStringLiteral("iss")).toString(), QStringLiteral("joe"));
        QCOMPARE(Jwt::verify(token, key, 1300819380000).error().message, QStringLiteral("expired"));
    }
};

QTEST_GUILESS_MAIN(JwtTest)
#include "tst_jwt.moc"
