// Transfers between accounts through a real server (reference §1.14, issue "Finance API"):
// both ledger legs and the transfer row together, across currencies with a rate that must
// agree with the amounts, what is refused (with nothing written), the list, and who may.
#include "support/ApiClient.h"
#include "support/FinanceData.h"
#include "support/TestServer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QTest>

class ApiTransfersTest : public QObject {
    Q_OBJECT

private:
    TestServer m_server;
    ApiClient m_admin{0};
    QString m_cashA, m_cashB, m_dollars, m_closed;

    QJsonObject transfer(const QString &from, const QString &to, qint64 out, qint64 in, const QString &date = QStringLiteral("2024-02-01"))
    {
        return {{QStringLiteral("transferDate"), date}, {QStringLiteral("fromAccountId"), from}, {QStringLiteral("toAccountId"), to},
                {QStringLiteral("fromAmountCents"), out}, {QStringLiteral("toAmountCents"), in}};
    }

    QString create(const QJsonObject &body)
    {
        const HttpReply reply = m_admin.post("/api/account-transfers", body);
        if (reply.status != 200)
            qWarning("transfer failed: %d %s", reply.status, reply.body.constData());
        return reply.json().value(QStringLiteral("id")).toString();
    }

    ApiClient staff(const QString &code, const QStringList &transferRights)
    {
        return signInWithPosition(m_server, code, QStringLiteral("all"),
                                  permissionMatrix(QStringLiteral("finance"), QStringLiteral("transfer"), transferRights));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_server.startCaiwu(), m_server.output().constData());
        m_admin = signInAdmin(m_server);
        QVERIFY(!m_admin.token().isEmpty());
        m_cashA = addAccount(m_server, QStringLiteral("人民币甲"), 100000);
        m_cashB = addAccount(m_server, QStringLiteral("人民币乙"), 0);
        m_dollars = addAccount(m_server, QStringLiteral("美元户"), 50000, QStringLiteral("USD"));
        m_closed = addAccount(m_server, QStringLiteral("已销户"), 0, QStringLiteral("CNY"), false);
        QVERIFY(!m_closed.isEmpty());
    }

    void cleanupTestCase()
    {
        m_server.signal(SIGTERM);
        QCOMPARE(m_server.waitForExit(), 0);
    }

    void aTransferPostsBothLegs()
    {
        const QString voucher = uploadVoucher(m_admin);
        QJsonObject body = transfer(m_cashA, m_cashB, 30000, 30000);
        body.insert(QStringLiteral("memo"), QStringLiteral("备用金"));
        body.insert(QStringLiteral("voucherUrl"), voucher);
        const QString id = create(body);
        QVERIFY(!id.isEmpty());
        const auto legs = querySql(m_server, QStringLiteral("SELECT account_id, transaction_type, amount_cents, balance_before_cents, "
                                                            "balance_after_cents FROM account_transactions WHERE flow_id = ? ORDER BY transaction_type"),
                                   {id});
        QCOMPARE(legs.size(), 2);
        QCOMPARE(legs[0], (QVariantList{m_cashB, QStringLiteral("transfer_in"), 30000, 0, 30000}));
        QCOMPARE(legs[1], (QVariantList{m_cashA, QStringLiteral("transfer_out"), -30000, 100000, 70000}));
        QCOMPARE(ledgerBalance(m_server, m_cashA), 70000);
        QCOMPARE(ledgerBalance(m_server, m_cashB), 30000);
        QCOMPARE(countRows(m_server, QStringLiteral("cash_flows")), 0); // a transfer is not income or expense

        const QJsonObject detail = m_admin.get("/api/account-transfers/" + id.toUtf8()).json();
        QCOMPARE(detail.value(QStringLiteral("fromAccountName")).toString(), QStringLiteral("人民币甲"));
        QCOMPARE(detail.value(QStringLiteral("toAccountName")).toString(), QStringLiteral("人民币乙"));
        QCOMPARE(detail.value(QStringLiteral("fromCurrency")).toString(), QStringLiteral("CNY"));
        QCOMPARE(detail.value(QStringLiteral("toAccountCurrency")).toString(), QStringLiteral("CNY"));
        QCOMPARE(detail.value(QStringLiteral("fromAmountCents")).toInteger(), 30000);
        QVERIFY(detail.value(QStringLiteral("exchangeRate")).isNull());
        QCOMPARE(detail.value(QStringLiteral("memo")).toString(), QStringLiteral("备用金"));
        QCOMPARE(detail.value(QStringLiteral("voucherUrl")).toString(), voucher);
        QCOMPARE(m_admin.get("/api/account-transfers/no-such-transfer").status, 404);
        // Whoever may see transfers may see its receipt.
        const ApiClient viewer = staff(QStringLiteral("transfer_viewer"), {QStringLiteral("view")});
        QCOMPARE(viewer.get(voucher.toUtf8()).status, 200);
    }

    void acrossCurrenciesBothAmountsAreBooked()
    {
        const qint64 a = ledgerBalance(m_server, m_cashA);
        QJsonObject body = transfer(m_dollars, m_cashA, 10000, 71234);
        body.insert(QStringLiteral("exchangeRate"), 7.1234);
        const QString id = create(body);
        QVERIFY(!id.isEmpty());
        QCOMPARE(ledgerBalance(m_server, m_dollars), 40000);
        QCOMPARE(ledgerBalance(m_server, m_cashA), a + 71234);
        const QJsonObject detail = m_admin.get("/api/account-transfers/" + id.toUtf8()).json();
        QCOMPARE(detail.value(QStringLiteral("fromCurrency")).toString(), QStringLiteral("USD"));
        QCOMPARE(detail.value(QStringLiteral("toCurrency")).toString(), QStringLiteral("CNY"));
        QCOMPARE(detail.value(QStringLiteral("exchangeRate")).toDouble(), 7.1234);
        // The rate may leave a rounding of less than a cent: 333 × 0.333 = 110.889.
        QJsonObject rounded = transfer(m_cashB, m_dollars, 333, 111);
        rounded.insert(QStringLiteral("exchangeRate"), 0.333);
        QVERIFY(!create(rounded).isEmpty());
        // Exact on large amounts and long rates too: 10^10 × 7.1234567 = 71234567000.
        QJsonObject large = transfer(m_dollars, m_cashA, 10'000'000'000, 71'234'567'000);
        large.insert(QStringLiteral("exchangeRate"), 7.1234567);
        QVERIFY(!create(large).isEmpty());
        // Without a rate the two amounts are what the bank booked.
        QVERIFY(!create(transfer(m_cashB, m_dollars, 1000, 140)).isEmpty());
        QCOMPARE(ledgerProblems(m_server, m_dollars), QString());
        QCOMPARE(balanceFromRecords(m_server, m_dollars), ledgerBalance(m_server, m_dollars));
    }

    void badTransfersAreRefusedAndWriteNothing_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("field");
        auto body = [this](const QString &from, const QString &to, const QByteArray &out, const QByteArray &in, const QByteArray &extra = {}) {
            return "{\"transferDate\":\"2024-02-02\",\"fromAccountId\":\"" + from.toUtf8() + "\",\"toAccountId\":\"" + to.toUtf8()
                + "\",\"fromAmountCents\":" + out + ",\"toAmountCents\":" + in + extra + "}";
        };
        QTest::newRow("rate disagrees") << body(m_dollars, m_cashA, "10000", "70000", ",\"exchangeRate\":7.1234") << QStringLiteral("toAmountCents");
        QTest::newRow("rate off by more than a cent") << body(m_cashB, m_dollars, "333", "112", ",\"exchangeRate\":0.333") << QStringLiteral("toAmountCents");
        // ¥100,000,000 at 7: 50 cents off is not "to the cent", however large the amount.
        QTest::newRow("rate off by 50 cents on a large amount") << body(m_dollars, m_cashA, "10000000000", "70000000050", ",\"exchangeRate\":7")
                                                                << QStringLiteral("toAmountCents");
        QTest::newRow("rate off by one cent") << body(m_dollars, m_cashA, "100", "151", ",\"exchangeRate\":1.5") << QStringLiteral("toAmountCents");
        QTest::newRow("same currency, two amounts") << body(m_cashA, m_cashB, "1000", "999") << QStringLiteral("toAmountCents");
        QTest::newRow("same currency, a rate") << body(m_cashA, m_cashB, "1000", "1000", ",\"exchangeRate\":2") << QStringLiteral("toAmountCents");
        QTest::newRow("same account") << body(m_cashA, m_cashA, "1000", "1000") << QStringLiteral("toAccountId");
        QTest::newRow("closed source") << body(m_closed, m_cashA, "1000", "1000") << QStringLiteral("fromAccountId");
        QTest::newRow("closed target") << body(m_cashA, m_closed, "1000", "1000") << QStringLiteral("toAccountId");
        QTest::newRow("unknown source") << body(QStringLiteral("nope"), m_cashA, "1000", "1000") << QStringLiteral("fromAccountId");
        QTest::newRow("unknown target") << body(m_cashA, QStringLiteral("nope"), "1000", "1000") << QStringLiteral("toAccountId");
        QTest::newRow("fraction of a cent") << body(m_cashA, m_cashB, "12.5", "12.5") << QStringLiteral("fromAmountCents");
        QTest::newRow("amount as text") << body(m_cashA, m_cashB, "\"100\"", "100") << QStringLiteral("fromAmountCents");
        QTest::newRow("zero") << body(m_cashA, m_cashB, "1000", "0") << QStringLiteral("toAmountCents");
        QTest::newRow("rate as text") << body(m_dollars, m_cashA, "100", "712", ",\"exchangeRate\":\"7.12\"") << QStringLiteral("exchangeRate");
        QTest::newRow("rate zero") << body(m_dollars, m_cashA, "100", "712", ",\"exchangeRate\":0") << QStringLiteral("exchangeRate");
        QTest::newRow("rate negative") << body(m_dollars, m_cashA, "100", "712", ",\"exchangeRate\":-7.12") << QStringLiteral("exchangeRate");
        QTest::newRow("no such day") << QByteArray(body(m_cashA, m_cashB, "1", "1")).replace("2024-02-02", "2024-02-31") << QStringLiteral("transferDate");
        QTest::newRow("voucher never uploaded") << body(m_cashA, m_cashB, "1", "1", ",\"voucherUrl\":\"/api/vouchers/" + QByteArray(64, 'b') + ".jpg\"")
                                                << QStringLiteral("voucherUrl");
    }
    void badTransfersAreRefusedAndWriteNothing()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, field);
        const qint64 transfers = countRows(m_server, QStringLiteral("account_transfers"));
        const qint64 ledger = countRows(m_server, QStringLiteral("account_transactions"));
        const HttpReply reply = httpRequest(m_server.port(), "POST", "/api/account-transfers", json,
                                            {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + m_admin.token()}});
        QVERIFY2(reply.status == 400, reply.body.constData());
        QCOMPARE(reply.json().value(QStringLiteral("code")).toString(), QStringLiteral("VALIDATION_ERROR"));
        QCOMPARE(reply.json().value(QStringLiteral("details")).toObject().value(QStringLiteral("path")).toString(), field);
        QCOMPARE(countRows(m_server, QStringLiteral("account_transfers")), transfers);
        QCOMPARE(countRows(m_server, QStringLiteral("account_transactions")), ledger);
    }

    void theListFilters()
    {
        const QString early = create(transfer(m_cashA, m_cashB, 100, 100, QStringLiteral("2023-05-01")));
        const QString late = create(transfer(m_cashB, m_cashA, 200, 200, QStringLiteral("2023-05-20")));
        auto ids = [this](const QByteArray &query) {
            const HttpReply reply = m_admin.get("/api/account-transfers" + query);
            QSet<QString> found;
            for (const QJsonValue &v : reply.json().value(QStringLiteral("results")).toArray())
                found.insert(v.toObject().value(QStringLiteral("id")).toString());
            return found;
        };
        const QJsonObject plain = m_admin.get("/api/account-transfers").json();
        QCOMPARE(plain.keys(), QStringList{QStringLiteral("results")});
        const QJsonObject first = plain.value(QStringLiteral("results")).toArray().first().toObject();
        for (const char *field : {"id", "transferDate", "fromAccountId", "toAccountId", "fromCurrency", "toCurrency", "fromAmountCents",
                                  "toAmountCents", "exchangeRate", "memo", "voucherUrl", "createdBy", "createdAt", "fromAccountName",
                                  "fromAccountCurrency", "toAccountName", "toAccountCurrency"})
            QVERIFY2(first.contains(QLatin1String(field)), field);
        QCOMPARE(ids("?startDate=2023-05-01&endDate=2023-05-31"), (QSet<QString>{early, late}));
        QCOMPARE(ids("?from=2023-05-02&to=2023-05-31"), QSet<QString>{late});
        QCOMPARE(ids("?startDate=2023-05-01&endDate=2023-05-31&fromAccountId=" + m_cashA.toUtf8()), QSet<QString>{early});
        QCOMPARE(ids("?startDate=2023-05-01&endDate=2023-05-31&toAccountId=" + m_cashA.toUtf8()), QSet<QString>{late});
        QCOMPARE(ids("?limit=1").size(), 1);
        // A page asked for says how many there are in all, and the next page continues the list.
        const QJsonObject page = m_admin.get("/api/account-transfers?startDate=2023-05-01&endDate=2023-05-31&limit=1").json();
        QCOMPARE(page.value(QStringLiteral("total")).toInt(), 2);
        QCOMPARE(page.value(QStringLiteral("limit")).toInt(), 1);
        QCOMPARE(ids("?startDate=2023-05-01&endDate=2023-05-31&limit=1&offset=1"), QSet<QString>{early});
        QCOMPARE(m_admin.get("/api/account-transfers?limit=0").status, 400);
        QCOMPARE(m_admin.get("/api/account-transfers?startDate=2023-5-1").status, 400);
    }

    void whoMayTransfer()
    {
        const ApiClient anonymous(m_server.port());
        QCOMPARE(anonymous.get("/api/account-transfers").status, 401);
        QCOMPARE(anonymous.get("/api/account-transfers/x").status, 401);
        QCOMPARE(anonymous.post("/api/account-transfers", transfer(m_cashA, m_cashB, 1, 1)).status, 401);
        const ApiClient viewer = staff(QStringLiteral("viewer_only"), {QStringLiteral("view")});
        const ApiClient clerk = staff(QStringLiteral("create_only"), {QStringLiteral("create")});
        const qint64 transfers = countRows(m_server, QStringLiteral("account_transfers"));
        const HttpReply refused = viewer.post("/api/account-transfers", transfer(m_cashA, m_cashB, 1, 1));
        QCOMPARE(refused.status, 403);
        QCOMPARE(refused.json().value(QStringLiteral("code")).toString(), QStringLiteral("FORBIDDEN"));
        QCOMPARE(countRows(m_server, QStringLiteral("account_transfers")), transfers);
        QCOMPARE(viewer.get("/api/account-transfers").status, 200);
        QCOMPARE(clerk.get("/api/account-transfers").status, 403);
        QCOMPARE(clerk.post("/api/account-transfers", transfer(m_cashA, m_cashB, 1, 1)).status, 200);
    }
};

QTEST_GUILESS_MAIN(ApiTransfersTest)
#include "tst_api_transfers.moc"
