// Site bills against a real server: every write needs its right (either the finance or the
// site module's name for it), refers to things that exist, is audited and versioned; a paid
// bill keeps its money and stays; a project's staff see and keep only their project's bills.
#include "support/ApiClient.h"
#include "support/TestServer.h"

#include "core/BusinessDate.h"

#include <QJsonArray>
#include <QTest>

class ApiSiteBillsTest : public QObject {
    Q_OBJECT

private:
    TestServer m_server;
    ApiClient m_admin{0};
    ApiClient m_siteViewer{0};      // site.bill.view only
    ApiClient m_siteClerk{0};       // site.bill.view + create: the site module's name for the right
    ApiClient m_financeViewer{0};   // finance.site_bill.view only
    ApiClient m_projectClerk{0};    // every finance.site_bill right, project 1 only
    ApiClient m_onlooker{0};
    QString m_project1, m_project2;

    qint64 count(const QString &table) { return rowCount(m_server, table); }
    QJsonObject newBill(const QString &site = QStringLiteral("site-a"), qint64 cents = 50000) const
    {
        return QJsonObject{{QStringLiteral("siteId"), site},
                           {QStringLiteral("billDate"), QStringLiteral("2026-03-01")},
                           {QStringLiteral("billType"), QStringLiteral("expense")},
                           {QStringLiteral("amountCents"), cents},
                           {QStringLiteral("currency"), QStringLiteral("CNY")},
                           {QStringLiteral("accountId"), QStringLiteral("acc-cny")},
                           {QStringLiteral("categoryId"), QStringLiteral("cat-rent")},
                           {QStringLiteral("description"), QStringLiteral("三月电费")}};
    }
    QString create(const QJsonObject &bill)
    {
        const HttpReply reply = m_admin.post("/api/site-bills", bill);
        if (reply.status != 200)
            qWarning("create: %d %s", reply.status, reply.body.constData());
        return reply.json().value(QStringLiteral("id")).toString();
    }
    QVariantList stored(const QString &id)
    {
        return querySql(m_server, QStringLiteral("SELECT amount_cents, currency, site_id, status, payment_date, version FROM site_bills WHERE id = ?"),
                        {id}).value(0);
    }
    QString signIn(const QString &name, const QString &module, const QString &sub, const QStringList &actions, int level = 1,
                   const QString &scope = QStringLiteral("all"), const QString &project = {}, ApiClient *client = nullptr)
    {
        const QString position = addPosition(m_server, name, level, scope, permissionMatrix(module, sub, actions));
        *client = signInStaff(m_server, {name + QStringLiteral("@office.test"), name + QStringLiteral("-password-1"), position, project});
        return client->token().isEmpty() ? QString() : position;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_server.startCaiwu(), m_server.output().constData());
        m_admin = signInAdmin(m_server);
        QVERIFY(!m_admin.token().isEmpty());
        m_project1 = addProject(m_server, QStringLiteral("一号项目"));
        m_project2 = addProject(m_server, QStringLiteral("二号项目"));
        QVERIFY(execSql(m_server, QStringLiteral("INSERT INTO sites (id, department_id, name, created_at) VALUES "
                                                 "('site-a', ?, '甲站', 0), ('site-b', ?, '乙站', 0)"),
                        {m_project1, m_project2}));
        QVERIFY(execSql(m_server, QStringLiteral("INSERT INTO accounts (id, name, type, currency) VALUES "
                                                 "('acc-cny', '现金', 'cash', 'CNY'), ('acc-usd', '美元户', 'bank', 'USD')")));
        QVERIFY(execSql(m_server, QStringLiteral("INSERT INTO categories (id, name, kind) VALUES ('cat-rent', '房租', 'expense'), "
                                                 "('cat-sales', '销售收入', 'income')")));
        const QString site = QStringLiteral("site");
        const QString bill = QStringLiteral("bill");
        const QString finance = QStringLiteral("finance");
        const QString siteBill = QStringLiteral("site_bill");
        QVERIFY(!signIn(QStringLiteral("siteviewer"), site, bill, {QStringLiteral("view")}, 1, QStringLiteral("all"), {}, &m_siteViewer).isEmpty());
        QVERIFY(!signIn(QStringLiteral("siteclerk"), site, bill, {QStringLiteral("view"), QStringLiteral("create")}, 1, QStringLiteral("all"), {},
                        &m_siteClerk).isEmpty());
        QVERIFY(!signIn(QStringLiteral("financeviewer"), finance, siteBill, {QStringLiteral("view")}, 1, QStringLiteral("all"), {},
                        &m_financeViewer).isEmpty());
        QVERIFY(!signIn(QStringLiteral("projectclerk"), finance, siteBill,
                        {QStringLiteral("view"), QStringLiteral("create"), QStringLiteral("update"), QStringLiteral("delete")}, 2,
                        QStringLiteral("project"), m_project1, &m_projectClerk).isEmpty());
        QVERIFY(!signIn(QStringLiteral("onlooker"), finance, QStringLiteral("flow"), {QStringLiteral("view")}, 1, QStringLiteral("all"), {},
                        &m_onlooker).isEmpty());
    }

    void cleanupTestCase()
    {
        m_server.signal(SIGTERM);
        QCOMPARE(m_server.waitForExit(), 0);
    }

    void aBillIsRecordedPendingAndAudited()
    {
        const qint64 audits = count(QStringLiteral("audit_logs"));
        const HttpReply reply = m_admin.post("/api/site-bills", newBill());
        QCOMPARE(reply.status, 200);
        const QJsonObject bill = reply.json();
        QCOMPARE(bill.value(QStringLiteral("status")).toString(), QStringLiteral("pending"));
        QVERIFY(bill.value(QStringLiteral("paymentDate")).isNull());
        QCOMPARE(bill.value(QStringLiteral("amountCents")).toInteger(), 50000);
        QCOMPARE(bill.value(QStringLiteral("siteName")).toString(), QStringLiteral("甲站"));
        QCOMPARE(bill.value(QStringLiteral("departmentId")).toString(), m_project1);
        QCOMPARE(bill.value(QStringLiteral("accountName")).toString(), QStringLiteral("现金"));
        QCOMPARE(bill.value(QStringLiteral("categoryName")).toString(), QStringLiteral("房租"));
        QCOMPARE(bill.value(QStringLiteral("currencyName")).toString(), QStringLiteral("人民币"));
        QCOMPARE(bill.value(QStringLiteral("creatorName")).toString(), QStringLiteral("管理员"));
        QCOMPARE(bill.value(QStringLiteral("version")).toInteger(), 1);
        QCOMPARE(count(QStringLiteral("audit_logs")), audits + 1);
        QCOMPARE(querySql(m_server, QStringLiteral("SELECT action, entity FROM audit_logs WHERE entity_id = ?"),
                          {bill.value(QStringLiteral("id")).toString()}).value(0),
                 (QVariantList{QStringLiteral("create"), QStringLiteral("site_bill")}));

        const HttpReply one = m_admin.get("/api/site-bills/" + bill.value(QStringLiteral("id")).toString().toUtf8());
        QCOMPARE(one.status, 200);
        QCOMPARE(one.json(), bill);
        QCOMPARE(m_admin.get("/api/site-bills/no-such-bill").status, 404);
    }

    void aBillPaidAtOnceGetsTodaysPaymentDate()
    {
        const QString before = caiwu::BusinessDate::today(QStringLiteral("Asia/Shanghai"));
        QJsonObject bill = newBill();
        bill.insert(QStringLiteral("status"), QStringLiteral("paid"));
        const HttpReply reply = m_admin.post("/api/site-bills", bill);
        const QString after = caiwu::BusinessDate::today(QStringLiteral("Asia/Shanghai"));
        QCOMPARE(reply.status, 200);
        const QString paid = reply.json().value(QStringLiteral("paymentDate")).toString();
        QVERIFY2(paid == before || paid == after, qPrintable(paid));
        bill.insert(QStringLiteral("paymentDate"), QStringLiteral("2026-03-03"));
        QCOMPARE(m_admin.post("/api/site-bills", bill).json().value(QStringLiteral("paymentDate")).toString(), QStringLiteral("2026-03-03"));
    }

    void aBillRefersOnlyToWhatExists_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QJsonValue>("value");
        QTest::newRow("unknown site") << QStringLiteral("siteId") << QJsonValue(QStringLiteral("site-none"));
        QTest::newRow("unknown currency") << QStringLiteral("currency") << QJsonValue(QStringLiteral("XYZ"));
        QTest::newRow("account in another currency") << QStringLiteral("accountId") << QJsonValue(QStringLiteral("acc-usd"));
        QTest::newRow("unknown account") << QStringLiteral("accountId") << QJsonValue(QStringLiteral("acc-none"));
        QTest::newRow("income category on an expense") << QStringLiteral("categoryId") << QJsonValue(QStringLiteral("cat-sales"));
        QTest::newRow("unknown type") << QStringLiteral("billType") << QJsonValue(QStringLiteral("refund"));
        QTest::newRow("cents with a fraction") << QStringLiteral("amountCents") << QJsonValue(12.5);
        QTest::newRow("amount as text") << QStringLiteral("amountCents") << QJsonValue(QStringLiteral("abc"));
        QTest::newRow("zero") << QStringLiteral("amountCents") << QJsonValue(0);
        QTest::newRow("not a date") << QStringLiteral("billDate") << QJsonValue(QStringLiteral("2026-02-30"));
        QTest::newRow("paid date on a pending bill") << QStringLiteral("paymentDate") << QJsonValue(QStringLiteral("2026-03-02"));
        QTest::newRow("unknown status") << QStringLiteral("status") << QJsonValue(QStringLiteral("overdue"));
    }
    void aBillRefersOnlyToWhatExists()
    {
        QFETCH(QString, field);
        QFETCH(QJsonValue, value);
        const qint64 bills = count(QStringLiteral("site_bills"));
        const qint64 audits = count(QStringLiteral("audit_logs"));
        QJsonObject bill = newBill();
        bill.insert(field, value);
        const HttpReply reply = m_admin.post("/api/site-bills", bill);
        QCOMPARE(reply.status, 400);
        QCOMPARE(errorPath(reply), field);
        QCOMPARE(count(QStringLiteral("site_bills")), bills);
        QCOMPARE(count(QStringLiteral("audit_logs")), audits);
    }

    void anEditCarriesTheVersionItSaw()
    {
        const QString id = create(newBill());
        const QByteArray path = "/api/site-bills/" + id.toUtf8();
        HttpReply reply = m_admin.put(path, QJsonObject{{QStringLiteral("amountCents"), 61000}, {QStringLiteral("memo"), QStringLiteral("按表计")},
                                                        {QStringLiteral("version"), 1}});
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.json().value(QStringLiteral("amountCents")).toInteger(), 61000);
        QCOMPARE(reply.json().value(QStringLiteral("memo")).toString(), QStringLiteral("按表计"));
        QCOMPARE(reply.json().value(QStringLiteral("version")).toInteger(), 2);
        QCOMPARE(querySql(m_server, QStringLiteral("SELECT action FROM audit_logs WHERE entity_id = ? ORDER BY at DESC LIMIT 1"), {id})
                     .value(0).value(0).toString(),
                 QStringLiteral("update"));

        // Someone else's edit in between: the second one is told, and changes nothing.
        const qint64 audits = count(QStringLiteral("audit_logs"));
        reply = m_admin.put(path, QJsonObject{{QStringLiteral("amountCents"), 1}, {QStringLiteral("version"), 1}});
        QCOMPARE(reply.status, 409);
        QCOMPARE(reply.json().value(QStringLiteral("code")).toString(), QStringLiteral("CONFLICT"));
        QCOMPARE(stored(id).value(0).toLongLong(), 61000);
        QCOMPARE(count(QStringLiteral("audit_logs")), audits);

        // An edit that changes nothing writes nothing.
        reply = m_admin.put(path, QJsonObject{{QStringLiteral("amountCents"), 61000}});
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.json().value(QStringLiteral("version")).toInteger(), 2);
        QCOMPARE(count(QStringLiteral("audit_logs")), audits);

        reply = m_admin.put(path, QJsonObject{{QStringLiteral("billType"), QStringLiteral("income")}});
        QCOMPARE(reply.status, 400); // the expense category does not fit an income
        QCOMPARE(errorPath(reply), QStringLiteral("categoryId"));
        QCOMPARE(m_admin.put(path, QJsonObject{{QStringLiteral("amountCents"), 12.345}}).status, 400);
        QCOMPARE(m_admin.put("/api/site-bills/no-such-bill", QJsonObject{{QStringLiteral("memo"), QStringLiteral("x")}}).status, 404);
        QCOMPARE(stored(id).value(5).toInt(), 2);
    }

    void aPaidBillKeepsItsMoneyAndStays()
    {
        const QString id = create(newBill());
        const QByteArray path = "/api/site-bills/" + id.toUtf8();
        const QString today = caiwu::BusinessDate::today(QStringLiteral("Asia/Shanghai"));
        HttpReply reply = m_admin.put(path, QJsonObject{{QStringLiteral("status"), QStringLiteral("paid")}});
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.json().value(QStringLiteral("status")).toString(), QStringLiteral("paid"));
        QVERIFY(reply.json().value(QStringLiteral("paymentDate")).toString() >= today);

        const QVariantList paid = stored(id);
        for (const QJsonObject &change : {QJsonObject{{QStringLiteral("amountCents"), 1}},
                                          QJsonObject{{QStringLiteral("currency"), QStringLiteral("USD")}, {QStringLiteral("accountId"), QStringLiteral("acc-usd")}},
                                          QJsonObject{{QStringLiteral("siteId"), QStringLiteral("site-b")}},
                                          QJsonObject{{QStringLiteral("status"), QStringLiteral("pending")}, {QStringLiteral("paymentDate"), QString()}}}) {
            reply = m_admin.put(path, change);
            QCOMPARE(reply.status, 400);
            QCOMPARE(reply.json().value(QStringLiteral("code")).toString(), QStringLiteral("BUSINESS_ERROR"));
        }
        QCOMPARE(stored(id), paid);
        // What does not touch the money may still be corrected.
        reply = m_admin.put(path, QJsonObject{{QStringLiteral("paymentDate"), QStringLiteral("2026-03-05")}, {QStringLiteral("memo"), QStringLiteral("补记")}});
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.json().value(QStringLiteral("paymentDate")).toString(), QStringLiteral("2026-03-05"));

        const qint64 bills = count(QStringLiteral("site_bills"));
        reply = m_admin.del(path);
        QCOMPARE(reply.status, 400);
        QCOMPARE(count(QStringLiteral("site_bills")), bills);
    }

    void onlyAPendingBillIsDeleted()
    {
        const QString id = create(newBill());
        const QByteArray path = "/api/site-bills/" + id.toUtf8();
        QCOMPARE(m_admin.del(path + "?version=3").status, 409);
        QCOMPARE(m_admin.del(path + "?version=x").status, 400);
        const qint64 audits = count(QStringLiteral("audit_logs"));
        const HttpReply reply = m_admin.del(path + "?version=1");
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.json(), (QJsonObject{{QStringLiteral("ok"), true}}));
        QVERIFY(stored(id).isEmpty());
        QCOMPARE(count(QStringLiteral("audit_logs")), audits + 1);
        QCOMPARE(m_admin.del(path).status, 404);
    }

    void listsFilterAndPageWithoutChangingTheirShape()
    {
        create(newBill(QStringLiteral("site-b"), 700));
        HttpReply reply = m_admin.get("/api/site-bills");
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.json().keys(), QStringList{QStringLiteral("results")});
        const int all = reply.json().value(QStringLiteral("results")).toArray().size();
        QVERIFY(all >= 4);
        reply = m_admin.get("/api/site-bills?siteId=site-b");
        QCOMPARE(reply.json().value(QStringLiteral("results")).toArray().size(), 1);
        reply = m_admin.get("/api/site-bills?status=paid");
        for (const QJsonValue &row : reply.json().value(QStringLiteral("results")).toArray())
            QCOMPARE(row.toObject().value(QStringLiteral("status")).toString(), QStringLiteral("paid"));
        QVERIFY(!reply.json().value(QStringLiteral("results")).toArray().isEmpty());
        QVERIFY(m_admin.get("/api/site-bills?billType=income").json().value(QStringLiteral("results")).toArray().isEmpty());
        QVERIFY(m_admin.get("/api/site-bills?startDate=2026-03-02").json().value(QStringLiteral("results")).toArray().isEmpty());
        QCOMPARE(m_admin.get("/api/site-bills?endDate=2026-03-01").json().value(QStringLiteral("results")).toArray().size(), all);
        reply = m_admin.get("/api/site-bills?limit=2&offset=2");
        QCOMPARE(reply.json().value(QStringLiteral("results")).toArray().size(), 2);
        QCOMPARE(reply.json().value(QStringLiteral("total")).toInteger(), all);
        QCOMPARE(m_admin.get("/api/site-bills?status=lost").status, 400);
        QCOMPARE(m_admin.get("/api/site-bills?billType=gift").status, 400);
    }

    void eitherNameOfTheRightAdmits()
    {
        const QString id = create(newBill());
        const QByteArray path = "/api/site-bills/" + id.toUtf8();
        for (const ApiClient *viewer : {&m_siteViewer, &m_financeViewer}) {
            QCOMPARE(viewer->get("/api/site-bills").status, 200);
            QCOMPARE(viewer->get(path).status, 200);
            // The reference let anyone create a bill: viewing is not recording.
            QCOMPARE(viewer->post("/api/site-bills", newBill()).status, 403);
            QCOMPARE(viewer->put(path, QJsonObject{{QStringLiteral("memo"), QStringLiteral("x")}}).status, 403);
            QCOMPARE(viewer->del(path).status, 403);
        }
        const HttpReply reply = m_siteClerk.post("/api/site-bills", newBill());
        QCOMPARE(reply.status, 200);
        QCOMPARE(m_siteClerk.del("/api/site-bills/" + reply.json().value(QStringLiteral("id")).toString().toUtf8()).status, 403);

        const qint64 bills = count(QStringLiteral("site_bills"));
        const QList<QPair<QByteArray, QByteArray>> routes = {{"GET", "/api/site-bills"}, {"POST", "/api/site-bills"},
                                                             {"GET", path}, {"PUT", path}, {"DELETE", path}};
        for (const auto &[method, target] : routes) {
            QCOMPARE(ApiClient(m_server.port()).call(method, target, newBill()).status, 401);
            QCOMPARE(m_onlooker.call(method, target, newBill()).status, 403);
        }
        QCOMPARE(count(QStringLiteral("site_bills")), bills);
        QCOMPARE(stored(id).value(5).toInt(), 1);
    }

    void aProjectSeesAndKeepsOnlyItsOwnSitesBills()
    {
        const QString own = create(newBill(QStringLiteral("site-a")));
        const QString other = create(newBill(QStringLiteral("site-b")));
        const QStringList seen = resultValues(m_projectClerk.get("/api/site-bills"), QStringLiteral("id"));
        QVERIFY(seen.contains(own));
        QVERIFY(!seen.contains(other));
        for (const QJsonValue &row : m_projectClerk.get("/api/site-bills").json().value(QStringLiteral("results")).toArray())
            QCOMPARE(row.toObject().value(QStringLiteral("siteId")).toString(), QStringLiteral("site-a"));
        QCOMPARE(m_projectClerk.get("/api/site-bills/" + other.toUtf8()).status, 404);
        QCOMPARE(m_projectClerk.put("/api/site-bills/" + other.toUtf8(), QJsonObject{{QStringLiteral("memo"), QStringLiteral("x")}}).status, 404);
        QCOMPARE(m_projectClerk.del("/api/site-bills/" + other.toUtf8()).status, 404);

        const qint64 bills = count(QStringLiteral("site_bills"));
        QCOMPARE(m_projectClerk.post("/api/site-bills", newBill(QStringLiteral("site-b"))).status, 403);
        QCOMPARE(count(QStringLiteral("site_bills")), bills);
        // Nor may a bill be moved out to another project's site.
        QCOMPARE(m_projectClerk.put("/api/site-bills/" + own.toUtf8(), QJsonObject{{QStringLiteral("siteId"), QStringLiteral("site-b")}}).status, 403);
        QCOMPARE(stored(own).value(2).toString(), QStringLiteral("site-a"));

        const HttpReply created = m_projectClerk.post("/api/site-bills", newBill(QStringLiteral("site-a"), 123));
        QCOMPARE(created.status, 200);
        const QByteArray path = "/api/site-bills/" + created.json().value(QStringLiteral("id")).toString().toUtf8();
        QCOMPARE(m_projectClerk.put(path, QJsonObject{{QStringLiteral("amountCents"), 124}, {QStringLiteral("version"), 1}}).status, 200);
        QCOMPARE(m_projectClerk.del(path + "?version=2").status, 200);
    }
};

QTEST_GUILESS_MAIN(ApiSiteBillsTest)
#include "tst_api_site_bills.moc"
