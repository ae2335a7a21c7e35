// 200 clients at once, each keeping its connection for several requests: every one
// is answered, none is refused or mixed up.
#include "support/RawHttp.h"
#include "support/TestServer.h"

#include <QElapsedTimer>
#include <QTest>

#include <memory>
#include <vector>

class ConcurrencyTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void twoHundredConnectionsAreAllServed()
    {
        TestServer server;
        QVERIFY2(server.startCaiwu(), server.output().constData());
        constexpr int Clients = 200;
        constexpr int RequestsEach = 5;

        // Open every connection first, so all 200 are open at once on the server.
        std::vector<std::unique_ptr<QTcpSocket>> sockets;
        for (int i = 0; i < Clients; ++i) {
            auto socket = std::make_unique<QTcpSocket>();
            socket->connectToHost(QHostAddress::LocalHost, server.port());
            sockets.push_back(std::move(socket));
        }
        for (auto &socket : sockets)
            QVERIFY(socket->waitForConnected(10000));

        // The kernel completes handshakes before the server accepts them; wait for the server.
        const auto openOnServer = [&server] {
            const QByteArray metrics = httpRequest(server.port(), "GET", "/metrics").body;
            const QByteArray sample = "\ncaiwu_http_open_connections "; // the sample line, not its # HELP line
            return metrics.mid(metrics.indexOf(sample) + sample.size()).split('\n').first().toInt();
        };
        QTRY_VERIFY_WITH_TIMEOUT(openOnServer() >= Clients, 30000);

        // Each round: every client sends, then every client reads its own answer.
        int answered = 0;
        for (int round = 0; round < RequestsEach; ++round) {
            for (int i = 0; i < Clients; ++i)
                sockets[size_t(i)]->write("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Request-Id: c" + QByteArray::number(i)
                                          + "-r" + QByteArray::number(round) + "\r\n\r\n");
            for (int i = 0; i < Clients; ++i) {
                QTcpSocket &socket = *sockets[size_t(i)];
                QByteArray received;
                // Read until a whole response (headers + the announced body) is here.
                while (true) {
                    const qsizetype end = received.indexOf("\r\n\r\n");
                    if (end >= 0) {
                        const qsizetype at = received.indexOf("Content-Length: ");
                        const int length = received.mid(at + 16, received.indexOf('\r', at) - at - 16).toInt();
                        if (received.size() >= end + 4 + length)
                            break;
                    }
                    QVERIFY2(socket.waitForReadyRead(15000), "no answer");
                    received += socket.readAll();
                }
                QVERIFY(received.startsWith("HTTP/1.1 200 OK"));
                QVERIFY(received.contains("X-Request-Id: c" + QByteArray::number(i) + "-r" + QByteArray::number(round) + "\r\n"));
                QVERIFY(received.contains("\"db\":true"));
                ++answered;
            }
        }
        QCOMPARE(answered, Clients * RequestsEach);
        sockets.clear();
        server.signal(SIGTERM);
        QCOMPARE(server.waitForExit(), 0);
    }
};

QTEST_GUILESS_MAIN(ConcurrencyTest)
#include "tst_concurrency.moc"
