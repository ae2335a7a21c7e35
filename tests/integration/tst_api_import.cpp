// Importing cash flows from CSV against a real server: what a spreadsheet saves is read
// correctly, every problem is reported with its row and column, and a file with any problem
// imports nothing.
#include "support/ApiClient.h"
#include "support/TestServer.h"

#include <QJsonArray>
#include <QTest>

class ApiImportTest : public QObject {
    Q_OBJECT

private:
    TestServer m_server;
    ApiClient m_admin{0};

    HttpReply import(const ApiClient &client, const QByteArray &csv, const QByteArray &kind = "flows")
    {
        return httpRequest(m_server.port(), "POST", "/api/import?kind=" + kind, csv,
                           {{"Authorization", "Bearer " + client.token()}, {"Content-Type", "text/csv"}});
    }
    int flowCount() { return querySql(m_server, QStringLiteral("SELECT count(*) FROM cash_flows")).value(0).value(0).toInt(); }
    qint64 balance(const QString &account)
    {
        const auto rows = querySql(m_server, QStringLiteral("SELECT balance_after_cents FROM account_transactions WHERE account_id = ? "
                                                            "ORDER BY transaction_date DESC, created_at DESC, id DESC LIMIT 1"),
                                   {account});
        return rows.isEmpty() ? 0 : rows.first().first().toLongLong();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_server.startCaiwu(), m_server.output().constData());
        m_admin = signInAdmin(m_server);
        QVERIFY(execSql(m_server, QStringLiteral("INSERT INTO accounts (id, name, type, currency, opening_cents) VALUES "
                                                 "('acc-bank', '工商银行', 'bank', 'CNY', 100000), ('acc-cash', '现金', 'cash', 'CNY', 0)")));
        QVERIFY(execSql(m_server, QStringLiteral("INSERT INTO categories (id, name, kind) VALUES ('cat-rent', '房租', 'expense'), "
                                                 "('cat-sales', '销售收入', 'income')")));
        QVERIFY(execSql(m_server, QStringLiteral("INSERT INTO sites (id, department_id, name, created_at) VALUES ('site-1', 'hq', '一号站', 0)")));
    }

    void cleanupTestCase()
    {
        m_server.signal(SIGTERM);
        QCOMPARE(m_server.waitForExit(), 0);
    }

    void aSpreadsheetsFileImportsWhole()
    {
        const QByteArray csv = "\xEF\xBB\xBF" // Excel's "CSV UTF-8"
                               "Biz_Date,type,account_id,amount,category_id,site_id,memo,counterparty\r\n"
                               "2026-03-01,income,工商银行,\"1,234.50\",销售收入,一号站,\"三月, 第一批\",客户甲\r\n"
                               "2026-03-02,expense,acc-bank,200,cat-rent,,\"第一行\r\n第二行\",\r\n"
                               "2026-02-15,expense,现金,0.01,,,,\r\n";
        const int before = flowCount();
        const HttpReply reply = import(m_admin, csv);
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.json(), (QJsonObject{{QStringLiteral("inserted"), 3}}));
        QCOMPARE(flowCount(), before + 3);
        QCOMPARE(balance(QStringLiteral("acc-bank")), 100000 + 123450 - 20000);
        QCOMPARE(balance(QStringLiteral("acc-cash")), -1);
        const auto memo = querySql(m_server, QStringLiteral("SELECT memo, voucher_no, site_id, department_id FROM cash_flows WHERE biz_date = '2026-03-01'"));
        QCOMPARE(memo.value(0).value(0).toString(), QStringLiteral("三月, 第一批"));
        QCOMPARE(memo.value(0).value(1).toString(), QStringLiteral("JZ20260301-001"));
        QCOMPARE(memo.value(0).value(3).toString(), QStringLiteral("hq")); // the site's project
        QCOMPARE(querySql(m_server, QStringLiteral("SELECT memo FROM cash_flows WHERE biz_date = '2026-03-02'")).value(0).value(0).toString(),
                 QStringLiteral("第一行\r\n第二行"));
    }

    void everyProblemIsNamedAndNothingIsImported()
    {
        const QByteArray csv = "biz_date,type,account_id,amount,category_id\n"
                               "2026-03-01,income,acc-bank,10,\n"      // fine
                               "2026-13-01,income,acc-bank,10,\n"      // bad date
                               "2026-03-01,refund,acc-bank,10,\n"      // bad type
                               "2026-03-01,income,no-such,10,\n"       // unknown account
                               "2026-03-01,income,acc-bank,0.005,\n"   // not whole cents
                               "2026-03-01,income,acc-bank,10,cat-rent\n"; // expense category on income
        const int before = flowCount();
        const HttpReply reply = import(m_admin, csv);
        QCOMPARE(reply.status, 400);
        QCOMPARE(reply.json().value(QStringLiteral("code")).toString(), QStringLiteral("VALIDATION_ERROR"));
        const QJsonArray errors = reply.json().value(QStringLiteral("details")).toObject().value(QStringLiteral("errors")).toArray();
        QCOMPARE(errors.size(), 5);
        const QList<QPair<int, QString>> expected{{3, QStringLiteral("biz_date")}, {4, QStringLiteral("type")},
                                                  {5, QStringLiteral("account_id")}, {6, QStringLiteral("amount")},
                                                  {7, QStringLiteral("category_id")}};
        for (int i = 0; i < expected.size(); ++i) {
            QCOMPARE(errors[i].toObject().value(QStringLiteral("row")).toInt(), expected[i].first);
            QCOMPARE(errors[i].toObject().value(QStringLiteral("column")).toString(), expected[i].second);
        }
        QVERIFY(errors[3].toObject().value(QStringLiteral("message")).toString().contains(QStringLiteral("two decimals")));
        QCOMPARE(flowCount(), before);
    }

    void aTakenVoucherNumberStopsTheWholeFile()
    {
        const int before = flowCount();
        const HttpReply reply = import(m_admin, "biz_date,type,account_id,amount,voucher_no\n"
                                                "2026-04-01,income,acc-bank,5,IMP-1\n"
                                                "2026-04-01,income,acc-bank,6,IMP-1\n");
        QCOMPARE(reply.status, 400);
        const QJsonObject first = reply.json().value(QStringLiteral("details")).toObject().value(QStringLiteral("errors")).toArray().first().toObject();
        QCOMPARE(first.value(QStringLiteral("row")).toInt(), 3);
        QCOMPARE(first.value(QStringLiteral("column")).toString(), QStringLiteral("voucher_no"));
        QCOMPARE(flowCount(), before);
        QCOMPARE(querySql(m_server, QStringLiteral("SELECT count(*) FROM account_transactions WHERE transaction_date = '2026-04-01'")).value(0).value(0).toInt(), 0);
    }

    void malformedFilesAreRefused()
    {
        QCOMPARE(import(m_admin, "biz_date,type,amount\n2026-01-01,income,1\n").status, 400); // no account column
        HttpReply reply = import(m_admin, "biz_date,type,account_id,amount\n");
        QCOMPARE(reply.status, 400);
        QVERIFY(reply.json().value(QStringLiteral("error")).toString().contains(QStringLiteral("没有数据行")));
        QCOMPARE(import(m_admin, "biz_date,type,account_id,amount,colour\n2026-01-01,income,acc-bank,1,red\n").status, 400);
        reply = import(m_admin, "biz_date,type,account_id,amount\n2026-01-01,income,acc-bank,\"1\n");
        QCOMPARE(reply.status, 400);
        QVERIFY(reply.json().value(QStringLiteral("error")).toString().contains(QStringLiteral("never closed")));
        QCOMPARE(import(m_admin, "a\n\xff\xfe\n").status, 400);
        reply = import(m_admin, "biz_date,type,account_id,amount\n2026-01-01,income,acc-bank,1\n", "AR");
        QCOMPARE(reply.status, 400);
        QVERIFY(reply.json().value(QStringLiteral("error")).toString().contains(QStringLiteral("Unsupported import kind")));
    }

    void onlyWhoMayImport()
    {
        QCOMPARE(import(ApiClient(m_server.port()), "biz_date,type,account_id,amount\n").status, 401);
        const QString position = addPosition(m_server, QStringLiteral("clerk"), 1, QStringLiteral("all"),
                                             permissionMatrix(QStringLiteral("finance"), QStringLiteral("flow"), {QStringLiteral("create")}));
        const ApiClient clerk = signInStaff(m_server, StaffMember{QStringLiteral("clerk@home.test"), QStringLiteral("clerk-password-1"), position});
        QCOMPARE(import(clerk, "biz_date,type,account_id,amount\n2026-01-01,income,acc-bank,1\n").status, 403);
    }
};

QTEST_GUILESS_MAIN(ApiImportTest)
#include "tst_api_import.moc"
