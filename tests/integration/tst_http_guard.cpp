// The guard in front of QtHttpServer, case by case, against a real `caiwu serve` on
// loopback: limits, 100-continue, HEAD, 405, timeouts, malformed requests and clients
// that vanish mid-request.
#include "support/RawHttp.h"
#include "support/TestServer.h"

#include <QSet>
#include <QTest>
#include <QThread>

namespace {
const QByteArray Host = "Host: 127.0.0.1\r\n";
constexpr int MaxBody = 65536;
} // namespace

class HttpGuardTest : public QObject {
    Q_OBJECT

private:
    TestServer m_server;


private Q_SLOTS:
    void initTestCase()
    {
        m_server.setEnv(QStringLiteral("CAIWU_HTTP_MAX_BODY_BYTES"), QString::number(MaxBody));
        m_server.setEnv(QStringLiteral("CAIWU_HTTP_IDLE_TIMEOUT_S"), QStringLiteral("1"));
        m_server.setEnv(QStringLiteral("CAIWU_HTTP_REQUEST_TIMEOUT_S"), QStringLiteral("1"));
        QVERIFY2(m_server.startCaiwu(), m_server.output().constData());
    }

    void cleanupTestCase()
    {
        QVERIFY(m_server.isRunning()); // no case above took the server down
        m_server.signal(SIGTERM);
        const int code = m_server.waitForExit();
        QVERIFY2(code == 0, m_server.output().right(3000).constData());
    }

    void headerBlockOver16KiBIs431()
    {
        RawClient client;
        QVERIFY(client.connectTo(m_server.port()));
        client.send("GET /api/health HTTP/1.1\r\n" + Host + "X-Filler: " + QByteArray(17 * 1024, 'a') + "\r\n\r\n");
        const HttpReply reply = client.readReply();
        QCOMPARE(reply.status, 431);
        QCOMPARE(reply.json().value(QStringLiteral("code")).toString(), QStringLiteral("VALIDATION_ERROR"));
        QVERIFY(!reply.json().value(QStringLiteral("error")).toString().isEmpty());
        QVERIFY(!reply.header("x-request-id").isEmpty());
        QVERIFY(client.waitClosed());
    }

    void headerBlockJustUnderTheLimitPasses()
    {
        RawClient client;
        QVERIFY(client.connectTo(m_server.port()));
        client.send("GET /api/version HTTP/1.1\r\n" + Host + "X-Filler: " + QByteArray(15 * 1024, 'a') + "\r\n\r\n");
        QCOMPARE(client.readReply().status, 200);
    }

    void bodyOverLimitIs413BeforeTheBodyIsSent()
    {
        RawClient client;
        QVERIFY(client.connectTo(m_server.port()));
        // Announce 10 MB but send nothing: the answer must come from the head alone.
        client.send("POST /api/health HTTP/1.1\r\n" + Host + "Content-Type: application/json\r\nContent-Length: 10485760\r\n\r\n");
        const HttpReply reply = client.readReply();
        QCOMPARE(reply.status, 413);
        QCOMPARE(reply.json().value(QStringLiteral("code")).toString(), QStringLiteral("PAYLOAD_TOO_LARGE"));
        QVERIFY(client.waitClosed());
    }

    void bodyOverLimitStreamedAnywayStillGets413()
    {
        // A client that does not wait (no Expect) keeps sending; it must read 413, not a reset.
        RawClient client;
        QVERIFY(client.connectTo(m_server.port()));
        client.send("POST /api/health HTTP/1.1\r\n" + Host + "Content-Length: 1048576\r\n\r\n");
        for (int i = 0; i < 16; ++i)
            client.socket().write(QByteArray(16 * 1024, 'x'));
        client.socket().waitForBytesWritten(5000);
        QCOMPARE(client.readReply().status, 413);
    }

    void expectContinueIsAnswered()
    {
        RawClient client;
        QVERIFY(client.connectTo(m_server.port()));
        client.send("POST /api/version HTTP/1.1\r\n" + Host + "Content-Length: 2\r\nExpect: 100-continue\r\n\r\n");
        const HttpReply interim = client.readReply();
        QCOMPARE(interim.status, 100);
        client.send("{}");
        const HttpReply final = client.readReply();
        QCOMPARE(final.status, 405); // /api/version is GET-only: the body was read, then refused
        QCOMPARE(final.header("allow"), QByteArray("GET, HEAD, OPTIONS"));
    }

    void expectContinueOverLimitGets413Without100()
    {
        RawClient client;
        QVERIFY(client.connectTo(m_server.port()));
        client.send("POST /api/version HTTP/1.1\r\n" + Host + "Content-Length: " + QByteArray::number(MaxBody + 1)
                    + "\r\nExpect: 100-continue\r\n\r\n");
        QCOMPARE(client.readReply().status, 413);
    }

    void headHasNoBody()
    {
        RawClient client;
        QVERIFY(client.connectTo(m_server.port()));
        client.send("HEAD /api/version HTTP/1.1\r\n" + Host + "\r\n");
        const HttpReply head = client.readReply(true);
        QCOMPARE(head.status, 200);
        QVERIFY(head.header("content-length").toInt() > 0);
        // Had the server sent body bytes, they would precede this response's status line.
        client.send("GET /api/version HTTP/1.1\r\n" + Host + "\r\n");
        const HttpReply get = client.readReply();
        QCOMPARE(get.statusLine.left(12), QByteArray("HTTP/1.1 200"));
        QCOMPARE(get.body.size(), head.header("content-length").toInt());
    }

    void wrongMethodIs405WithAllow()
    {
        const HttpReply reply = httpRequest(m_server.port(), "DELETE", "/api/health");
        QCOMPARE(reply.status, 405);
        QCOMPARE(reply.header("allow"), QByteArray("GET, HEAD, OPTIONS"));
        QCOMPARE(reply.json().value(QStringLiteral("code")).toString(), QStringLiteral("METHOD_NOT_ALLOWED"));
    }

    void unknownPathIs404Json()
    {
        const HttpReply reply = httpRequest(m_server.port(), "GET", "/api/no-such-thing");
        QCOMPARE(reply.status, 404);
        QCOMPARE(reply.json().value(QStringLiteral("code")).toString(), QStringLiteral("NOT_FOUND"));
        QVERIFY(reply.header("content-type").startsWith("application/json"));
    }

    void everyResponseCarriesARequestId()
    {
        QSet<QByteArray> ids;
        for (const QByteArray &path : {QByteArray("/"), QByteArray("/api/health"), QByteArray("/nope")}) {
            const HttpReply reply = httpRequest(m_server.port(), "GET", path);
            QVERIFY(reply.status > 0);
            QCOMPARE(reply.header("x-request-id").size(), 16);
            ids.insert(reply.header("x-request-id"));
        }
        QCOMPARE(ids.size(), 3);
        // A client's own plain id is kept, so it can be followed through both logs.
        const HttpReply echoed = httpRequest(m_server.port(), "GET", "/", {}, {{"X-Request-Id", "client-abc-123"}});
        QCOMPARE(echoed.header("x-request-id"), QByteArray("client-abc-123"));
        const HttpReply replaced = httpRequest(m_server.port(), "GET", "/", {}, {{"X-Request-Id", "bad id; with spaces"}});
        QCOMPARE(replaced.header("x-request-id").size(), 16);
    }

    void idleKeepAliveConnectionIsClosed()
    {
        RawClient client;
        QVERIFY(client.connectTo(m_server.port()));
        client.send("GET / HTTP/1.1\r\n" + Host + "\r\n");
        QCOMPARE(client.readReply().status, 200);
        QVERIFY(client.waitClosed()); // idle timeout is 1 s in this server
    }

    void connectionThatNeverSpeaksIsClosed()
    {
        RawClient client;
        QVERIFY(client.connectTo(m_server.port()));
        QVERIFY(client.waitClosed());
    }

    void slowHeadIs408()
    {
        // Slowloris: a byte at a time, each within the idle limit, the whole head never.
        RawClient client;
        QVERIFY(client.connectTo(m_server.port()));
        client.send("GET / HTTP/1.1\r\n" + Host);
        HttpReply reply;
        for (int i = 0; i < 40 && reply.status == 0; ++i) {
            client.socket().write("X");
            client.socket().waitForBytesWritten(1000);
            reply = client.readReply(false, 300);
        }
        QCOMPARE(reply.status, 408);
        QVERIFY(client.waitClosed());
    }

    void stalledBodyIs408()
    {
        RawClient client;
        QVERIFY(client.connectTo(m_server.port()));
        client.send("POST /api/version HTTP/1.1\r\n" + Host + "Content-Length: 100\r\n\r\n0123456789");
        QCOMPARE(client.readReply().status, 408);
        QVERIFY(client.waitClosed());
    }

    void malformedRequests_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<int>("status");
        QTest::newRow("garbage") << QByteArray("HELLO\r\n\r\n") << 400;
        QTest::newRow("no version") << QByteArray("GET /\r\n" + Host + "\r\n") << 400;
        QTest::newRow("HTTP/2.0") << QByteArray("GET / HTTP/2.0\r\n" + Host + "\r\n") << 505;
        QTest::newRow("chunked body") << QByteArray("POST / HTTP/1.1\r\n" + Host + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n") << 411;
        QTest::newRow("length and chunked") << QByteArray("POST / HTTP/1.1\r\n" + Host + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n") << 411;
        QTest::newRow("TRACE") << QByteArray("TRACE / HTTP/1.1\r\n" + Host + "\r\n") << 501;
        QTest::newRow("conflicting lengths") << QByteArray("POST / HTTP/1.1\r\n" + Host + "Content-Length: 1\r\nContent-Length: 2\r\n\r\n") << 400;
        QTest::newRow("bad length") << QByteArray("POST / HTTP/1.1\r\n" + Host + "Content-Length: -1\r\n\r\n") << 400;
        QTest::newRow("no Host") << QByteArray("GET / HTTP/1.1\r\n\r\n") << 400;
        QTest::newRow("folded header") << QByteArray("GET / HTTP/1.1\r\n" + Host + "X-A: 1\r\n continued\r\n\r\n") << 400;
        QTest::newRow("space in target") << QByteArray("GET /a b HTTP/1.1\r\n" + Host + "\r\n") << 400;
        QTest::newRow("other Expect") << QByteArray("POST / HTTP/1.1\r\n" + Host + "Expect: magic\r\nContent-Length: 1\r\n\r\n") << 417;
    }

    void malformedRequests()
    {
        QFETCH(QByteArray, request);
        QFETCH(int, status);
        RawClient client;
        QVERIFY(client.connectTo(m_server.port()));
        client.send(request);
        const HttpReply reply = client.readReply();
        QCOMPARE(reply.status, status);
        QVERIFY(!reply.json().value(QStringLiteral("error")).toString().isEmpty());
        QVERIFY(client.waitClosed());
    }

    void pipelinedRequestsAreRefusedNotMixedUp()
    {
        RawClient client;
        QVERIFY(client.connectTo(m_server.port()));
        client.send("GET /api/version HTTP/1.1\r\n" + Host + "\r\nGET / HTTP/1.1\r\n" + Host + "\r\n");
        const HttpReply reply = client.readReply();
        QCOMPARE(reply.status, 400);
        QVERIFY(reply.json().value(QStringLiteral("error")).toString().contains(QStringLiteral("pipelined")));
        QVERIFY(client.waitClosed());
    }

    void connectionCloseIsHonoured()
    {
        RawClient client;
        QVERIFY(client.connectTo(m_server.port()));
        client.send("GET / HTTP/1.1\r\n" + Host + "Connection: close\r\n\r\n");
        const HttpReply reply = client.readReply();
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.header("connection"), QByteArray("close"));
        QVERIFY(client.waitClosed(3000));

        RawClient old;
        QVERIFY(old.connectTo(m_server.port()));
        old.send("GET / HTTP/1.0\r\n\r\n");
        QCOMPARE(old.readReply().header("connection"), QByteArray("close"));
        QVERIFY(old.waitClosed(3000));
    }

    void keepAliveServesManyRequestsOnOneConnection()
    {
        RawClient client;
        QVERIFY(client.connectTo(m_server.port()));
        for (int i = 0; i < 50; ++i) {
            client.send("GET /api/health HTTP/1.1\r\n" + Host + "\r\n");
            const HttpReply reply = client.readReply();
            QCOMPARE(reply.status, 200);
            QCOMPARE(reply.header("connection"), QByteArray("keep-alive"));
        }
    }

    void clientsVanishingMidRequestDoNotHurtTheServer()
    {
        for (int i = 0; i < 30; ++i) {
            {   // half a head
                RawClient client;
        QVERIFY(client.connectTo(m_server.port()));
                client.send("GET /api/health HTTP/1.1\r\nHo");
                client.socket().abort();
            }
            {   // head, half a body
                RawClient client;
        QVERIFY(client.connectTo(m_server.port()));
                client.send("POST /api/version HTTP/1.1\r\n" + Host + "Content-Length: 1000\r\n\r\nabc");
                client.socket().abort();
            }
            {   // a whole request, gone before the answer
                RawClient client;
        QVERIFY(client.connectTo(m_server.port()));
                client.send("GET /api/health HTTP/1.1\r\n" + Host + "\r\n");
                client.socket().abort();
            }
        }
        const HttpReply reply = httpRequest(m_server.port(), "GET", "/api/health");
        QCOMPARE(reply.status, 200);
        QVERIFY(reply.json().value(QStringLiteral("db")).toBool());
        QVERIFY(m_server.isRunning());
    }

    void corsAllowsOnlyConfiguredOrigins()
    {
        const HttpReply loopback = httpRequest(m_server.port(), "GET", "/api/version", {}, {{"Origin", "http://localhost:5173"}});
        QCOMPARE(loopback.header("access-control-allow-origin"), QByteArray("http://localhost:5173"));
        QCOMPARE(loopback.header("access-control-allow-credentials"), QByteArray("true"));

        const HttpReply stranger = httpRequest(m_server.port(), "GET", "/api/version", {}, {{"Origin", "http://evil.example"}});
        QCOMPARE(stranger.status, 200);
        QVERIFY(stranger.header("access-control-allow-origin").isEmpty());

        const HttpReply preflight = httpRequest(m_server.port(), "OPTIONS", "/api/health", {},
                                                {{"Origin", "http://127.0.0.1:3000"}, {"Access-Control-Request-Method", "GET"}});
        QCOMPARE(preflight.status, 204);
        QVERIFY(preflight.header("access-control-allow-methods").contains("GET"));
        QVERIFY(preflight.header("access-control-allow-headers").contains("Authorization"));

        const HttpReply refused = httpRequest(m_server.port(), "OPTIONS", "/api/health", {},
                                              {{"Origin", "http://evil.example"}, {"Access-Control-Request-Method", "GET"}});
        QCOMPARE(refused.status, 403);
        QCOMPARE(httpRequest(m_server.port(), "OPTIONS", "/nope").status, 404);
    }
};

QTEST_GUILESS_MAIN(HttpGuardTest)
#include "tst_http_guard.moc"
