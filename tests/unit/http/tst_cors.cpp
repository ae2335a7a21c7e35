// CorsPolicy: which browser origins get CORS headers, and the answer to a preflight.
#include "http/CorsPolicy.h"

#include <QJsonDocument>
#include <QTest>

using namespace caiwu;

namespace {

const QString PublicUrl = QStringLiteral("http://192.168.1.10:8787");

HttpRequest request(QByteArray method, QList<QPair<QByteArray, QByteArray>> headers)
{
    HttpRequest r;
    r.method = std::move(method);
    r.path = QStringLiteral("/api/flows");
    r.headers = std::move(headers);
    return r;
}

bool hasAnyCorsHeader(const HttpResponse &response)
{
    for (const auto &header : response.headers)
        if (header.first.toLower().startsWith("access-control-"))
            return true;
    return false;
}

QByteArrayList tokens(const QByteArray &list)
{
    QByteArrayList out;
    for (const QByteArray &part : list.split(','))
        out << part.trimmed().toLower();
    return out;
}

} // namespace

class TestCors : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void defaultPolicy_data();
    void defaultPolicy();
    void withoutPublicUrlOnlyLoopback();
    void defaultPortsAreLeftOutLikeBrowsersDo();
    void configuredOriginsReplaceTheDefault_data();
    void configuredOriginsReplaceTheDefault();
    void applyToAllowedOrigin();
    void applyToRefusedOrigin();
    void applyWithoutOrigin();
    void preflightFromAllowedOrigin();
    void preflightFromRefusedOrigin();
    void plainOptions_data();
    void plainOptions();
};

void TestCors::defaultPolicy_data()
{
    QTest::addColumn<QByteArray>("origin");
    QTest::addColumn<bool>("allowed");
    QTest::newRow("public URL") << QByteArray("http://192.168.1.10:8787") << true;
    QTest::newRow("localhost dev server") << QByteArray("http://localhost:5173") << true;
    QTest::newRow("localhost, no port") << QByteArray("http://localhost") << true;
    QTest::newRow("127.0.0.1") << QByteArray("http://127.0.0.1:8787") << true;
    QTest::newRow("[::1]") << QByteArray("http://[::1]:3000") << true;
    QTest::newRow("https localhost") << QByteArray("https://localhost:8443") << true;
    QTest::newRow("public host, other port") << QByteArray("http://192.168.1.10:8080") << false;
    QTest::newRow("public host, https") << QByteArray("https://192.168.1.10:8787") << false;
    QTest::newRow("other LAN host") << QByteArray("http://192.168.1.11:8787") << false;
    QTest::newRow("evil") << QByteArray("http://evil.example") << false;
    QTest::newRow("localhost as a prefix") << QByteArray("http://localhost.evil.example") << false;
    QTest::newRow("loopback IP as a prefix") << QByteArray("http://127.0.0.1.evil.example") << false;
    QTest::newRow("public URL as a prefix") << QByteArray("http://192.168.1.10:8787.evil.example") << false;
    QTest::newRow("null (sandboxed page, file://)") << QByteArray("null") << false;
    QTest::newRow("file scheme") << QByteArray("file://localhost") << false;
    QTest::newRow("empty") << QByteArray("") << false;
}

void TestCors::defaultPolicy()
{
    QFETCH(QByteArray, origin);
    QFETCH(bool, allowed);
    const CorsPolicy policy({}, PublicUrl);
    QCOMPARE(policy.allows(origin), allowed);
}

void TestCors::withoutPublicUrlOnlyLoopback()
{
    const CorsPolicy noUrl({}, QString());
    QVERIFY(noUrl.allows("http://localhost:5173"));
    QVERIFY(!noUrl.allows("http://192.168.1.10:8787"));

    const CorsPolicy defaultConstructed;
    QVERIFY(defaultConstructed.allows("http://127.0.0.1:1"));
    QVERIFY(!defaultConstructed.allows("http://evil.example"));

    // A public URL with a path still means its origin.
    const CorsPolicy withPath({}, QStringLiteral("https://caiwu.office.example:8443/finance/"));
    QVERIFY(withPath.allows("https://caiwu.office.example:8443"));
    QVERIFY(!withPath.allows("https://caiwu.office.example:8443/finance"));
}

void TestCors::defaultPortsAreLeftOutLikeBrowsersDo()
{
    // Browsers send "http://caiwu.lan", never "http://caiwu.lan:80".
    const CorsPolicy http({}, QStringLiteral("http://caiwu.lan:80/"));
    QVERIFY(http.allows("http://caiwu.lan"));
    const CorsPolicy https({QStringLiteral("https://books.example:443")}, {});
    QVERIFY(https.allows("https://books.example"));
    QVERIFY(!https.allows("http://books.example"));
    // A non-default port stays part of the origin.
    const CorsPolicy other({QStringLiteral("https://books.example:8443")}, {});
    QVERIFY(other.allows("https://books.example:8443"));
    QVERIFY(!other.allows("https://books.example"));
}

void TestCors::configuredOriginsReplaceTheDefault_data()
{
    QTest::addColumn<QByteArray>("origin");
    QTest::addColumn<bool>("allowed");
    QTest::newRow("first configured") << QByteArray("https://books.example") << true;
    QTest::newRow("second configured") << QByteArray("http://10.0.0.5:8787") << true;
    QTest::newRow("configured host, other port") << QByteArray("http://10.0.0.5:8788") << false;
    QTest::newRow("public URL no longer") << QByteArray("http://192.168.1.10:8787") << false;
    QTest::newRow("loopback no longer") << QByteArray("http://localhost:5173") << false;
    QTest::newRow("127.0.0.1 no longer") << QByteArray("http://127.0.0.1:8787") << false;
    QTest::newRow("evil") << QByteArray("http://evil.example") << false;
}

void TestCors::configuredOriginsReplaceTheDefault()
{
    QFETCH(QByteArray, origin);
    QFETCH(bool, allowed);
    const CorsPolicy policy({QStringLiteral("https://books.example"), QStringLiteral("http://10.0.0.5:8787")}, PublicUrl);
    QCOMPARE(policy.allows(origin), allowed);
}

void TestCors::applyToAllowedOrigin()
{
    const CorsPolicy policy({}, PublicUrl);
    HttpResponse response = HttpResponse::json(QJsonObject{});
    policy.apply(request("GET", {{"Origin", "http://localhost:5173"}}), response);
    QCOMPARE(response.header("Access-Control-Allow-Origin"), QByteArray("http://localhost:5173"));
    QCOMPARE(response.header("Access-Control-Allow-Credentials"), QByteArray("true"));
    QCOMPARE(response.header("Vary"), QByteArray("Origin"));
    QVERIFY(tokens(response.header("Access-Control-Expose-Headers")).contains("x-request-id"));
    // Still a normal response.
    QCOMPARE(response.status, 200);

    // A Vary the handler set is kept, with Origin added once.
    HttpResponse negotiated = HttpResponse::json(QJsonObject{});
    negotiated.setHeader("Vary", "Accept-Encoding");
    policy.apply(request("GET", {{"Origin", "http://localhost:5173"}}), negotiated);
    policy.apply(request("GET", {{"Origin", "http://localhost:5173"}}), negotiated);
    QCOMPARE(negotiated.header("Vary"), QByteArray("Accept-Encoding, Origin"));
}

void TestCors::applyToRefusedOrigin()
{
    const CorsPolicy policy({}, PublicUrl);
    HttpResponse response = HttpResponse::json(QJsonObject{});
    policy.apply(request("GET", {{"origin", "http://evil.example"}}), response);
    QVERIFY(!hasAnyCorsHeader(response));
    // Caches must still know the answer depends on Origin.
    QCOMPARE(response.header("Vary"), QByteArray("Origin"));
    QCOMPARE(response.headers.size(), 1);
}

void TestCors::applyWithoutOrigin()
{
    const CorsPolicy policy({}, PublicUrl);
    HttpResponse response = HttpResponse::json(QJsonObject{});
    policy.apply(request("GET", {{"Host", "192.168.1.10:8787"}}), response);
    QVERIFY(response.headers.isEmpty());
}

void TestCors::preflightFromAllowedOrigin()
{
    const CorsPolicy policy({}, PublicUrl);
    const QByteArrayList methods{"GET", "POST", "HEAD", "OPTIONS"};
    const HttpResponse response = policy.preflight(request("OPTIONS", {{"Origin", "http://192.168.1.10:8787"},
                                                                         {"Access-Control-Request-Method", "POST"},
                                                                         {"Access-Control-Request-Headers", "authorization"}}),
                                                   methods);
    QCOMPARE(response.status, 204);
    QCOMPARE(response.header("Access-Control-Allow-Origin"), QByteArray("http://192.168.1.10:8787"));
    QCOMPARE(response.header("Access-Control-Allow-Credentials"), QByteArray("true"));
    QCOMPARE(response.header("Access-Control-Allow-Methods"), QByteArray("GET, POST, HEAD, OPTIONS"));
    QCOMPARE(response.header("Allow"), QByteArray("GET, POST, HEAD, OPTIONS"));
    QCOMPARE(response.header("Vary"), QByteArray("Origin"));
    const QByteArrayList headers = tokens(response.header("Access-Control-Allow-Headers"));
    QVERIFY2(headers.contains("authorization"), response.header("Access-Control-Allow-Headers"));
    QVERIFY2(headers.contains("x-caiwu-token"), response.header("Access-Control-Allow-Headers"));
    QVERIFY2(headers.contains("content-type"), response.header("Access-Control-Allow-Headers"));
    // On the wire: no body, no length.
    const QByteArray wire = response.serialize("id", false, true);
    QVERIFY(wire.endsWith("\r\n\r\n"));
    QVERIFY(!wire.contains("Content-Length"));
}

void TestCors::preflightFromRefusedOrigin()
{
    const CorsPolicy policy({}, PublicUrl);
    const HttpResponse response = policy.preflight(
        request("OPTIONS", {{"Origin", "http://evil.example"}, {"Access-Control-Request-Method", "DELETE"}}),
        {"GET", "DELETE", "OPTIONS"});
    QCOMPARE(response.status, 403);
    QVERIFY(!hasAnyCorsHeader(response));
    QCOMPARE(response.contentType, QByteArray("application/json"));
    const QJsonObject body = QJsonDocument::fromJson(response.body).object();
    QCOMPARE(body.value(QStringLiteral("code")).toString(), QStringLiteral("FORBIDDEN"));
    QVERIFY2(body.value(QStringLiteral("error")).toString().contains(QLatin1String("http://evil.example")), response.body);
}

void TestCors::plainOptions_data()
{
    QTest::addColumn<QByteArray>("origin");
    QTest::newRow("no Origin") << QByteArray();
    QTest::newRow("allowed Origin, no request method") << QByteArray("http://localhost:5173");
    QTest::newRow("refused Origin, no request method") << QByteArray("http://evil.example");
}

void TestCors::plainOptions()
{
    QFETCH(QByteArray, origin);
    const CorsPolicy policy({}, PublicUrl);
    QList<QPair<QByteArray, QByteArray>> headers;
    if (!origin.isEmpty())
        headers.append({"Origin", origin});
    const HttpResponse response = policy.preflight(request("OPTIONS", headers), {"GET", "HEAD", "OPTIONS"});
    QCOMPARE(response.status, 204);
    QCOMPARE(response.header("Allow"), QByteArray("GET, HEAD, OPTIONS"));
    QCOMPARE(response.headers.size(), 1);
    QVERIFY(response.body.isEmpty());
}

QTEST_APPLESS_MAIN(TestCors)
#include "tst_cors.moc"
