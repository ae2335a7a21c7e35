// HttpResponse: the bytes a client receives, and request ids.
#include "http/HttpResponse.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QLocale>
#include <QRegularExpression>
#include <QSet>
#include <QTest>
#include <QThread>

#include <memory>
#include <vector>

using namespace caiwu;

namespace {

// A response as a client parses it.
struct Wire {
    QByteArray statusLine;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;

    QByteArrayList values(QByteArrayView name) const
    {
        QByteArrayList found;
        for (const auto &[n, v] : headers)
            if (QByteArrayView(n).compare(name, Qt::CaseInsensitive) == 0)
                found << v;
        return found;
    }
    QByteArray value(QByteArrayView name) const
    {
        const auto found = values(name);
        return found.size() == 1 ? found.first() : QByteArray("<" + QByteArray::number(found.size()) + " values>");
    }
    bool has(QByteArrayView name) const { return !values(name).isEmpty(); }
};

Wire parse(const QByteArray &bytes)
{
    Wire wire;
    const qsizetype end = bytes.indexOf("\r\n\r\n");
    if (end < 0)
        return wire;
    const QList<QByteArray> lines = bytes.left(end + 2).chopped(1).split('\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        QByteArray line = lines[i];
        if (!line.endsWith('\r'))
            return Wire{"<bare LF>", {}, {}};
        line.chop(1);
        if (i == 0) {
            wire.statusLine = line;
            continue;
        }
        const qsizetype colon = line.indexOf(": ");
        wire.headers.append({line.left(colon), line.mid(colon + 2)});
    }
    wire.body = bytes.mid(end + 4);
    return wire;
}

} // namespace

class TestHttpResponse : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void jsonResponseOnTheWire();
    void connectionHeaderFollowsKeepAlive();
    void headKeepsLengthButSendsNoBody();
    void noContentHasNoLengthAndNoBody_data();
    void noContentHasNoLengthAndNoBody();
    void bytesKeepTheirContentType();
    void errorBody_data();
    void errorBody();
    void setHeaderReplacesCaseInsensitively();
    void managedHeadersAreNeverDoubled();
    void requestIdsAreHexAndUnique();
    void requestIdsAreUniqueAcrossThreads();
    void reasonPhrases_data();
    void reasonPhrases();
};

void TestHttpResponse::managedHeadersAreNeverDoubled()
{
    HttpResponse response = HttpResponse::bytes("hello", "text/plain");
    response.setHeader("content-type", "text/html");
    response.setHeader("Content-Length", "999");
    response.setHeader("Connection", "close");
    response.setHeader("X-Request-Id", "forged");
    response.setHeader("Cache-Control", "no-store");
    const QByteArray wire = response.serialize("abc", false, true);
    QCOMPARE(wire.count("Content-Type:"), 1);
    QVERIFY(wire.contains("Content-Type: text/plain\r\n"));
    QCOMPARE(wire.count("Content-Length:"), 1);
    QVERIFY(wire.contains("Content-Length: 5\r\n"));
    QCOMPARE(wire.count("Connection:"), 1);
    QVERIFY(wire.contains("Connection: keep-alive\r\n"));
    QVERIFY(!wire.contains("forged"));
    QVERIFY(wire.contains("Cache-Control: no-store\r\n"));
}

void TestHttpResponse::jsonResponseOnTheWire()
{
    HttpResponse response = HttpResponse::json(QJsonObject{{QStringLiteral("name"), QStringLiteral("现金")},
                                                           {QStringLiteral("balanceCents"), 12345}},
                                                201);
    response.setHeader("Location", "/api/accounts/a1");
    const QByteArray requestId = "0123456789abcdef";

    const QDateTime before = QDateTime::currentDateTimeUtc().addSecs(-1);
    const Wire wire = parse(response.serialize(requestId, false, true));
    const QDateTime after = QDateTime::currentDateTimeUtc().addSecs(1);

    QCOMPARE(wire.statusLine, QByteArray("HTTP/1.1 201 Created"));
    QCOMPARE(wire.value("X-Request-Id"), requestId);
    QCOMPARE(wire.value("Content-Type"), QByteArray("application/json; charset=utf-8"));
    QCOMPARE(wire.value("Content-Length"), QByteArray::number(wire.body.size()));
    QCOMPARE(wire.value("Connection"), QByteArray("keep-alive"));
    QCOMPARE(wire.value("Location"), QByteArray("/api/accounts/a1"));

    const QByteArray date = wire.value("Date");
    QVERIFY2(QRegularExpression(QStringLiteral("^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d\\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
                                               "\\d{4} \\d\\d:\\d\\d:\\d\\d GMT$"))
                 .match(QString::fromLatin1(date))
                 .hasMatch(),
             date);
    QDateTime sent = QLocale::c().toDateTime(QString::fromLatin1(date.chopped(4)), QStringLiteral("ddd, dd MMM yyyy hh:mm:ss"));
    sent.setTimeSpec(Qt::UTC);
    QVERIFY2(sent >= before && sent <= after, date);

    const QJsonObject body = QJsonDocument::fromJson(wire.body).object();
    QCOMPARE(body.value(QStringLiteral("name")).toString(), QStringLiteral("现金"));
    QCOMPARE(body.value(QStringLiteral("balanceCents")).toInt(), 12345);
    // Content-Length counts bytes, not characters.
    QVERIFY(wire.body.size() > QString::fromUtf8(wire.body).size());
}

void TestHttpResponse::connectionHeaderFollowsKeepAlive()
{
    const HttpResponse response = HttpResponse::json(QJsonObject{{QStringLiteral("ok"), true}});
    QCOMPARE(parse(response.serialize("id", false, true)).value("Connection"), QByteArray("keep-alive"));
    QCOMPARE(parse(response.serialize("id", false, false)).value("Connection"), QByteArray("close"));
}

void TestHttpResponse::headKeepsLengthButSendsNoBody()
{
    const HttpResponse response = HttpResponse::json(QJsonArray{1, 2, 3});
    const QByteArray get = response.serialize("id", false, true);
    const QByteArray head = response.serialize("id", true, true);

    QVERIFY(head.endsWith("\r\n\r\n"));
    const Wire wire = parse(head);
    QVERIFY(wire.body.isEmpty());
    QCOMPARE(wire.value("Content-Length"), QByteArray("7"));
    QCOMPARE(parse(get).body, QByteArray("[1,2,3]"));
    QCOMPARE(wire.value("Content-Type"), QByteArray("application/json; charset=utf-8"));
    QCOMPARE(head.size() + 7, get.size());
}

void TestHttpResponse::noContentHasNoLengthAndNoBody_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<bool>("headRequest");
    QTest::newRow("204") << 204 << false;
    QTest::newRow("204 to HEAD") << 204 << true;
    QTest::newRow("304") << 304 << false;
}

void TestHttpResponse::noContentHasNoLengthAndNoBody()
{
    QFETCH(int, status);
    QFETCH(bool, headRequest);
    HttpResponse response = HttpResponse::noContent();
    response.status = status;
    response.body = "should never be sent"; // a handler's mistake must not corrupt the connection
    response.setHeader("Allow", "GET, OPTIONS");
    const QByteArray bytes = response.serialize("id", headRequest, true);
    QVERIFY(bytes.endsWith("\r\n\r\n"));
    const Wire wire = parse(bytes);
    QCOMPARE(wire.statusLine, QByteArray("HTTP/1.1 ") + QByteArray::number(status) + ' ' + reasonPhrase(status));
    QVERIFY(!wire.has("Content-Length"));
    QVERIFY(!wire.has("Content-Type"));
    QCOMPARE(wire.value("Allow"), QByteArray("GET, OPTIONS"));
    QVERIFY(wire.body.isEmpty());
}

void TestHttpResponse::bytesKeepTheirContentType()
{
    const QByteArray webp = QByteArray::fromHex("524946460000000057454250");
    const Wire wire = parse(HttpResponse::bytes(webp, "image/webp").serialize("id", false, false));
    QCOMPARE(wire.statusLine, QByteArray("HTTP/1.1 200 OK"));
    QCOMPARE(wire.value("Content-Type"), QByteArray("image/webp"));
    QCOMPARE(wire.value("Content-Length"), QByteArray::number(webp.size()));
    QCOMPARE(wire.body, webp);
}

void TestHttpResponse::errorBody_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("code");
    QTest::addColumn<QByteArray>("statusLine");
    const QString m = QStringLiteral("message");
    QTest::newRow("validation") << AppError::validation(m).status << QByteArray("VALIDATION_ERROR")
                                << QByteArray("HTTP/1.1 400 Bad Request");
    QTest::newRow("unauthorized") << AppError::unauthorized(m).status << QByteArray("UNAUTHORIZED")
                                  << QByteArray("HTTP/1.1 401 Unauthorized");
    QTest::newRow("forbidden") << AppError::forbidden(m).status << QByteArray("FORBIDDEN") << QByteArray("HTTP/1.1 403 Forbidden");
    QTest::newRow("not found") << AppError::notFound(m).status << QByteArray("NOT_FOUND") << QByteArray("HTTP/1.1 404 Not Found");
    QTest::newRow("conflict") << AppError::conflict(m).status << QByteArray("CONFLICT") << QByteArray("HTTP/1.1 409 Conflict");
    QTest::newRow("internal") << AppError::internal(m).status << QByteArray("INTERNAL_ERROR")
                              << QByteArray("HTTP/1.1 500 Internal Server Error");
    QTest::newRow("unavailable") << AppError::unavailable(m).status << QByteArray("SERVICE_UNAVAILABLE")
                                 << QByteArray("HTTP/1.1 503 Service Unavailable");
    QTest::newRow("custom 413") << 413 << QByteArray("PAYLOAD_TOO_LARGE") << QByteArray("HTTP/1.1 413 Content Too Large");
}

void TestHttpResponse::errorBody()
{
    QFETCH(int, status);
    QFETCH(QByteArray, code);
    QFETCH(QByteArray, statusLine);
    const AppError error{status, code, QStringLiteral("账户 \"A\" 不存在"), {}};
    const HttpResponse response = HttpResponse::error(error);
    QCOMPARE(response.status, status);

    const Wire wire = parse(response.serialize("id", false, true));
    QCOMPARE(wire.statusLine, statusLine);
    QCOMPARE(wire.value("Content-Type"), QByteArray("application/json; charset=utf-8"));
    const QJsonObject body = QJsonDocument::fromJson(wire.body).object();
    QCOMPARE(body.keys(), (QStringList{QStringLiteral("code"), QStringLiteral("error")}));
    QCOMPARE(body.value(QStringLiteral("error")).toString(), QStringLiteral("账户 \"A\" 不存在"));
    QCOMPARE(body.value(QStringLiteral("code")).toString(), QString::fromLatin1(code));
}

void TestHttpResponse::setHeaderReplacesCaseInsensitively()
{
    HttpResponse response = HttpResponse::json(QJsonObject{});
    response.setHeader("Cache-Control", "no-store");
    response.setHeader("cache-control", "max-age=60");
    QCOMPARE(response.headers.size(), 1);
    QCOMPARE(response.header("CACHE-CONTROL"), QByteArray("max-age=60"));
    QCOMPARE(response.header("X-Missing"), QByteArray());
    QCOMPARE(parse(response.serialize("id", false, true)).values("Cache-Control"), QByteArrayList{"max-age=60"});
}

void TestHttpResponse::requestIdsAreHexAndUnique()
{
    const QRegularExpression hex16(QStringLiteral("^[0-9a-f]{16}$"));
    QSet<QByteArray> seen;
    seen.reserve(100000);
    for (int i = 0; i < 100000; ++i) {
        const QByteArray id = HttpResponse::newRequestId();
        if (!hex16.match(QString::fromLatin1(id)).hasMatch())
            QFAIL(qPrintable(QStringLiteral("not 16 hex characters: ") + QString::fromLatin1(id)));
        seen.insert(id);
    }
    QCOMPARE(seen.size(), 100000);
}

void TestHttpResponse::requestIdsAreUniqueAcrossThreads()
{
    constexpr int Threads = 4;
    constexpr int PerThread = 25000;
    std::vector<QByteArrayList> ids(Threads);
    std::vector<std::unique_ptr<QThread>> threads;
    for (int t = 0; t < Threads; ++t) {
        threads.emplace_back(QThread::create([&ids, t] {
            ids[t].reserve(PerThread);
            for (int i = 0; i < PerThread; ++i)
                ids[t].append(HttpResponse::newRequestId());
        }));
        threads.back()->start();
    }
    for (auto &thread : threads)
        QVERIFY(thread->wait(60'000));

    QSet<QByteArray> seen;
    for (const auto &list : ids) {
        QCOMPARE(list.size(), PerThread);
        for (const QByteArray &id : list) {
            QCOMPARE(id.size(), 16);
            seen.insert(id);
        }
    }
    QCOMPARE(seen.size(), Threads * PerThread);
}

void TestHttpResponse::reasonPhrases_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("phrase");
    QTest::newRow("100") << 100 << QByteArray("Continue");
    QTest::newRow("200") << 200 << QByteArray("OK");
    QTest::newRow("201") << 201 << QByteArray("Created");
    QTest::newRow("204") << 204 << QByteArray("No Content");
    QTest::newRow("304") << 304 << QByteArray("Not Modified");
    QTest::newRow("400") << 400 << QByteArray("Bad Request");
    QTest::newRow("401") << 401 << QByteArray("Unauthorized");
    QTest::newRow("403") << 403 << QByteArray("Forbidden");
    QTest::newRow("404") << 404 << QByteArray("Not Found");
    QTest::newRow("405") << 405 << QByteArray("Method Not Allowed");
    QTest::newRow("408") << 408 << QByteArray("Request Timeout");
    QTest::newRow("409") << 409 << QByteArray("Conflict");
    QTest::newRow("411") << 411 << QByteArray("Length Required");
    QTest::newRow("413") << 413 << QByteArray("Content Too Large");
    QTest::newRow("417") << 417 << QByteArray("Expectation Failed");
    QTest::newRow("429") << 429 << QByteArray("Too Many Requests");
    QTest::newRow("431") << 431 << QByteArray("Request Header Fields Too Large");
    QTest::newRow("500") << 500 << QByteArray("Internal Server Error");
    QTest::newRow("501") << 501 << QByteArray("Not Implemented");
    QTest::newRow("503") << 503 << QByteArray("Service Unavailable");
    QTest::newRow("505") << 505 << QByteArray("HTTP Version Not Supported");
}

void TestHttpResponse::reasonPhrases()
{
    QFETCH(int, status);
    QFETCH(QByteArray, phrase);
    QCOMPARE(QByteArray(reasonPhrase(status)), phrase);
    HttpResponse response = HttpResponse::json(QJsonObject{}, status);
    QVERIFY(response.serialize("id", false, true).startsWith("HTTP/1.1 " + QByteArray::number(status) + ' ' + phrase + "\r\n"));
}

QTEST_GUILESS_MAIN(TestHttpResponse)
#include "tst_http_response.moc"
