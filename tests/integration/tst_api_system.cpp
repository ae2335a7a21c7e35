// The appliance's own routes and what `caiwu serve` leaves on disk, as an admin or a
// monitoring tool would see them.
#include "support/RawHttp.h"
#include "support/TestServer.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>

class ApiSystemTest : public QObject {
    Q_OBJECT

private:
    TestServer m_server;

    QByteArray readLogs()
    {
        QByteArray all;
        const QString dir = m_server.dataDir() + QStringLiteral("/logs/");
        for (const QString &name : QDir(dir).entryList(QDir::Files)) {
            QFile file(dir + name);
            if (file.open(QIODevice::ReadOnly))
                all += file.readAll();
        }
        return all;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY2(m_server.startCaiwu(), m_server.output().constData()); }

    void cleanupTestCase()
    {
        m_server.signal(SIGTERM);
        QCOMPARE(m_server.waitForExit(), 0);
    }

    void rootSaysWhoItIs()
    {
        const HttpReply reply = httpRequest(m_server.port(), "GET", "/");
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.json(), (QJsonObject{{QStringLiteral("ok"), true}, {QStringLiteral("name"), QStringLiteral("caiwu")}}));
    }

    void healthReportsEveryPart()
    {
        const HttpReply reply = httpRequest(m_server.port(), "GET", "/api/health");
        QCOMPARE(reply.status, 200);
        const QJsonObject health = reply.json();
        QCOMPARE(health.value(QStringLiteral("db")).toBool(), true);
        QVERIFY(health.value(QStringLiteral("dbLatencyMs")).toDouble() >= 0);
        QCOMPARE(health.value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
        QCOMPARE(health.value(QStringLiteral("disk")).toObject().value(QStringLiteral("ok")).toBool(), true);
        QVERIFY(health.value(QStringLiteral("disk")).toObject().value(QStringLiteral("freeBytes")).toDouble() > 0);
        QCOMPARE(health.value(QStringLiteral("vouchers")).toObject().value(QStringLiteral("ok")).toBool(), true);
        // The mail service answers, but no SMTP server is configured here: health says so.
        const QJsonObject mail = health.value(QStringLiteral("mail")).toObject();
        QTRY_COMPARE(httpRequest(m_server.port(), "GET", "/api/health").json().value(QStringLiteral("mail")).toObject()
                         .value(QStringLiteral("state")).toString(), QStringLiteral("ok"));
        QCOMPARE(mail.value(QStringLiteral("smtpConfigured")).toBool(), false);
        QCOMPARE(mail.value(QStringLiteral("ok")).toBool(), false);
        QCOMPARE(mail.value(QStringLiteral("queued")).toInt(), 0);
        QCOMPARE(mail.value(QStringLiteral("failed")).toInt(), 0);
    }

    void versionNamesAppAndSchema()
    {
        const QJsonObject version = httpRequest(m_server.port(), "GET", "/api/version").json();
        QCOMPARE(version.value(QStringLiteral("name")).toString(), QStringLiteral("caiwu"));
        QCOMPARE(version.value(QStringLiteral("version")).toString(), QStringLiteral(CAIWU_VERSION));
        QVERIFY(version.value(QStringLiteral("schemaVersion")).toInt() >= 1);
    }

    void openApiDocumentListsEveryRoute()
    {
        const HttpReply reply = httpRequest(m_server.port(), "GET", "/api/doc");
        QCOMPARE(reply.status, 200);
        const QJsonObject doc = reply.json();
        QCOMPARE(doc.value(QStringLiteral("openapi")).toString(), QStringLiteral("3.0.3"));
        QCOMPARE(doc.value(QStringLiteral("info")).toObject().value(QStringLiteral("title")).toString(), QStringLiteral("Caiwu API"));
        const QJsonObject paths = doc.value(QStringLiteral("paths")).toObject();
        for (const char *path : {"/", "/api/health", "/api/version", "/api/doc", "/metrics"}) {
            QVERIFY2(paths.contains(QLatin1String(path)), path);
            QVERIFY(paths.value(QLatin1String(path)).toObject().contains(QStringLiteral("get")));
            QVERIFY(!paths.value(QLatin1String(path)).toObject().value(QStringLiteral("get")).toObject()
                         .value(QStringLiteral("summary")).toString().isEmpty());
        }
        // Every documented operation is served: ask for each one. A handler may answer 404 for
        // a record it cannot find; only the router's own "no route" would mean a missing route.
        for (auto it = paths.begin(); it != paths.end(); ++it)
            for (const QString &method : it.value().toObject().keys()) {
                const HttpReply reply = httpRequest(m_server.port(), method.toUpper().toLatin1(), it.key().toLatin1());
                QVERIFY2(reply.status != 0 && reply.status != 405
                             && !reply.json().value(QStringLiteral("error")).toString().startsWith(QStringLiteral("no route")),
                         qPrintable(method + QLatin1Char(' ') + it.key()));
            }
    }

    void metricsAreInPrometheusFormat()
    {
        for (int i = 0; i < 3; ++i)
            httpRequest(m_server.port(), "GET", "/api/health");
        httpRequest(m_server.port(), "GET", "/does-not-exist");
        const HttpReply reply = httpRequest(m_server.port(), "GET", "/metrics");
        QCOMPARE(reply.status, 200);
        QVERIFY(reply.header("content-type").startsWith("text/plain; version=0.0.4"));
        const QByteArray text = reply.body;
        QVERIFY(text.contains("# TYPE caiwu_http_requests_total counter"));
        QVERIFY(text.contains("caiwu_http_requests_total{route=\"/api/health\",status=\"200\"}"));
        QVERIFY(text.contains("caiwu_http_requests_total{route=\"unmatched\",status=\"404\"}"));
        QVERIFY(text.contains("caiwu_http_request_duration_seconds_bucket{le=\"+Inf\"}"));
        QVERIFY(text.contains("caiwu_db_ping_duration_seconds_count"));
        QVERIFY(text.contains("caiwu_http_open_connections "));
        QVERIFY(text.contains("caiwu_disk_free_bytes "));
        QVERIFY(text.contains("caiwu_database_bytes "));
        for (const QByteArray &line : text.split('\n'))
            QVERIFY2(line.isEmpty() || line.startsWith('#') || line.split(' ').size() == 2, line.constData());
    }

    void eachRequestIsOneLogLine()
    {
        const HttpReply reply = httpRequest(m_server.port(), "GET", "/api/version");
        const QByteArray id = reply.header("x-request-id");
        // The log is flushed within a second; wait for the line rather than sleep.
        QTRY_VERIFY_WITH_TIMEOUT(readLogs().contains("id=" + id), 10000);
        const QByteArray log = readLogs();
        QCOMPARE(log.count("id=" + id), 1);
        for (const QByteArray &line : log.split('\n'))
            if (line.contains("id=" + id)) {
                QVERIFY(line.contains(" info caiwu.http GET /api/version 200 "));
                QVERIFY(line.contains("ms id="));
                QVERIFY(line.contains("peer=127.0.0.1"));
            }
    }

    void dataFolderHoldsTheDatabaseAndItsFolders()
    {
        const QString data = m_server.dataDir();
        for (const char *entry : {"caiwu.sqlite", "vouchers", "backups", "logs", "credentials"})
            QVERIFY2(QFileInfo::exists(data + QLatin1Char('/') + QLatin1String(entry)), entry);
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("check"));
        db.setDatabaseName(data + QStringLiteral("/caiwu.sqlite"));
        QVERIFY(db.open());
        QSqlQuery query(db);
        QVERIFY(query.exec(QStringLiteral("SELECT name, length(checksum) FROM schema_migrations ORDER BY version")));
        QVERIFY(query.next());
        QCOMPARE(query.value(0).toString(), QStringLiteral("0001_initial"));
        QCOMPARE(query.value(1).toInt(), 64);
        QVERIFY(query.exec(QStringLiteral("PRAGMA journal_mode")) && query.next());
        QCOMPARE(query.value(0).toString(), QStringLiteral("wal"));
        query.finish();
        db.close();
    }

    void theJwtSecretIsInNoPlainFile()
    {
        // Read the generated key the way an admin could, then look for it everywhere else.
        QProcess decrypt;
        decrypt.start(QStringLiteral("systemd-creds"),
                      {QStringLiteral("decrypt"), QStringLiteral("--name=AUTH_JWT_SECRET"),
                       m_server.dataDir() + QStringLiteral("/credentials/AUTH_JWT_SECRET.cred"), QStringLiteral("-")});
        QVERIFY(decrypt.waitForFinished(30000));
        const QByteArray secret = decrypt.readAllStandardOutput();
        QCOMPARE(secret.size(), 32);
        for (const QString &root : {m_server.dataDir(), m_server.homeDir()}) {
            QDirIterator it(root, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
            while (it.hasNext()) {
                QFile file(it.next());
                QVERIFY(file.open(QIODevice::ReadOnly));
                const QByteArray bytes = file.readAll();
                QVERIFY2(!bytes.contains(secret) && !bytes.contains(secret.toHex()) && !bytes.contains(secret.toBase64()),
                         qPrintable(file.fileName()));
            }
        }
    }
};

QTEST_GUILESS_MAIN(ApiSystemTest)
#include "tst_api_system.moc"
