// SIGTERM while clients are writing: requests in progress finish, every write the
// server acknowledged is in the database afterwards, and the process exits cleanly
// with its data folder consistent (WAL checkpointed, lock released).
#include "support/RawHttp.h"
#include "support/TestServer.h"

#include <QDeadlineTimer>
#include <QFileInfo>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>
#include <QTimer>

#include <numeric>

#include <memory>
#include <vector>

namespace {

// One client that posts notes back to back on a keep-alive connection, reconnecting
// until the server refuses, and remembers the ids the server acknowledged.
class Writer : public QObject {
public:
    Writer(quint16 port, int number, QSet<QString> *acknowledged)
        : m_port(port), m_number(number), m_acknowledged(acknowledged)
    {
        connect(&m_socket, &QTcpSocket::connected, this, [this] { post(); });
        connect(&m_socket, &QTcpSocket::readyRead, this, [this] { onData(); });
        connect(&m_socket, &QTcpSocket::disconnected, this, [this] { reconnect(); });
        connect(&m_socket, &QTcpSocket::errorOccurred, this, [this](QAbstractSocket::SocketError error) {
            if (error == QAbstractSocket::ConnectionRefusedError)
                m_done = true; // the server stopped listening
        });
        m_socket.connectToHost(QHostAddress::LocalHost, m_port);
    }
    bool done() const { return m_done; }
    int sent() const { return m_sent; }

private:
    void post()
    {
        const QByteArray body = "{\"text\":\"writer " + QByteArray::number(m_number) + " note " + QByteArray::number(m_sent) + "\"}";
        m_socket.write("POST /test/notes HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                       + QByteArray::number(body.size()) + "\r\n\r\n" + body);
        ++m_sent;
    }
    void onData()
    {
        m_buffer += m_socket.readAll();
        while (true) {
            const qsizetype end = m_buffer.indexOf("\r\n\r\n");
            if (end < 0)
                return;
            const qsizetype at = m_buffer.indexOf("Content-Length: ");
            const int length = m_buffer.mid(at + 16, m_buffer.indexOf('\r', at) - at - 16).toInt();
            if (m_buffer.size() < end + 4 + length)
                return;
            const QByteArray head = m_buffer.left(end);
            const QByteArray body = m_buffer.mid(end + 4, length);
            m_buffer.remove(0, end + 4 + length);
            if (head.startsWith("HTTP/1.1 201")) {
                const qsizetype idAt = body.indexOf("\"id\":\"") + 6;
                m_acknowledged->insert(QString::fromLatin1(body.mid(idAt, body.indexOf('"', idAt) - idAt)));
            }
            if (!head.contains("Connection: close"))
                post();
        }
    }
    void reconnect()
    {
        m_buffer.clear();
        if (!m_done)
            QTimer::singleShot(5, this, [this] { m_socket.connectToHost(QHostAddress::LocalHost, m_port); });
    }

    QTcpSocket m_socket;
    quint16 m_port;
    int m_number;
    QSet<QString> *m_acknowledged;
    QByteArray m_buffer;
    int m_sent = 0;
    bool m_done = false;
};

} // namespace

class ShutdownTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void sigtermUnderLoadLosesNoAcknowledgedWrite()
    {
        TestServer server;
        server.setEnv(QStringLiteral("CAIWU_DATA_DIR"), server.dataDir());
        server.setEnv(QStringLiteral("CAIWU_API_LISTEN"), QStringLiteral("127.0.0.1"));
        server.setEnv(QStringLiteral("CAIWU_API_PORT"), QStringLiteral("0"));
        server.setEnv(QStringLiteral("CAIWU_API_THREADS"), QStringLiteral("2"));
        QVERIFY2(server.startProgram(QStringLiteral(NOTES_SERVER), {}), server.output().constData());

        QSet<QString> acknowledged;
        std::vector<std::unique_ptr<Writer>> writers;
        for (int i = 0; i < 16; ++i)
            writers.push_back(std::make_unique<Writer>(server.port(), i, &acknowledged));
        // Let the load build up, then ask the server to stop in the middle of it.
        QTRY_VERIFY_WITH_TIMEOUT(acknowledged.size() >= 500, 60000);
        server.signal(SIGTERM);
        QTRY_VERIFY_WITH_TIMEOUT(server.process().state() == QProcess::NotRunning, 30000);
        QCOMPARE(server.waitForExit(), 0);
        const int sent = std::accumulate(writers.cbegin(), writers.cend(), 0, [](int n, const auto &w) { return n + w->sent(); });
        writers.clear();
        QVERIFY(sent >= acknowledged.size());

        const QString file = server.dataDir() + QStringLiteral("/caiwu.sqlite");
        // A clean stop folds the WAL into the file.
        QVERIFY(!QFileInfo::exists(file + QStringLiteral("-wal")) || QFileInfo(file + QStringLiteral("-wal")).size() == 0);
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("verify"));
            db.setDatabaseName(file);
            QVERIFY(db.open());
            QSqlQuery query(db);
            QVERIFY(query.exec(QStringLiteral("PRAGMA integrity_check")) && query.next());
            QCOMPARE(query.value(0).toString(), QStringLiteral("ok"));
            QSet<QString> stored;
            QVERIFY(query.exec(QStringLiteral("SELECT id FROM test_notes")));
            while (query.next())
                stored.insert(query.value(0).toString());
            QVERIFY2(stored.contains(acknowledged),
                     qPrintable(QStringLiteral("%1 acknowledged notes missing").arg((acknowledged - stored).size())));
            qInfo("%d notes acknowledged, %d stored, %d requests sent before the stop", int(acknowledged.size()),
                  int(stored.size()), sent);
            query.finish();
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("verify"));

        // The data folder's lock was released: a new server starts on it at once.
        TestServer again;
        again.setEnv(QStringLiteral("CAIWU_DATA_DIR"), server.dataDir());
        QVERIFY2(again.startCaiwu({QStringLiteral("--data-dir"), server.dataDir()}), again.output().constData());
        again.signal(SIGTERM);
        QCOMPARE(again.waitForExit(), 0);
    }

    void aWriteWithInvalidJsonIs400AndWritesNothing()
    {
        TestServer server;
        server.setEnv(QStringLiteral("CAIWU_DATA_DIR"), server.dataDir());
        server.setEnv(QStringLiteral("CAIWU_API_PORT"), QStringLiteral("0"));
        QVERIFY2(server.startProgram(QStringLiteral(NOTES_SERVER), {}), server.output().constData());
        for (const QByteArray &body : {QByteArray("{\"text\": "), QByteArray("not json"), QByteArray("[1,2]"), QByteArray()}) {
            const HttpReply reply = httpRequest(server.port(), "POST", "/test/notes", body, {{"Content-Type", "application/json"}});
            QCOMPARE(reply.status, 400);
            QCOMPARE(reply.json().value(QStringLiteral("code")).toString(), QStringLiteral("VALIDATION_ERROR"));
            QVERIFY(reply.json().value(QStringLiteral("error")).toString().startsWith(QStringLiteral("Invalid JSON")));
            QVERIFY(!reply.body.contains("stack"));
        }
        QCOMPARE(httpRequest(server.port(), "POST", "/test/notes", "{\"text\":\"ok\"}").status, 201);
        server.signal(SIGTERM);
        QCOMPARE(server.waitForExit(), 0);
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("json"));
            db.setDatabaseName(server.dataDir() + QStringLiteral("/caiwu.sqlite"));
            QVERIFY(db.open());
            QSqlQuery query(db);
            QVERIFY(query.exec(QStringLiteral("SELECT count(*) FROM test_notes")) && query.next());
            QCOMPARE(query.value(0).toInt(), 1);
        }
        QSqlDatabase::removeDatabase(QStringLiteral("json"));
    }

    void secondServerOnTheSameDataFolderIsRefused()
    {
        TestServer first;
        QVERIFY2(first.startCaiwu(), first.output().constData());
        TestServer second;
        second.startCaiwu({QStringLiteral("--data-dir"), first.dataDir()});
        QCOMPARE(second.waitForExit(), 1);
        QVERIFY2(second.output().contains("another Caiwu"), second.output().constData());
        QVERIFY(first.isRunning());
        first.signal(SIGINT);
        QCOMPARE(first.waitForExit(), 0);
        QVERIFY(first.output().contains("caiwu: stopped"));
    }
};

QTEST_GUILESS_MAIN(ShutdownTest)
#include "tst_shutdown.moc"
