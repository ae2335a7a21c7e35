// The finance reports against a real server, on books written through the API: the figures
// agree with the ledger (opening balance and transfers included), reversals net out, the
// front end's report names answer like the backend's, and a project's staff see their project.
#include "support/ApiClient.h"
#include "support/TestServer.h"

#include <QDate>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

namespace {

// A 1×1 PNG: the smallest voucher the server accepts.
const QByteArray Png = QByteArray::fromBase64(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGBgAAAABQABpfZFQAAAAABJRU5ErkJggg==");

} // namespace

class ApiReportsTest : public QObject {
    Q_OBJECT

private:
    TestServer m_server;
    ApiClient m_admin{0};
    QString m_voucher;
    QString m_today;

    QString upload(const ApiClient &client)
    {
        const QByteArray boundary = "----caiwu-test";
        const QByteArray body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"r.png\"\r\n"
                                "Content-Type: image/png\r\n\r\n" + Png + "\r\n--" + boundary + "--\r\n";
        const HttpReply reply = httpRequest(m_server.port(), "POST", "/api/upload/voucher", body,
                                            {{"Authorization", "Bearer " + client.token()},
                                             {"Content-Type", "multipart/form-data; boundary=" + boundary}});
        return reply.json().value(QStringLiteral("url")).toString();
    }
    QString flow(const QString &type, const QString &account, qint64 cents, const QString &category, const QString &date,
                 const QString &site = {})
    {
        QJsonObject body{{QStringLiteral("type"), type}, {QStringLiteral("accountId"), account}, {QStringLiteral("amountCents"), cents},
                         {QStringLiteral("categoryId"), category}, {QStringLiteral("bizDate"), date},
                         {QStringLiteral("voucherUrls"), QJsonArray{m_voucher}}};
        if (!site.isEmpty())
            body.insert(QStringLiteral("siteId"), site);
        const HttpReply reply = m_admin.post("/api/flows", body);
        if (reply.status != 200)
            qWarning("flow refused: %s", reply.body.constData());
        return reply.json().value(QStringLiteral("id")).toString();
    }
    qint64 ledgerBalance(const QString &account)
    {
        const auto rows = querySql(m_server, QStringLiteral("SELECT balance_after_cents FROM account_transactions WHERE account_id = ? "
                                                            "ORDER BY transaction_date DESC, created_at DESC, id DESC LIMIT 1"),
                                   {account});
        return rows.value(0).value(0).toLongLong();
    }
    QJsonObject row(const QJsonArray &rows, const QString &key, const QString &value)
    {
        for (const QJsonValue &v : rows)
            if (v.toObject().value(key).toString() == value)
                return v.toObject();
        return {};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_server.startCaiwu(), m_server.output().constData());
        m_admin = signInAdmin(m_server);
        m_voucher = upload(m_admin);
        QVERIFY(!m_voucher.isEmpty());
        m_today = QDate::currentDate().toString(Qt::ISODate); // the test machine runs in the office's zone or near it
        QVERIFY(execSql(m_server, QStringLiteral("INSERT INTO departments (id, hq_id, name, created_at) VALUES ('p-east', 'hq', '东区', 0), "
                                                 "('p-west', 'hq', '西区', 0)")));
        QVERIFY(execSql(m_server, QStringLiteral("INSERT INTO sites (id, department_id, name, created_at) VALUES "
                                                 "('s-east', 'p-east', '东一站', 0), ('s-west', 'p-west', '西一站', 0)")));
        QVERIFY(execSql(m_server, QStringLiteral("INSERT INTO accounts (id, name, type, currency, opening_cents) VALUES "
                                                 "('a-bank', '银行', 'bank', 'CNY', 50000), ('a-cash', '现金', 'cash', 'CNY', 1000)")));
        QVERIFY(execSql(m_server, QStringLiteral("INSERT INTO categories (id, name, kind) VALUES ('c-sales', '销售', 'income'), "
                                                 "('c-rent', '房租', 'expense'), ('c-fuel', '油费', 'expense')")));
        flow(QStringLiteral("income"), QStringLiteral("a-bank"), 30000, QStringLiteral("c-sales"), m_today, QStringLiteral("s-east"));
        flow(QStringLiteral("expense"), QStringLiteral("a-bank"), 7000, QStringLiteral("c-rent"), m_today, QStringLiteral("s-west"));
        const QString wrong = flow(QStringLiteral("expense"), QStringLiteral("a-cash"), 500, QStringLiteral("c-rent"), m_today);
        QCOMPARE(m_admin.post("/api/flows/" + wrong.toLatin1() + "/reverse", QJsonObject{{QStringLiteral("reason"), QStringLiteral("记错")}}).status, 200);
        const HttpReply transfer = m_admin.post("/api/account-transfers", QJsonObject{
            {QStringLiteral("transferDate"), m_today}, {QStringLiteral("fromAccountId"), QStringLiteral("a-bank")},
            {QStringLiteral("toAccountId"), QStringLiteral("a-cash")}, {QStringLiteral("fromAmountCents"), 2000},
            {QStringLiteral("toAmountCents"), 2000}});
        QCOMPARE(transfer.status, 200);
    }

    void cleanupTestCase()
    {
        m_server.signal(SIGTERM);
        QCOMPARE(m_server.waitForExit(), 0);
    }

    void theBalanceReportAgreesWithTheLedger()
    {
        const HttpReply reply = m_admin.get("/api/reports/account/balance?asOf=" + m_today.toLatin1());
        QCOMPARE(reply.status, 200);
        const QJsonArray rows = reply.json().value(QStringLiteral("rows")).toArray();
        const QJsonObject bank = row(rows, QStringLiteral("accountId"), QStringLiteral("a-bank"));
        QCOMPARE(bank.value(QStringLiteral("openingCents")).toInteger(), 50000);
        QCOMPARE(bank.value(QStringLiteral("incomeCents")).toInteger(), 30000);
        QCOMPARE(bank.value(QStringLiteral("expenseCents")).toInteger(), 7000);
        QCOMPARE(bank.value(QStringLiteral("transferOutCents")).toInteger(), 2000);
        QCOMPARE(bank.value(QStringLiteral("closingCents")).toInteger(), ledgerBalance(QStringLiteral("a-bank")));
        QCOMPARE(bank.value(QStringLiteral("closingCents")).toInteger(), 50000 + 30000 - 7000 - 2000);
        const QJsonObject cash = row(rows, QStringLiteral("accountId"), QStringLiteral("a-cash"));
        QCOMPARE(cash.value(QStringLiteral("closingCents")).toInteger(), ledgerBalance(QStringLiteral("a-cash")));
        QCOMPARE(cash.value(QStringLiteral("closingCents")).toInteger(), 1000 - 500 + 500 + 2000);
        // The day before: only the opening balances.
        const QString yesterday = QDate::currentDate().addDays(-1).toString(Qt::ISODate);
        const QJsonArray before = m_admin.get("/api/reports/account-balance?asOf=" + yesterday.toLatin1()).json().value(QStringLiteral("rows")).toArray();
        QCOMPARE(row(before, QStringLiteral("accountId"), QStringLiteral("a-bank")).value(QStringLiteral("closingCents")).toInteger(), 50000);
        QCOMPARE(m_admin.get("/api/reports/account/balance?asOf=2026-02-30").status, 400);
    }

    void theDashboardShowsTodayNetOfReversals()
    {
        for (const char *path : {"/api/reports/dashboard/stats", "/api/dashboard/stats"}) {
            const HttpReply reply = m_admin.get(path);
            QCOMPARE(reply.status, 200);
            const QJsonObject today = reply.json().value(QStringLiteral("today")).toObject();
            QCOMPARE(today.value(QStringLiteral("incomeCents")).toInteger(), 30000);
            QCOMPARE(today.value(QStringLiteral("expenseCents")).toInteger(), 7000); // 500 spent and reversed
            const QJsonArray balances = reply.json().value(QStringLiteral("accountBalances")).toArray();
            QCOMPARE(row(balances, QStringLiteral("accountId"), QStringLiteral("a-bank")).value(QStringLiteral("balanceCents")).toInteger(),
                     ledgerBalance(QStringLiteral("a-bank")));
            QCOMPARE(reply.json().value(QStringLiteral("recentFlows")).toArray().size(), 4);
        }
    }

    void expensesPerCategoryIncludeEmptyOnes()
    {
        const HttpReply reply = m_admin.get("/api/reports/expense-summary");
        QCOMPARE(reply.status, 200);
        const QJsonArray rows = reply.json().value(QStringLiteral("rows")).toArray();
        QCOMPARE(row(rows, QStringLiteral("categoryId"), QStringLiteral("c-rent")).value(QStringLiteral("totalCents")).toInteger(), 7000);
        QCOMPARE(row(rows, QStringLiteral("categoryId"), QStringLiteral("c-fuel")).value(QStringLiteral("totalCents")).toInteger(), 0);
        const QJsonArray detail = m_admin.get("/api/reports/expense/detail?category_id=c-rent").json().value(QStringLiteral("rows")).toArray();
        QCOMPARE(detail.size(), 3); // two expenses and the reversal (negative)
        qint64 sum = 0;
        for (const QJsonValue &v : detail)
            sum += v.toObject().value(QStringLiteral("amountCents")).toInteger();
        QCOMPARE(sum, 7000);
    }

    void projectsAndSites()
    {
        const HttpReply cash = m_admin.get("/api/reports/department-cash");
        QCOMPARE(cash.status, 200);
        QCOMPARE(row(QJsonDocument::fromJson(cash.body).array(), QStringLiteral("departmentId"), QStringLiteral("p-east"))
                     .value(QStringLiteral("incomeCents")).toInteger(),
                 30000);
        const HttpReply growth = m_admin.get("/api/reports/site-growth");
        const QJsonObject west = row(growth.json().value(QStringLiteral("rows")).toArray(), QStringLiteral("siteId"), QStringLiteral("s-west"));
        QCOMPARE(west.value(QStringLiteral("expenseCents")).toInteger(), 7000);
        QVERIFY(growth.json().value(QStringLiteral("prevRange")).toObject().contains(QStringLiteral("start")));
        QCOMPARE(m_admin.get("/api/reports/site-growth?start=2026-05-01&end=2026-04-01").status, 400);
    }

    void aProjectsStaffSeeTheirProjectOnly()
    {
        const QString position = addPosition(m_server, QStringLiteral("east_finance"), 2, QStringLiteral("project"),
                                             permissionMatrix(QStringLiteral("report"), QStringLiteral("finance"), {QStringLiteral("view")}));
        const ApiClient east = signInStaff(m_server, StaffMember{QStringLiteral("east@home.test"), QStringLiteral("east-password-1"),
                                                                 position, QStringLiteral("p-east")});
        const HttpReply mine = east.get("/api/dashboard/stats");
        QCOMPARE(mine.status, 200);
        QCOMPARE(mine.json().value(QStringLiteral("today")).toObject().value(QStringLiteral("incomeCents")).toInteger(), 30000);
        QCOMPARE(mine.json().value(QStringLiteral("today")).toObject().value(QStringLiteral("expenseCents")).toInteger(), 0);
        QCOMPARE(east.get("/api/dashboard/stats?departmentId=p-west").status, 403);
        const QJsonArray cash = QJsonDocument::fromJson(east.get("/api/reports/department-cash").body).array();
        QCOMPARE(cash.size(), 1);
        // Without report rights, and without a token.
        const QString none = addPosition(m_server, QStringLiteral("nobody"), 3, QStringLiteral("self"), QJsonObject{});
        const ApiClient nobody = signInStaff(m_server, StaffMember{QStringLiteral("none@home.test"), QStringLiteral("none-password-1"), none});
        QCOMPARE(nobody.get("/api/reports/account-balance").status, 403);
        QCOMPARE(ApiClient(m_server.port()).get("/api/dashboard/stats").status, 401);
    }

    void receivablesSummary()
    {
        const HttpReply doc = m_admin.post("/api/ar/docs", QJsonObject{{QStringLiteral("kind"), QStringLiteral("AR")},
                                                                       {QStringLiteral("amountCents"), 9000},
                                                                       {QStringLiteral("siteId"), QStringLiteral("s-east")}});
        QCOMPARE(doc.status, 200);
        for (const char *path : {"/api/reports/ar-ap/summary?kind=AR", "/api/reports/ar-summary"}) {
            const HttpReply reply = m_admin.get(path);
            QCOMPARE(reply.status, 200);
            QCOMPARE(reply.json().value(QStringLiteral("totalCents")).toInteger(), 9000);
            QCOMPARE(reply.json().value(QStringLiteral("byStatus")).toObject().value(QStringLiteral("open")).toInteger(), 9000);
        }
        QCOMPARE(m_admin.get("/api/reports/ap-detail").json().value(QStringLiteral("rows")).toArray().size(), 0);
        QCOMPARE(m_admin.get("/api/reports/borrowing-summary").json().value(QStringLiteral("results")).toArray().size(), 0);
        QCOMPARE(m_admin.get("/api/reports/borrowing-detail/nobody").status, 404);
    }
};

QTEST_GUILESS_MAIN(ApiReportsTest)
#include "tst_api_reports.moc"
