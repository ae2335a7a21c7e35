// Receivables and payables through a real server (reference §1.4, issue "Finance API"):
// numbering, settlement by cash flows (open → partially_settled → settled), one-step
// confirmation into a cash flow exactly once, statements, what is refused (with nothing
// written), AR and AP permissions kept apart, and data scope.
#include "support/ApiClient.h"
#include "support/FinanceData.h"
#include "support/TestServer.h"

#include <QJsonArray>
#include <QSet>
#include <QTest>

namespace {

QJsonObject rights(const QString &sub, const QStringList &actions) { return permissionMatrix(QStringLiteral("finance"), sub, actions); }

const QStringList Everything{QStringLiteral("view"), QStringLiteral("create"), QStringLiteral("settle"), QStringLiteral("confirm")};

} // namespace

class ApiArApTest : public QObject {
    Q_OBJECT

private:
    TestServer m_server;
    ApiClient m_admin{0};
    TwoProjects m_places;
    QString m_account, m_income, m_expense;

    QJsonObject createDoc(const ApiClient &client, const QJsonObject &body, const QByteArray &family = "ar")
    {
        const HttpReply reply = client.post("/api/" + family + "/docs", body);
        if (reply.status != 200)
            qWarning("create failed: %d %s", reply.status, reply.body.constData());
        return reply.json();
    }

    QString flow(const QString &type, qint64 cents)
    {
        const HttpReply reply = m_admin.post("/api/flows", cashFlowBody(m_account, type == QLatin1String("income") ? m_income : m_expense, type,
                                                                        cents, QStringLiteral("2024-04-10"), uploadVoucher(m_admin)));
        return reply.json().value(QStringLiteral("id")).toString();
    }

    HttpReply settle(const QString &doc, const QString &flowId, qint64 cents, const QByteArray &family = "ar")
    {
        return m_admin.post("/api/" + family + "/settlements", {{QStringLiteral("docId"), doc}, {QStringLiteral("flowId"), flowId},
                                                                {QStringLiteral("settleAmountCents"), cents},
                                                                {QStringLiteral("settleDate"), QStringLiteral("2024-04-11")}});
    }

    QJsonObject statement(const QString &doc, const QByteArray &family = "ar")
    {
        return m_admin.get("/api/" + family + "/statement?docId=" + doc.toUtf8()).json();
    }

    QJsonObject confirmation(const QString &doc, const QString &category)
    {
        return {{QStringLiteral("docId"), doc}, {QStringLiteral("accountId"), m_account}, {QStringLiteral("categoryId"), category},
                {QStringLiteral("bizDate"), QStringLiteral("2024-04-12")}, {QStringLiteral("voucherUrl"), uploadVoucher(m_admin)}};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_server.startCaiwu(), m_server.output().constData());
        m_admin = signInAdmin(m_server);
        QVERIFY(!m_admin.token().isEmpty());
        m_places = addTwoProjects(m_server);
        m_account = addAccount(m_server, QStringLiteral("收款户"), 0);
        m_income = addCategory(m_server, QStringLiteral("工程款"), QStringLiteral("income"));
        m_expense = addCategory(m_server, QStringLiteral("分包款"), QStringLiteral("expense"));
        QVERIFY(!m_expense.isEmpty());
    }

    void cleanupTestCase()
    {
        m_server.signal(SIGTERM);
        QCOMPARE(m_server.waitForExit(), 0);
    }

    void documentsAreNumberedPerKindAndDay()
    {
        const QJsonObject day{{QStringLiteral("issueDate"), QStringLiteral("2024-04-01")}, {QStringLiteral("amountCents"), 100}};
        QJsonObject ar = day;
        ar.insert(QStringLiteral("kind"), QStringLiteral("AR"));
        QCOMPARE(createDoc(m_admin, ar).value(QStringLiteral("docNo")).toString(), QStringLiteral("AR20240401-001"));
        QCOMPARE(createDoc(m_admin, ar).value(QStringLiteral("docNo")).toString(), QStringLiteral("AR20240401-002"));
        // Payables count on their own, through either path family.
        QCOMPARE(createDoc(m_admin, day, "ap").value(QStringLiteral("docNo")).toString(), QStringLiteral("AP20240401-001"));
        QJsonObject manual = ar;
        manual.insert(QStringLiteral("docNo"), QStringLiteral("AR20240401-002"));
        const qint64 docs = countRows(m_server, QStringLiteral("ar_ap_docs"));
        QCOMPARE(m_admin.post("/api/ar/docs", manual).status, 409);
        QCOMPARE(countRows(m_server, QStringLiteral("ar_ap_docs")), docs);
        // No issue date: today in the office, and a number of that day.
        QJsonObject today{{QStringLiteral("kind"), QStringLiteral("AR")}, {QStringLiteral("amountCents"), 100}};
        const QString id = createDoc(m_admin, today).value(QStringLiteral("id")).toString();
        const QJsonObject doc = statement(id).value(QStringLiteral("doc")).toObject();
        QCOMPARE(doc.value(QStringLiteral("docNo")).toString(),
                 QStringLiteral("AR") + doc.value(QStringLiteral("issueDate")).toString().remove(QLatin1Char('-')) + QStringLiteral("-001"));
        QCOMPARE(doc.value(QStringLiteral("status")).toString(), QStringLiteral("open"));
    }

    void badDocumentsAreRefused_data()
    {
        QTest::addColumn<QJsonObject>("body");
        QTest::addColumn<QString>("field");
        const QJsonObject ok{{QStringLiteral("kind"), QStringLiteral("AR")}, {QStringLiteral("amountCents"), 100}};
        auto with = [&ok](const QString &k, const QJsonValue &v) { QJsonObject o = ok; o.insert(k, v); return o; };
        QTest::newRow("kind") << with(QStringLiteral("kind"), QStringLiteral("XX")) << QStringLiteral("kind");
        QTest::newRow("fraction") << with(QStringLiteral("amountCents"), 12.5) << QStringLiteral("amountCents");
        QTest::newRow("text amount") << with(QStringLiteral("amountCents"), QStringLiteral("100")) << QStringLiteral("amountCents");
        QTest::newRow("zero") << with(QStringLiteral("amountCents"), 0) << QStringLiteral("amountCents");
        QTest::newRow("issue date") << with(QStringLiteral("issueDate"), QStringLiteral("2024-02-30")) << QStringLiteral("issueDate");
        QJsonObject due = with(QStringLiteral("issueDate"), QStringLiteral("2024-04-10"));
        due.insert(QStringLiteral("dueDate"), QStringLiteral("2024-04-09"));
        QTest::newRow("due before issue") << due << QStringLiteral("dueDate");
        QTest::newRow("site") << with(QStringLiteral("siteId"), QStringLiteral("nope")) << QStringLiteral("siteId");
        const QString closed = addSite(m_server, m_places.projectA, QStringLiteral("已关站"));
        execSql(m_server, QStringLiteral("UPDATE sites SET active = 0 WHERE id = ?"), {closed});
        QTest::newRow("closed site") << with(QStringLiteral("siteId"), closed) << QStringLiteral("siteId");
        QTest::newRow("number shape") << with(QStringLiteral("docNo"), QStringLiteral("AR 2024/04")) << QStringLiteral("docNo");
        // Too long for the automatic form: the day's numbering would run out of range after it.
        QTest::newRow("number too long") << with(QStringLiteral("docNo"), QStringLiteral("AR20240401-4294967297")) << QStringLiteral("docNo");
        QTest::newRow("project") << with(QStringLiteral("departmentId"), QStringLiteral("nope")) << QStringLiteral("departmentId");
    }
    void badDocumentsAreRefused()
    {
        QFETCH(QJsonObject, body);
        QFETCH(QString, field);
        const qint64 docs = countRows(m_server, QStringLiteral("ar_ap_docs"));
        const HttpReply reply = m_admin.post("/api/ar/docs", body);
        QVERIFY2(reply.status == 400, reply.body.constData());
        QCOMPARE(reply.json().value(QStringLiteral("details")).toObject().value(QStringLiteral("path")).toString(), field);
        QCOMPARE(countRows(m_server, QStringLiteral("ar_ap_docs")), docs);
    }

    void settlementsMoveTheStatus()
    {
        const QString doc = createDoc(m_admin, {{QStringLiteral("kind"), QStringLiteral("AR")}, {QStringLiteral("amountCents"), 100000},
                                                {QStringLiteral("siteId"), m_places.siteA}}).value(QStringLiteral("id")).toString();
        const QString first = flow(QStringLiteral("income"), 60000);
        QCOMPARE(settle(doc, first, 40000).status, 200);
        QJsonObject s = statement(doc);
        QCOMPARE(s.value(QStringLiteral("doc")).toObject().value(QStringLiteral("status")).toString(), QStringLiteral("partially_settled"));
        QCOMPARE(s.value(QStringLiteral("doc")).toObject().value(QStringLiteral("siteName")).toString(), QStringLiteral("甲站"));
        QCOMPARE(s.value(QStringLiteral("doc")).toObject().value(QStringLiteral("departmentId")).toString(), m_places.projectA);
        QCOMPARE(s.value(QStringLiteral("settledCents")).toInteger(), 40000);
        QCOMPARE(s.value(QStringLiteral("remainingCents")).toInteger(), 60000);
        QCOMPARE(s.value(QStringLiteral("settlements")).toArray().size(), 1);

        const qint64 settlements = countRows(m_server, QStringLiteral("settlements"));
        auto refused = [&](const HttpReply &reply, const QString &field) {
            QVERIFY2(reply.status == 400, reply.body.constData());
            QCOMPARE(reply.json().value(QStringLiteral("details")).toObject().value(QStringLiteral("path")).toString(), field);
            QCOMPARE(countRows(m_server, QStringLiteral("settlements")), settlements);
        };
        // The flow has only 20000 left; the document 60000.
        refused(settle(doc, first, 20001), QStringLiteral("settleAmountCents"));
        const QString big = flow(QStringLiteral("income"), 500000);
        refused(settle(doc, big, 60001), QStringLiteral("settleAmountCents"));
        refused(settle(doc, flow(QStringLiteral("expense"), 1000), 1000), QStringLiteral("flowId"));   // a receivable takes income
        refused(settle(doc, QStringLiteral("no-such-flow"), 1000), QStringLiteral("flowId"));
        const QString reversed = flow(QStringLiteral("income"), 5000);
        QCOMPARE(m_admin.post("/api/flows/" + reversed.toUtf8() + "/reverse").status, 200);
        refused(settle(doc, reversed, 1000), QStringLiteral("flowId"));
        QCOMPARE(settle(QStringLiteral("no-such-doc"), big, 1000).status, 404);
        // Money that settled a document cannot be reversed under it.
        const HttpReply reverseSettling = m_admin.post("/api/flows/" + first.toUtf8() + "/reverse");
        QCOMPARE(reverseSettling.status, 400);
        QCOMPARE(reverseSettling.json().value(QStringLiteral("code")).toString(), QStringLiteral("BUSINESS_ERROR"));

        QCOMPARE(settle(doc, first, 20000).status, 200);
        QCOMPARE(settle(doc, big, 40000).status, 200);
        s = statement(doc);
        QCOMPARE(s.value(QStringLiteral("doc")).toObject().value(QStringLiteral("status")).toString(), QStringLiteral("settled"));
        QCOMPARE(s.value(QStringLiteral("remainingCents")).toInteger(), 0);
        const HttpReply again = settle(doc, big, 1);
        QCOMPARE(again.status, 409);
        const QJsonArray list = m_admin.get("/api/ar/settlements?docId=" + doc.toUtf8()).json().value(QStringLiteral("results")).toArray();
        QCOMPARE(list.size(), 3);
        for (const char *field : {"id", "docId", "flowId", "settleAmountCents", "settleDate", "createdAt"})
            QVERIFY2(list.first().toObject().contains(QLatin1String(field)), field);
        QCOMPARE(m_admin.get("/api/ar/settlements").status, 400);
        QCOMPARE(m_admin.get("/api/ar/statement?docId=nope").status, 404);
    }

    void aConfirmationRecordsTheRestOnce()
    {
        const QString doc = createDoc(m_admin, {{QStringLiteral("kind"), QStringLiteral("AR")}, {QStringLiteral("amountCents"), 50000},
                                                {QStringLiteral("partyId"), QStringLiteral("甲方")}})
                                .value(QStringLiteral("id")).toString();
        QCOMPARE(settle(doc, flow(QStringLiteral("income"), 10000), 10000).status, 200);

        // A wrong category (an expense one for a receivable) fails as a whole: no flow, no settlement.
        const qint64 flows = countRows(m_server, QStringLiteral("cash_flows"));
        const qint64 ledger = countRows(m_server, QStringLiteral("account_transactions"));
        const qint64 settlements = countRows(m_server, QStringLiteral("settlements"));
        const HttpReply wrong = m_admin.post("/api/ar/confirm", confirmation(doc, m_expense));
        QCOMPARE(wrong.status, 400);
        QJsonObject noVoucher = confirmation(doc, m_income);
        noVoucher.remove(QStringLiteral("voucherUrl"));
        QCOMPARE(m_admin.post("/api/ar/confirm", noVoucher).status, 400);
        QCOMPARE(countRows(m_server, QStringLiteral("cash_flows")), flows);
        QCOMPARE(countRows(m_server, QStringLiteral("account_transactions")), ledger);
        QCOMPARE(countRows(m_server, QStringLiteral("settlements")), settlements);
        QCOMPARE(statement(doc).value(QStringLiteral("doc")).toObject().value(QStringLiteral("status")).toString(), QStringLiteral("partially_settled"));

        const qint64 before = ledgerBalance(m_server, m_account);
        const HttpReply confirmed = m_admin.post("/api/ar/confirm", confirmation(doc, m_income));
        QCOMPARE(confirmed.status, 200);
        QCOMPARE(confirmed.json().value(QStringLiteral("ok")).toBool(), true);
        QVERIFY(confirmed.json().value(QStringLiteral("voucherNo")).toString().startsWith(QStringLiteral("JZ20240412-")));
        const QString flowId = confirmed.json().value(QStringLiteral("flowId")).toString();
        const QJsonObject f = m_admin.get("/api/flows/" + flowId.toUtf8()).json();
        QCOMPARE(f.value(QStringLiteral("type")).toString(), QStringLiteral("income"));
        QCOMPARE(f.value(QStringLiteral("amountCents")).toInteger(), 40000); // what remained
        QCOMPARE(f.value(QStringLiteral("counterparty")).toString(), QStringLiteral("甲方"));
        QCOMPARE(ledgerBalance(m_server, m_account), before + 40000);
        const QJsonObject s = statement(doc);
        QCOMPARE(s.value(QStringLiteral("doc")).toObject().value(QStringLiteral("status")).toString(), QStringLiteral("confirmed"));
        QCOMPARE(s.value(QStringLiteral("remainingCents")).toInteger(), 0);

        const qint64 afterFlows = countRows(m_server, QStringLiteral("cash_flows"));
        const HttpReply twice = m_admin.post("/api/ar/confirm", confirmation(doc, m_income));
        QCOMPARE(twice.status, 409);
        QCOMPARE(countRows(m_server, QStringLiteral("cash_flows")), afterFlows);
        QCOMPARE(settle(doc, flow(QStringLiteral("income"), 100), 100).status, 409);
        QCOMPARE(m_admin.post("/api/ar/confirm", confirmation(QStringLiteral("no-such-doc"), m_income)).status, 404);
    }

    void payablesSettleWithExpenses()
    {
        const QString doc = createDoc(m_admin, {{QStringLiteral("amountCents"), 7000}}, "ap").value(QStringLiteral("id")).toString();
        QCOMPARE(settle(doc, flow(QStringLiteral("income"), 7000), 7000, "ap").status, 400);
        QCOMPARE(settle(doc, flow(QStringLiteral("expense"), 3000), 3000, "ap").status, 200);
        const qint64 before = ledgerBalance(m_server, m_account);
        const HttpReply confirmed = m_admin.post("/api/ap/confirm", confirmation(doc, m_expense));
        QCOMPARE(confirmed.status, 200);
        QCOMPARE(ledgerBalance(m_server, m_account), before - 4000);
        QCOMPARE(statement(doc, "ap").value(QStringLiteral("doc")).toObject().value(QStringLiteral("kind")).toString(), QStringLiteral("AP"));
        // /api/ap/* is for payables only.
        const QJsonArray listed = m_admin.get("/api/ap/docs").json().value(QStringLiteral("results")).toArray();
        QVERIFY(!listed.isEmpty());
        for (const QJsonValue &v : listed)
            QCOMPARE(v.toObject().value(QStringLiteral("kind")).toString(), QStringLiteral("AP"));
        QCOMPARE(m_admin.get("/api/ar/docs?kind=AP&status=confirmed").json().value(QStringLiteral("results")).toArray().size(), 1);
        // Paging: without it the reference's {results}; with it the total too.
        QCOMPARE(m_admin.get("/api/ap/docs").json().keys(), QStringList{QStringLiteral("results")});
        const QJsonObject page = m_admin.get("/api/ap/docs?limit=1&offset=0").json();
        QCOMPARE(page.value(QStringLiteral("results")).toArray().size(), 1);
        QCOMPARE(page.value(QStringLiteral("total")).toInt(), int(listed.size()));
        QCOMPARE(m_admin.get("/api/ap/docs?offset=-1").status, 400);
    }

    void receivableAndPayableRightsAreSeparate()
    {
        const ApiClient arClerk = signInWithPosition(m_server, QStringLiteral("ar_clerk"), QStringLiteral("all"), rights(QStringLiteral("ar"), Everything));
        const ApiClient apClerk = signInWithPosition(m_server, QStringLiteral("ap_clerk"), QStringLiteral("all"), rights(QStringLiteral("ap"), Everything));
        const QString apDoc = createDoc(m_admin, {{QStringLiteral("amountCents"), 100}}, "ap").value(QStringLiteral("id")).toString();
        const qint64 docs = countRows(m_server, QStringLiteral("ar_ap_docs"));

        QCOMPARE(arClerk.get("/api/ap/docs").status, 403);
        QCOMPARE(arClerk.post("/api/ap/docs", {{QStringLiteral("amountCents"), 100}}).status, 403);
        QCOMPARE(arClerk.post("/api/ar/docs", {{QStringLiteral("kind"), QStringLiteral("AP")}, {QStringLiteral("amountCents"), 100}}).status, 403);
        QCOMPARE(arClerk.get("/api/ar/statement?docId=" + apDoc.toUtf8()).status, 403);
        QCOMPARE(arClerk.post("/api/ar/confirm", confirmation(apDoc, m_expense)).status, 403);
        QCOMPARE(countRows(m_server, QStringLiteral("ar_ap_docs")), docs);
        for (const QJsonValue &v : arClerk.get("/api/ar/docs").json().value(QStringLiteral("results")).toArray())
            QCOMPARE(v.toObject().value(QStringLiteral("kind")).toString(), QStringLiteral("AR")); // payables are not theirs to see

        QCOMPARE(apClerk.get("/api/ar/docs").status, 403);
        QCOMPARE(apClerk.get("/api/ap/docs").status, 200);
        QCOMPARE(apClerk.get("/api/ap/statement?docId=" + apDoc.toUtf8()).status, 200);
        QCOMPARE(createDoc(apClerk, {{QStringLiteral("amountCents"), 100}}, "ap").value(QStringLiteral("docNo")).toString().left(2), QStringLiteral("AP"));

        const ApiClient viewer = signInWithPosition(m_server, QStringLiteral("ar_viewer"), QStringLiteral("all"), rights(QStringLiteral("ar"), {QStringLiteral("view")}));
        QCOMPARE(viewer.get("/api/ar/docs").status, 200);
        QCOMPARE(viewer.post("/api/ar/docs", {{QStringLiteral("kind"), QStringLiteral("AR")}, {QStringLiteral("amountCents"), 100}}).status, 403);
        const ApiClient anonymous(m_server.port());
        for (const QByteArray &path : {QByteArray("/api/ar/docs"), QByteArray("/api/ap/docs"), QByteArray("/api/ar/statement?docId=x")})
            QCOMPARE(anonymous.get(path).status, 401);
        QCOMPARE(anonymous.post("/api/ar/confirm", {{QStringLiteral("docId"), apDoc}}).status, 401);
    }

    void aProjectClerkKeepsToTheirProject()
    {
        const ApiClient clerk = signInWithPosition(m_server, QStringLiteral("ar_clerk_a"), QStringLiteral("project"), rights(QStringLiteral("ar"), Everything), m_places.projectA);
        const QString docB = createDoc(m_admin, {{QStringLiteral("kind"), QStringLiteral("AR")}, {QStringLiteral("amountCents"), 100},
                                                 {QStringLiteral("siteId"), m_places.siteB}}).value(QStringLiteral("id")).toString();
        const QString docA = createDoc(clerk, {{QStringLiteral("kind"), QStringLiteral("AR")}, {QStringLiteral("amountCents"), 100},
                                               {QStringLiteral("siteId"), m_places.siteA}}).value(QStringLiteral("id")).toString();
        QVERIFY(!docA.isEmpty() && !docB.isEmpty());
        const qint64 docs = countRows(m_server, QStringLiteral("ar_ap_docs"));
        QCOMPARE(clerk.post("/api/ar/docs", {{QStringLiteral("kind"), QStringLiteral("AR")}, {QStringLiteral("amountCents"), 100},
                                             {QStringLiteral("siteId"), m_places.siteB}}).status, 403);
        QCOMPARE(clerk.post("/api/ar/docs", {{QStringLiteral("kind"), QStringLiteral("AR")}, {QStringLiteral("amountCents"), 100}}).status, 403);
        QCOMPARE(countRows(m_server, QStringLiteral("ar_ap_docs")), docs);
        QSet<QString> seen;
        for (const QJsonValue &v : clerk.get("/api/ar/docs").json().value(QStringLiteral("results")).toArray())
            seen.insert(v.toObject().value(QStringLiteral("id")).toString());
        QVERIFY(seen.contains(docA));
        QVERIFY(!seen.contains(docB));
        QCOMPARE(clerk.get("/api/ar/statement?docId=" + docB.toUtf8()).status, 404);
        QCOMPARE(clerk.get("/api/ar/settlements?docId=" + docB.toUtf8()).status, 404);
        QCOMPARE(clerk.post("/api/ar/confirm", confirmation(docB, m_income)).status, 404);
        QCOMPARE(statement(docB).value(QStringLiteral("doc")).toObject().value(QStringLiteral("status")).toString(), QStringLiteral("open"));
    }
};

QTEST_GUILESS_MAIN(ApiArApTest)
#include "tst_api_ar_ap.moc"
