// Voucher files through a real server (reference §4, issue "Finance API"): each accepted type
// uploaded and read back byte for byte, what is refused (a renamed executable, an oversized
// file, a form without a file), traversal in every spelling, and who may read a voucher.
#include "support/ApiClient.h"
#include "support/FinanceData.h"
#include "support/TestServer.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QRegularExpression>
#include <QTest>

namespace {

// The store's limit for this server: small, so the oversized case stays small.
constexpr qint64 MaxVoucherBytes = 64 * 1024;

QJsonObject matrix(const QStringList &flowActions)
{
    return permissionMatrix(QStringLiteral("finance"), QStringLiteral("flow"), flowActions);
}

} // namespace

class ApiVouchersTest : public QObject {
    Q_OBJECT

private:
    TestServer m_server;
    ApiClient m_admin{0};
    TwoProjects m_places;
    QString m_account, m_category;

    // The voucher files on disk, complete ones and temporary ones alike.
    QStringList filesOnDisk()
    {
        QStringList files;
        QDirIterator it(m_server.dataDir() + QStringLiteral("/vouchers"), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext())
            files << it.next();
        return files;
    }

    HttpReply fetch(const ApiClient &client, const QString &url) { return client.get(url.toUtf8()); }

private Q_SLOTS:
    void initTestCase()
    {
        m_server.setEnv(QStringLiteral("CAIWU_VOUCHERS_MAX_BYTES"), QStringLiteral("64K"));
        QVERIFY2(m_server.startCaiwu(), m_server.output().constData());
        m_admin = signInAdmin(m_server);
        QVERIFY(!m_admin.token().isEmpty());
        m_places = addTwoProjects(m_server);
        m_account = addAccount(m_server, QStringLiteral("基本户"), 100000);
        m_category = addCategory(m_server, QStringLiteral("办公费"), QStringLiteral("expense"));
        QVERIFY(!m_places.siteB.isEmpty() && !m_account.isEmpty() && !m_category.isEmpty());
    }

    void cleanupTestCase()
    {
        m_server.signal(SIGTERM);
        QCOMPARE(m_server.waitForExit(), 0);
    }

    void eachTypeIsStoredAndServedByteForByte_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QByteArray>("sentType");
        QTest::addColumn<QString>("contentType");
        QTest::addColumn<QString>("extension");
        QTest::newRow("jpeg") << jpegFile("each-type") << QByteArray("image/jpeg") << QStringLiteral("image/jpeg") << QStringLiteral("jpg");
        QTest::newRow("png") << pngFile("each-type") << QByteArray("image/png") << QStringLiteral("image/png") << QStringLiteral("png");
        QTest::newRow("webp") << webpFile("each-type") << QByteArray("image/webp") << QStringLiteral("image/webp") << QStringLiteral("webp");
        QTest::newRow("pdf") << pdfFile("each-type") << QByteArray("application/pdf") << QStringLiteral("application/pdf") << QStringLiteral("pdf");
        // The client's Content-Type is not believed: the bytes decide.
        QTest::newRow("png sent as octet-stream") << pngFile("octet") << QByteArray("application/octet-stream") << QStringLiteral("image/png")
                                                  << QStringLiteral("png");
    }
    void eachTypeIsStoredAndServedByteForByte()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QByteArray, sentType);
        QFETCH(QString, contentType);
        QFETCH(QString, extension);
        const HttpReply reply = uploadFile(m_admin, bytes, "receipt." + extension.toLatin1(), sentType);
        QCOMPARE(reply.status, 200);
        const QJsonObject body = reply.json();
        const QString key = body.value(QStringLiteral("key")).toString();
        QVERIFY2(QRegularExpression(QStringLiteral("^[0-9a-f]{64}\\.") + extension + QLatin1Char('$')).match(key).hasMatch(), qPrintable(key));
        QCOMPARE(body.value(QStringLiteral("url")).toString(), QStringLiteral("/api/vouchers/") + key);
        QCOMPARE(body.value(QStringLiteral("contentType")).toString(), contentType);
        QCOMPARE(body.value(QStringLiteral("size")).toInteger(), bytes.size());

        const HttpReply served = fetch(m_admin, body.value(QStringLiteral("url")).toString());
        QCOMPARE(served.status, 200);
        QCOMPARE(served.body, bytes);
        QCOMPARE(served.header("content-type"), contentType.toLatin1());
        QCOMPARE(served.header("x-content-type-options"), QByteArray("nosniff"));
        // On disk under its content hash, whole.
        QFile file(m_server.dataDir() + QStringLiteral("/vouchers/") + key.left(2) + QLatin1Char('/') + key);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), bytes);
    }

    void sameBytesTwiceGiveTheSameKey()
    {
        const QByteArray bytes = pdfFile("dedup");
        const HttpReply first = uploadFile(m_admin, bytes, "a.pdf", "application/pdf");
        const int files = filesOnDisk().size();
        const HttpReply second = uploadFile(m_admin, bytes, "b.pdf", "application/pdf");
        QCOMPARE(first.status, 200);
        QCOMPARE(second.status, 200);
        QCOMPARE(second.json().value(QStringLiteral("key")), first.json().value(QStringLiteral("key")));
        QCOMPARE(filesOnDisk().size(), files);
    }

    void aRenamedExecutableIsRefused()
    {
        const QStringList before = filesOnDisk();
        const QByteArray elf = QByteArray("\x7F" "ELF\x02\x01\x01\x00", 8) + QByteArray(120, '\0');
        const HttpReply reply = uploadFile(m_admin, elf, "receipt.jpg", "image/jpeg");
        QCOMPARE(reply.status, 400);
        QCOMPARE(reply.json().value(QStringLiteral("code")).toString(), QStringLiteral("VALIDATION_ERROR"));
        QVERIFY2(reply.json().value(QStringLiteral("error")).toString().contains(QStringLiteral("JPEG")), reply.body.constData());
        QCOMPARE(filesOnDisk(), before);
    }

    void aFileOverTheLimitIs413()
    {
        const QStringList before = filesOnDisk();
        const QByteArray head = jpegFile("limit");
        const HttpReply over = uploadFile(m_admin, head + QByteArray(MaxVoucherBytes + 1 - head.size(), 'x'));
        QCOMPARE(over.status, 413);
        QVERIFY2(over.json().value(QStringLiteral("error")).toString().contains(QStringLiteral("64 KiB")), over.body.constData());
        QCOMPARE(filesOnDisk(), before);
        // Exactly the limit is accepted.
        QCOMPARE(uploadFile(m_admin, head + QByteArray(MaxVoucherBytes - head.size(), 'x')).status, 200);
    }

    void aBodyOverTheServersLimitIs413BeforeItIsRead()
    {
        // 12 MiB + 1 announced, nothing sent: the answer comes without waiting for the body.
        RawClient client;
        QVERIFY(client.connectTo(m_server.port()));
        client.send("POST /api/upload/voucher HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + m_admin.token()
                    + "\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: "
                    + QByteArray::number(12 * 1024 * 1024 + 1) + "\r\n\r\n");
        QCOMPARE(client.readReply(false, 5000).status, 413);
    }

    void aFormWithoutAFileIsRefused_data()
    {
        QTest::addColumn<QByteArray>("contentType");
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("json") << QByteArray("application/json") << QByteArray("{\"file\":\"x\"}");
        QTest::newRow("no boundary") << QByteArray("multipart/form-data") << QByteArray("--x\r\n\r\n--x--\r\n");
        QTest::newRow("other field") << QByteArray("multipart/form-data; boundary=b")
                                     << QByteArray("--b\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"a.jpg\"\r\n\r\n")
                + jpegFile() + "\r\n--b--\r\n";
        QTest::newRow("empty file") << QByteArray("multipart/form-data; boundary=b")
                                    << QByteArray("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jpg\"\r\n\r\n\r\n--b--\r\n");
        QTest::newRow("empty body") << QByteArray("multipart/form-data; boundary=b") << QByteArray();
    }
    void aFormWithoutAFileIsRefused()
    {
        QFETCH(QByteArray, contentType);
        QFETCH(QByteArray, body);
        const HttpReply reply = httpRequest(m_server.port(), "POST", "/api/upload/voucher", body,
                                            {{"Content-Type", contentType}, {"Authorization", "Bearer " + m_admin.token()}});
        QCOMPARE(reply.status, 400);
        QCOMPARE(reply.json().value(QStringLiteral("code")).toString(), QStringLiteral("VALIDATION_ERROR"));
        QVERIFY(!reply.json().value(QStringLiteral("error")).toString().isEmpty());
    }

    void traversalNeverServesAFile_data()
    {
        QTest::addColumn<QByteArray>("target");
        QTest::newRow("dot-dot") << QByteArray("/api/vouchers/../caiwu.sqlite");
        QTest::newRow("dot-dot twice") << QByteArray("/api/vouchers/../../data/caiwu.sqlite");
        QTest::newRow("encoded") << QByteArray("/api/vouchers/%2e%2e%2fcaiwu.sqlite");
        QTest::newRow("encoded upper") << QByteArray("/api/vouchers/%2E%2E%2Fcaiwu.sqlite");
        QTest::newRow("double encoded") << QByteArray("/api/vouchers/%252e%252e%252fcaiwu.sqlite");
        QTest::newRow("backslash") << QByteArray("/api/vouchers/..\\caiwu.sqlite");
        QTest::newRow("encoded backslash") << QByteArray("/api/vouchers/..%5ccaiwu.sqlite");
        QTest::newRow("legacy folder") << QByteArray("/api/vouchers/vouchers/../../x");
        QTest::newRow("legacy folder encoded") << QByteArray("/api/vouchers/vouchers/..%2f..%2fcaiwu.sqlite");
        QTest::newRow("absolute") << QByteArray("/api/vouchers//etc/passwd");
        QTest::newRow("nul") << QByteArray("/api/vouchers/caiwu.sqlite%00.jpg");
        QTest::newRow("overlong utf-8 dot") << QByteArray("/api/vouchers/%c0%ae%c0%ae/caiwu.sqlite");
        QTest::newRow("fan-out folder") << QByteArray("/api/vouchers/ab");
    }
    void traversalNeverServesAFile()
    {
        QFETCH(QByteArray, target);
        const HttpReply reply = m_admin.get(target);
        // Every spelling reaches the voucher route and fails its key check: none is a key.
        QVERIFY2(reply.status == 400, reply.statusLine.constData());
        QCOMPARE(reply.json().value(QStringLiteral("code")).toString(), QStringLiteral("VALIDATION_ERROR"));
        QVERIFY(!reply.body.startsWith("SQLite format 3"));
        QVERIFY(!reply.body.contains("root:"));
    }

    void aKeyNobodyStoredIsNotFound()
    {
        QCOMPARE(m_admin.get("/api/vouchers/" + QByteArray(64, 'a') + ".jpg").status, 404);
        QCOMPARE(m_admin.get("/api/vouchers/" + QByteArray(64, 'a') + ".exe").status, 400);
    }

    void signInIsRequired()
    {
        const ApiClient anonymous(m_server.port());
        QCOMPARE(uploadFile(anonymous, jpegFile("anonymous")).status, 401);
        const QString url = uploadVoucher(m_admin);
        QCOMPARE(fetch(anonymous, url).status, 401);
    }

    void uploadingNeedsARightToRecord()
    {
        const ApiClient viewer = signInWithPosition(m_server, QStringLiteral("flow_viewer_only"), QStringLiteral("all"), matrix({QStringLiteral("view")}));
        const HttpReply reply = uploadFile(viewer, jpegFile("viewer"));
        QCOMPARE(reply.status, 403);
        QCOMPARE(reply.json().value(QStringLiteral("code")).toString(), QStringLiteral("FORBIDDEN"));
        // Any one of the recording rights is enough, not only finance.flow.create.
        const ApiClient transferClerk = signInWithPosition(m_server, QStringLiteral("transfer_clerk"), QStringLiteral("all"),
                                              permissionMatrix(QStringLiteral("finance"), QStringLiteral("transfer"), {QStringLiteral("create")}));
        QCOMPARE(uploadFile(transferClerk, jpegFile("transfer clerk")).status, 200);
    }

    void aVoucherIsReadOnlyByWhoMaySeeIt()
    {
        // The uploader: a clerk of project A who records but may not browse flows.
        const ApiClient clerk = signInWithPosition(m_server, QStringLiteral("clerk_a"), QStringLiteral("project"), matrix({QStringLiteral("create")}), m_places.projectA);
        const ApiClient otherClerk = signInWithPosition(m_server, QStringLiteral("clerk_other"), QStringLiteral("all"), matrix({QStringLiteral("create")}));
        const ApiClient viewerA = signInWithPosition(m_server, QStringLiteral("viewer_a"), QStringLiteral("project"), matrix({QStringLiteral("view")}), m_places.projectA);
        const ApiClient viewerB = signInWithPosition(m_server, QStringLiteral("viewer_b"), QStringLiteral("project"), matrix({QStringLiteral("view")}), m_places.projectB);
        const QString url = uploadVoucher(clerk);
        QVERIFY(!url.isEmpty());

        // Not referenced yet: only its uploader (and nobody else, whatever their scope).
        QCOMPARE(fetch(clerk, url).status, 200);
        QCOMPARE(fetch(otherClerk, url).status, 404);
        QCOMPARE(fetch(viewerA, url).status, 404);
        QCOMPARE(fetch(viewerB, url).status, 404);

        // Nobody else may make a record point at it to be let in: that is refused like a file
        // that does not exist, and writes nothing.
        const qint64 flows = countRows(m_server, QStringLiteral("cash_flows"));
        const HttpReply borrowed = otherClerk.post("/api/flows", cashFlowBody(m_account, m_category, QStringLiteral("expense"), 1,
                                                                              QStringLiteral("2024-03-01"), url));
        QCOMPARE(borrowed.status, 400);
        QCOMPARE(borrowed.json().value(QStringLiteral("details")).toObject().value(QStringLiteral("path")).toString(), QStringLiteral("voucherUrls[0]"));
        QCOMPARE(countRows(m_server, QStringLiteral("cash_flows")), flows);
        const ApiClient transferClerk = signInWithPosition(m_server, QStringLiteral("transfer_clerk_b"), QStringLiteral("all"),
                                              permissionMatrix(QStringLiteral("finance"), QStringLiteral("transfer"), {QStringLiteral("create")}));
        const HttpReply viaTransfer = transferClerk.post("/api/account-transfers", {{QStringLiteral("transferDate"), QStringLiteral("2024-03-01")},
                                                                                    {QStringLiteral("fromAccountId"), m_account},
                                                                                    {QStringLiteral("toAccountId"), addAccount(m_server, QStringLiteral("另一户"))},
                                                                                    {QStringLiteral("fromAmountCents"), 1},
                                                                                    {QStringLiteral("toAmountCents"), 1},
                                                                                    {QStringLiteral("voucherUrl"), url}});
        QCOMPARE(viaTransfer.status, 400);
        QCOMPARE(countRows(m_server, QStringLiteral("account_transfers")), 0);
        QCOMPARE(fetch(otherClerk, url).status, 404);
        QCOMPARE(fetch(transferClerk, url).status, 404);

        // A flow of project A references it: project A's viewers may now see it, B's may not.
        QJsonObject inA = cashFlowBody(m_account, m_category, QStringLiteral("expense"), 1234, QStringLiteral("2024-03-01"), url);
        inA.insert(QStringLiteral("siteId"), m_places.siteA);
        const HttpReply flow = clerk.post("/api/flows", inA);
        QCOMPARE(flow.status, 200);
        QCOMPARE(fetch(viewerA, url).status, 200);
        QCOMPARE(fetch(viewerA, url).body.left(3), QByteArray("\xFF\xD8\xFF"));
        QCOMPARE(fetch(viewerB, url).status, 404);
        QCOMPARE(fetch(otherClerk, url).status, 404);
        QCOMPARE(fetch(m_admin, url).status, 200);
        QCOMPARE(fetch(clerk, url).status, 200);

        // Uploading the same bytes makes one an uploader too (it is their file as well).
        const HttpReply again = uploadFile(otherClerk, fetch(clerk, url).body);
        QCOMPARE(again.json().value(QStringLiteral("url")).toString(), url);
        QCOMPARE(fetch(otherClerk, url).status, 200);
    }
};

QTEST_GUILESS_MAIN(ApiVouchersTest)
#include "tst_api_vouchers.moc"
