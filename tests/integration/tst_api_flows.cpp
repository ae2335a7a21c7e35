// Cash flows through a real server (reference §1.3, §0.3, issue "Finance API"): recording with
// voucher numbers and a ledger posting, what is refused (and that a refusal writes nothing),
// reversal (红冲), the voucher list, the list's shape, paging and filters, and back-dating.
// Permissions and data scope: tst_api_flows_scope.cpp.
#include "support/ApiClient.h"
#include "support/FinanceData.h"
#include "support/TestServer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QTest>
#include <QThread>

namespace {

QSet<QString> idsOf(const QJsonObject &list)
{
    QSet<QString> ids;
    for (const QJsonValue &v : list.value(QStringLiteral("results")).toArray())
        ids.insert(v.toObject().value(QStringLiteral("id")).toString());
    return ids;
}

} // namespace

class ApiFlowsTest : public QObject {
    Q_OBJECT

private:
    TestServer m_server;
    ApiClient m_admin{0};
    QString m_adminId;
    TwoProjects m_places;
    QString m_income, m_expense, m_inactive;

    // A valid body: an expense of 1.00 on `account`, with a freshly uploaded voucher.
    QJsonObject body(const QString &account, const QJsonObject &overrides = {})
    {
        QJsonObject b = cashFlowBody(account, m_expense, QStringLiteral("expense"), 100, QStringLiteral("2024-05-10"), uploadVoucher(m_admin));
        for (auto it = overrides.begin(); it != overrides.end(); ++it)
            b.insert(it.key(), it.value());
        return b;
    }

    QJsonObject record(const QJsonObject &b)
    {
        const HttpReply reply = m_admin.post("/api/flows", b);
        if (reply.status != 200)
            qWarning("record failed: %d %s", reply.status, reply.body.constData());
        return reply.json();
    }

    QJsonObject flow(const QString &id) { return m_admin.get("/api/flows/" + id.toUtf8()).json(); }

    HttpReply postRaw(const QByteArray &json)
    {
        return httpRequest(m_server.port(), "POST", "/api/flows", json,
                           {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + m_admin.token()}});
    }

    // The request was refused as a 400 naming `field`, and nothing was written.
    void expectRefused(const HttpReply &reply, const QString &field, qint64 flowsBefore, qint64 ledgerBefore)
    {
        QVERIFY2(reply.status == 400, reply.body.constData());
        const QJsonObject error = reply.json();
        QCOMPARE(error.value(QStringLiteral("code")).toString(), QStringLiteral("VALIDATION_ERROR"));
        QCOMPARE(error.value(QStringLiteral("details")).toObject().value(QStringLiteral("path")).toString(), field);
        QVERIFY(error.value(QStringLiteral("error")).toString().size() > 10);
        QCOMPARE(countRows(m_server, QStringLiteral("cash_flows")), flowsBefore);
        QCOMPARE(countRows(m_server, QStringLiteral("account_transactions")), ledgerBefore);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_server.startCaiwu(), m_server.output().constData());
        m_admin = signInAdmin(m_server);
        QVERIFY(!m_admin.token().isEmpty());
        m_adminId = querySql(m_server, QStringLiteral("SELECT id FROM employees WHERE email = 'admin@office.test'")).value(0).value(0).toString();
        m_places = addTwoProjects(m_server);
        m_income = addCategory(m_server, QStringLiteral("工程款"), QStringLiteral("income"));
        m_expense = addCategory(m_server, QStringLiteral("材料费"), QStringLiteral("expense"));
        m_inactive = addAccount(m_server, QStringLiteral("已停用"), 0, QStringLiteral("CNY"), false);
        QVERIFY(!m_places.siteB.isEmpty() && !m_income.isEmpty() && !m_expense.isEmpty() && !m_inactive.isEmpty());
    }

    void cleanupTestCase()
    {
        m_server.signal(SIGTERM);
        QCOMPARE(m_server.waitForExit(), 0);
    }

    void incomeAndExpenseArePostedToTheLedger()
    {
        const QString account = addAccount(m_server, QStringLiteral("记账户"), 500000);
        const QString voucher = uploadVoucher(m_admin);
        const QJsonObject in = record(body(account, {{QStringLiteral("type"), QStringLiteral("income")},
                                                     {QStringLiteral("categoryId"), m_income},
                                                     {QStringLiteral("bizDate"), QStringLiteral("2022-01-03")},
                                                     {QStringLiteral("amountCents"), 10000},
                                                     {QStringLiteral("siteId"), m_places.siteA},
                                                     {QStringLiteral("counterparty"), QStringLiteral("甲方公司")},
                                                     {QStringLiteral("method"), QStringLiteral("bank")},
                                                     {QStringLiteral("voucherUrls"), QJsonArray{voucher}}}));
        QCOMPARE(in.value(QStringLiteral("voucherNo")).toString(), QStringLiteral("JZ20220103-001"));
        const QJsonObject out = record(body(account, {{QStringLiteral("bizDate"), QStringLiteral("2022-01-03")},
                                                      {QStringLiteral("amountCents"), 2550}}));
        QCOMPARE(out.value(QStringLiteral("voucherNo")).toString(), QStringLiteral("JZ20220103-002"));

        const QJsonObject f = flow(in.value(QStringLiteral("id")).toString());
        QCOMPARE(f.value(QStringLiteral("type")).toString(), QStringLiteral("income"));
        QCOMPARE(f.value(QStringLiteral("amountCents")).toInteger(), 10000);
        QCOMPARE(f.value(QStringLiteral("accountName")).toString(), QStringLiteral("记账户"));
        QCOMPARE(f.value(QStringLiteral("categoryName")).toString(), QStringLiteral("工程款"));
        QCOMPARE(f.value(QStringLiteral("siteName")).toString(), QStringLiteral("甲站"));
        QCOMPARE(f.value(QStringLiteral("departmentId")).toString(), m_places.projectA); // from the site
        QCOMPARE(f.value(QStringLiteral("counterparty")).toString(), QStringLiteral("甲方公司"));
        QCOMPARE(f.value(QStringLiteral("voucherUrls")).toArray(), QJsonArray{voucher});
        QCOMPARE(f.value(QStringLiteral("voucherUrl")).toString(), voucher);
        QCOMPARE(f.value(QStringLiteral("createdBy")).toString(), m_adminId);
        QCOMPARE(f.value(QStringLiteral("isReversal")).toBool(), false);

        // In ledger order the first row starts from the opening balance, the last ends at the sum.
        const auto rows = querySql(m_server, QStringLiteral("SELECT transaction_type, amount_cents, balance_before_cents, balance_after_cents "
                                                            "FROM account_transactions WHERE account_id = ? "
                                                            "ORDER BY transaction_date, created_at, id"),
                                   {account});
        QCOMPARE(rows.size(), 2);
        QCOMPARE(rows[0][2].toLongLong(), 500000);
        QCOMPARE(rows[1][3].toLongLong(), 507450);
        for (const QVariantList &row : rows)
            QCOMPARE(row[1].toLongLong(), row[0].toString() == QLatin1String("income") ? 10000 : 2550);
        QCOMPARE(ledgerBalance(m_server, account), 507450);
        QCOMPARE(ledgerProblems(m_server, account), QString());
        // An ownerScope of hq books the flow for headquarters even with a site.
        const QJsonObject hq = record(body(account, {{QStringLiteral("siteId"), m_places.siteA}, {QStringLiteral("ownerScope"), QStringLiteral("hq")}}));
        QVERIFY(flow(hq.value(QStringLiteral("id")).toString()).value(QStringLiteral("departmentId")).isNull());
    }

    void amountsAreWholePositiveCents_data()
    {
        QTest::addColumn<QByteArray>("amount");
        QTest::newRow("fraction") << QByteArray("12.5");
        QTest::newRow("string") << QByteArray("\"100\"");
        QTest::newRow("zero") << QByteArray("0");
        QTest::newRow("negative") << QByteArray("-100");
        QTest::newRow("null") << QByteArray("null");
        QTest::newRow("boolean") << QByteArray("true");
        QTest::newRow("huge") << QByteArray("1e300");
        QTest::newRow("beyond 2^53") << QByteArray("9007199254740993");
        QTest::newRow("tiny fraction") << QByteArray("100.000001");
    }
    void amountsAreWholePositiveCents()
    {
        QFETCH(QByteArray, amount);
        const QString account = addAccount(m_server, QStringLiteral("金额户"));
        QJsonObject b = body(account);
        b.insert(QStringLiteral("amountCents"), QStringLiteral("@AMOUNT@"));
        const QByteArray json = QJsonDocument(b).toJson(QJsonDocument::Compact).replace("\"@AMOUNT@\"", amount);
        const qint64 flows = countRows(m_server, QStringLiteral("cash_flows"));
        const qint64 ledger = countRows(m_server, QStringLiteral("account_transactions"));
        expectRefused(postRaw(json), QStringLiteral("amountCents"), flows, ledger);
    }

    void aVoucherIsRequiredAndMustBeUploaded_data()
    {
        QTest::addColumn<QJsonValue>("urls");
        QTest::addColumn<QString>("field");
        QTest::newRow("none") << QJsonValue() << QStringLiteral("voucherUrls");
        QTest::newRow("empty list") << QJsonValue(QJsonArray()) << QStringLiteral("voucherUrls");
        QTest::newRow("not a list") << QJsonValue(QStringLiteral("/api/vouchers/x")) << QStringLiteral("voucherUrls");
        QTest::newRow("not strings") << QJsonValue(QJsonArray{1, 2}) << QStringLiteral("voucherUrls");
        QTest::newRow("outside URL") << QJsonValue(QJsonArray{QStringLiteral("https://example.com/a.webp")}) << QStringLiteral("voucherUrls[0]");
        QTest::newRow("never uploaded") << QJsonValue(QJsonArray{QStringLiteral("/api/vouchers/") + QString(64, QLatin1Char('a')) + QStringLiteral(".jpg")})
                                        << QStringLiteral("voucherUrls[0]");
        QTest::newRow("traversal") << QJsonValue(QJsonArray{QStringLiteral("/api/vouchers/../caiwu.sqlite")}) << QStringLiteral("voucherUrls[0]");
    }
    void aVoucherIsRequiredAndMustBeUploaded()
    {
        QFETCH(QJsonValue, urls);
        QFETCH(QString, field);
        QJsonObject b = body(addAccount(m_server, QStringLiteral("凭证户")));
        b.remove(QStringLiteral("voucherUrls"));
        if (!urls.isNull())
            b.insert(QStringLiteral("voucherUrls"), urls);
        const qint64 flows = countRows(m_server, QStringLiteral("cash_flows"));
        const qint64 ledger = countRows(m_server, QStringLiteral("account_transactions"));
        expectRefused(m_admin.post("/api/flows", b), field, flows, ledger);
    }

    void theReferencesSingleVoucherUrlIsAccepted()
    {
        QJsonObject b = body(addAccount(m_server, QStringLiteral("单凭证户")));
        b.remove(QStringLiteral("voucherUrls"));
        const QString url = uploadVoucher(m_admin);
        b.insert(QStringLiteral("voucherUrl"), QStringLiteral("http://caiwu.local:8787") + url); // absolute, as the reference sent it
        const QJsonObject created = record(b);
        QCOMPARE(flow(created.value(QStringLiteral("id")).toString()).value(QStringLiteral("voucherUrls")).toArray().size(), 1);
    }

    void badReferencesNameTheirField_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QJsonValue>("value");
        QTest::newRow("unknown account") << QStringLiteral("accountId") << QJsonValue(QStringLiteral("no-such-account"));
        QTest::newRow("inactive account") << QStringLiteral("accountId") << QJsonValue(QStringLiteral("@inactive"));
        QTest::newRow("unknown category") << QStringLiteral("categoryId") << QJsonValue(QStringLiteral("no-such-category"));
        QTest::newRow("income category on an expense") << QStringLiteral("categoryId") << QJsonValue(QStringLiteral("@income"));
        QTest::newRow("unknown site") << QStringLiteral("siteId") << QJsonValue(QStringLiteral("no-such-site"));
        QTest::newRow("inactive category") << QStringLiteral("categoryId") << QJsonValue(QStringLiteral("@inactiveCategory"));
        QTest::newRow("inactive site") << QStringLiteral("siteId") << QJsonValue(QStringLiteral("@inactiveSite"));
        QTest::newRow("unknown project") << QStringLiteral("departmentId") << QJsonValue(QStringLiteral("no-such-project"));
        QTest::newRow("no such date") << QStringLiteral("bizDate") << QJsonValue(QStringLiteral("2024-02-30"));
        QTest::newRow("date format") << QStringLiteral("bizDate") << QJsonValue(QStringLiteral("10/05/2024"));
        QTest::newRow("type") << QStringLiteral("type") << QJsonValue(QStringLiteral("transfer"));
        QTest::newRow("owner scope") << QStringLiteral("ownerScope") << QJsonValue(QStringLiteral("everyone"));
        QTest::newRow("voucher number shape") << QStringLiteral("voucherNo") << QJsonValue(QStringLiteral("JZ 2024/05"));
        QTest::newRow("no category") << QStringLiteral("categoryId") << QJsonValue();
    }
    void badReferencesNameTheirField()
    {
        QFETCH(QString, field);
        QFETCH(QJsonValue, value);
        QJsonObject b = body(addAccount(m_server, QStringLiteral("引用户")));
        if (value == QJsonValue(QStringLiteral("@inactive")))
            value = m_inactive;
        if (value == QJsonValue(QStringLiteral("@income")))
            value = m_income;
        if (value == QJsonValue(QStringLiteral("@inactiveCategory"))) {
            value = addCategory(m_server, QStringLiteral("停用类别"), QStringLiteral("expense"));
            QVERIFY(execSql(m_server, QStringLiteral("UPDATE categories SET active = 0 WHERE id = ?"), {value.toString()}));
        }
        if (value == QJsonValue(QStringLiteral("@inactiveSite"))) {
            value = addSite(m_server, m_places.projectA, QStringLiteral("已关站"));
            QVERIFY(execSql(m_server, QStringLiteral("UPDATE sites SET active = 0 WHERE id = ?"), {value.toString()}));
        }
        if (value.isNull())
            b.remove(field);
        else
            b.insert(field, value);
        const qint64 flows = countRows(m_server, QStringLiteral("cash_flows"));
        const qint64 ledger = countRows(m_server, QStringLiteral("account_transactions"));
        expectRefused(m_admin.post("/api/flows", b), field, flows, ledger);
    }

    void voucherNumbersCountPerDay()
    {
        const QString account = addAccount(m_server, QStringLiteral("编号户"));
        QCOMPARE(m_admin.get("/api/flows/next-voucher?date=2023-01-15").json().value(QStringLiteral("voucherNo")).toString(),
                 QStringLiteral("JZ20230115-001"));
        const QJsonObject d = QJsonObject{{QStringLiteral("bizDate"), QStringLiteral("2023-01-15")}};
        QCOMPARE(record(body(account, d)).value(QStringLiteral("voucherNo")).toString(), QStringLiteral("JZ20230115-001"));
        QCOMPARE(record(body(account, d)).value(QStringLiteral("voucherNo")).toString(), QStringLiteral("JZ20230115-002"));
        // Another day starts again at 001.
        QCOMPARE(record(body(account, {{QStringLiteral("bizDate"), QStringLiteral("2023-01-16")}})).value(QStringLiteral("voucherNo")).toString(),
                 QStringLiteral("JZ20230116-001"));
        QCOMPARE(m_admin.get("/api/flows/next-voucher?date=2023-01-15").json().value(QStringLiteral("voucherNo")).toString(),
                 QStringLiteral("JZ20230115-003"));
        // The preview uses no number.
        QCOMPARE(m_admin.get("/api/flows/next-voucher?date=2023-01-15").json().value(QStringLiteral("voucherNo")).toString(),
                 QStringLiteral("JZ20230115-003"));
        // A number given by hand is kept, and numbering continues after the highest.
        QJsonObject manual = d;
        manual.insert(QStringLiteral("voucherNo"), QStringLiteral("JZ20230115-010"));
        QCOMPARE(record(body(account, manual)).value(QStringLiteral("voucherNo")).toString(), QStringLiteral("JZ20230115-010"));
        QCOMPARE(record(body(account, d)).value(QStringLiteral("voucherNo")).toString(), QStringLiteral("JZ20230115-011"));
        // The same number twice is a conflict that writes nothing.
        const qint64 flows = countRows(m_server, QStringLiteral("cash_flows"));
        const qint64 ledger = countRows(m_server, QStringLiteral("account_transactions"));
        const HttpReply again = m_admin.post("/api/flows", body(account, manual));
        QCOMPARE(again.status, 409);
        QCOMPARE(again.json().value(QStringLiteral("code")).toString(), QStringLiteral("DUPLICATE"));
        QCOMPARE(countRows(m_server, QStringLiteral("cash_flows")), flows);
        QCOMPARE(countRows(m_server, QStringLiteral("account_transactions")), ledger);
        // A hand-typed number too long for the automatic form would break the day's numbering.
        QJsonObject tooLong = d;
        tooLong.insert(QStringLiteral("voucherNo"), QStringLiteral("JZ20230115-4294967297"));
        expectRefused(m_admin.post("/api/flows", body(account, tooLong)), QStringLiteral("voucherNo"), flows, ledger);
        QJsonObject nine = QJsonObject{{QStringLiteral("bizDate"), QStringLiteral("2023-01-17")}, {QStringLiteral("voucherNo"), QStringLiteral("JZ20230117-999999999")}};
        QCOMPARE(record(body(account, nine)).value(QStringLiteral("voucherNo")).toString(), QStringLiteral("JZ20230117-999999999"));
        QCOMPARE(record(body(account, {{QStringLiteral("bizDate"), QStringLiteral("2023-01-17")}})).value(QStringLiteral("voucherNo")).toString(),
                 QStringLiteral("JZ20230117-1000000000"));
        QCOMPARE(record(body(account, {{QStringLiteral("bizDate"), QStringLiteral("2023-01-17")}})).value(QStringLiteral("voucherNo")).toString(),
                 QStringLiteral("JZ20230117-1000000001"));
        // next-voucher needs a date.
        QCOMPARE(m_admin.get("/api/flows/next-voucher").status, 400);
        QCOMPARE(m_admin.get("/api/flows/next-voucher?date=2023-13-01").status, 400);
    }

    void aReversalUndoesAFlowOnce()
    {
        const QString account = addAccount(m_server, QStringLiteral("红冲户"), 80000);
        const QJsonObject original = record(body(account, {{QStringLiteral("type"), QStringLiteral("income")},
                                                           {QStringLiteral("categoryId"), m_income},
                                                           {QStringLiteral("amountCents"), 3000},
                                                           {QStringLiteral("siteId"), m_places.siteB}}));
        const QString id = original.value(QStringLiteral("id")).toString();
        QCOMPARE(ledgerBalance(m_server, account), 83000);

        const HttpReply reversed = m_admin.post("/api/flows/" + id.toUtf8() + "/reverse",
                                                {{QStringLiteral("reason"), QStringLiteral("金额录错")},
                                                 {QStringLiteral("bizDate"), QStringLiteral("2024-05-11")}});
        QCOMPARE(reversed.status, 200);
        const QString reversalId = reversed.json().value(QStringLiteral("id")).toString();
        QCOMPARE(reversed.json().value(QStringLiteral("voucherNo")).toString(), QStringLiteral("JZ20240511-001"));
        const QJsonObject r = flow(reversalId);
        QCOMPARE(r.value(QStringLiteral("type")).toString(), QStringLiteral("expense"));
        QCOMPARE(r.value(QStringLiteral("amountCents")).toInteger(), 3000);
        QCOMPARE(r.value(QStringLiteral("isReversal")).toBool(), true);
        QCOMPARE(r.value(QStringLiteral("reversalOfFlowId")).toString(), id);
        QCOMPARE(r.value(QStringLiteral("departmentId")).toString(), m_places.projectB);
        QVERIFY(r.value(QStringLiteral("memo")).toString().contains(QStringLiteral("红冲")));
        QVERIFY(r.value(QStringLiteral("memo")).toString().contains(QStringLiteral("金额录错")));
        const QJsonObject o = flow(id);
        QCOMPARE(o.value(QStringLiteral("isReversed")).toBool(), true);
        QCOMPARE(o.value(QStringLiteral("reversedByFlowId")).toString(), reversalId);
        QCOMPARE(o.value(QStringLiteral("version")).toInt(), 2);
        QCOMPARE(ledgerBalance(m_server, account), 80000);
        QCOMPARE(ledgerProblems(m_server, account), QString());

        const qint64 flows = countRows(m_server, QStringLiteral("cash_flows"));
        const HttpReply twice = m_admin.post("/api/flows/" + id.toUtf8() + "/reverse");
        QCOMPARE(twice.status, 409);
        QCOMPARE(twice.json().value(QStringLiteral("code")).toString(), QStringLiteral("CONFLICT"));
        const HttpReply ofReversal = m_admin.post("/api/flows/" + reversalId.toUtf8() + "/reverse");
        QCOMPARE(ofReversal.status, 400);
        QCOMPARE(m_admin.post("/api/flows/no-such-flow/reverse").status, 404);
        QCOMPARE(countRows(m_server, QStringLiteral("cash_flows")), flows);
        QCOMPARE(ledgerBalance(m_server, account), 80000);
    }

    void aReversalOnRetiredMasterDataStillWorks()
    {
        // Closing an account, a category or a site must not trap a mistake on it.
        const QString account = addAccount(m_server, QStringLiteral("将停用"), 1000);
        const QString category = addCategory(m_server, QStringLiteral("将停用类别"), QStringLiteral("expense"));
        const QString site = addSite(m_server, m_places.projectB, QStringLiteral("将关站"));
        const QString id = record(body(account, {{QStringLiteral("categoryId"), category}, {QStringLiteral("siteId"), site}}))
                               .value(QStringLiteral("id")).toString();
        QVERIFY(execSql(m_server, QStringLiteral("UPDATE accounts SET active = 0 WHERE id = ?"), {account}));
        QVERIFY(execSql(m_server, QStringLiteral("UPDATE categories SET active = 0 WHERE id = ?"), {category}));
        QVERIFY(execSql(m_server, QStringLiteral("UPDATE sites SET active = 0 WHERE id = ?"), {site}));
        QCOMPARE(m_admin.post("/api/flows/" + id.toUtf8() + "/reverse", {{QStringLiteral("bizDate"), QStringLiteral("2024-13-01")}}).status, 400);
        QCOMPARE(m_admin.post("/api/flows/" + id.toUtf8() + "/reverse").status, 200);
        QCOMPARE(ledgerBalance(m_server, account), 1000);
    }

    void theVoucherListCanBeReplaced()
    {
        const QString account = addAccount(m_server, QStringLiteral("换凭证户"));
        const QJsonObject created = record(body(account));
        const QString id = created.value(QStringLiteral("id")).toString();
        const QString first = flow(id).value(QStringLiteral("voucherUrl")).toString();
        const QString a = uploadVoucher(m_admin), b = uploadVoucher(m_admin);
        const HttpReply put = m_admin.put("/api/flows/" + id.toUtf8() + "/voucher", {{QStringLiteral("voucherUrls"), QJsonArray{a, b}}});
        QCOMPARE(put.status, 200);
        QCOMPARE(put.json().value(QStringLiteral("ok")).toBool(), true);
        const QJsonObject f = flow(id);
        QCOMPARE(f.value(QStringLiteral("voucherUrls")).toArray(), (QJsonArray{a, b}));
        QCOMPARE(f.value(QStringLiteral("version")).toInt(), 2);
        // The links follow: the old file is no longer referenced by this flow.
        const auto links = querySql(m_server, QStringLiteral("SELECT count(*) FROM voucher_links WHERE entity_id = ?"), {id});
        QCOMPARE(links.value(0).value(0).toInt(), 2);
        QCOMPARE(querySql(m_server, QStringLiteral("SELECT count(*) FROM voucher_links WHERE entity_id = ? AND ? LIKE '%' || voucher_key"),
                          {id, first}).value(0).value(0).toInt(), 0);

        for (const QJsonObject &bad : {QJsonObject{{QStringLiteral("voucherUrls"), QJsonArray()}}, QJsonObject{},
                                       QJsonObject{{QStringLiteral("voucherUrls"), QJsonArray{a, QStringLiteral("/api/vouchers/nope.jpg")}}}}) {
            const HttpReply refused = m_admin.put("/api/flows/" + id.toUtf8() + "/voucher", bad);
            QCOMPARE(refused.status, 400);
        }
        QCOMPARE(flow(id).value(QStringLiteral("voucherUrls")).toArray(), (QJsonArray{a, b}));
        QCOMPARE(m_admin.put("/api/flows/no-such-flow/voucher", {{QStringLiteral("voucherUrl"), a}}).status, 404);
        // A client that read version 1 is behind: 409, and the list stays.
        const HttpReply stale = m_admin.put("/api/flows/" + id.toUtf8() + "/voucher",
                                            {{QStringLiteral("voucherUrl"), first}, {QStringLiteral("version"), 1}});
        QCOMPARE(stale.status, 409);
        QCOMPARE(stale.json().value(QStringLiteral("code")).toString(), QStringLiteral("CONFLICT"));
        QCOMPARE(flow(id).value(QStringLiteral("voucherUrls")).toArray(), (QJsonArray{a, b}));
        QCOMPARE(m_admin.put("/api/flows/" + id.toUtf8() + "/voucher", {{QStringLiteral("voucherUrl"), first}, {QStringLiteral("version"), 1.5}}).status, 400);
        QCOMPARE(m_admin.put("/api/flows/" + id.toUtf8() + "/voucher", {{QStringLiteral("voucherUrls"), QJsonArray{b}}, {QStringLiteral("version"), 2}}).status, 200);
        QCOMPARE(flow(id).value(QStringLiteral("version")).toInt(), 3);
        // The single-URL form replaces the list too.
        QCOMPARE(m_admin.put("/api/flows/" + id.toUtf8() + "/voucher", {{QStringLiteral("voucherUrl"), first}}).status, 200);
        QCOMPARE(flow(id).value(QStringLiteral("voucherUrls")).toArray(), QJsonArray{first});
    }

    void theListKeepsTheReferenceShapeUnlessPaged()
    {
        const QString account = addAccount(m_server, QStringLiteral("分页户"));
        for (int i = 1; i <= 5; ++i)
            record(body(account, {{QStringLiteral("bizDate"), QStringLiteral("2021-03-0%1").arg(i)}}));
        const QJsonObject plain = m_admin.get("/api/flows").json();
        QCOMPARE(plain.keys(), QStringList{QStringLiteral("results")});
        const QJsonObject any = plain.value(QStringLiteral("results")).toArray().first().toObject();
        for (const char *field : {"id", "voucherNo", "bizDate", "type", "accountId", "categoryId", "method", "amountCents", "siteId",
                                  "departmentId", "counterparty", "memo", "voucherUrls", "voucherUrl", "createdBy", "createdAt",
                                  "accountName", "categoryName"})
            QVERIFY2(any.contains(QLatin1String(field)), field);

        const QByteArray base = "/api/flows?accountId=" + account.toUtf8();
        QCOMPARE(m_admin.get(base).json().keys(), QStringList{QStringLiteral("results")});
        const QJsonObject page1 = m_admin.get(base + "&limit=2").json();
        QCOMPARE(page1.value(QStringLiteral("total")).toInt(), 5);
        const QJsonArray first = page1.value(QStringLiteral("results")).toArray();
        QCOMPARE(first.size(), 2);
        QCOMPARE(first[0].toObject().value(QStringLiteral("bizDate")).toString(), QStringLiteral("2021-03-05")); // newest first
        const QJsonObject page3 = m_admin.get(base + "&limit=2&offset=4").json();
        QCOMPARE(page3.value(QStringLiteral("results")).toArray().size(), 1);
        QCOMPARE(page3.value(QStringLiteral("results")).toArray()[0].toObject().value(QStringLiteral("bizDate")).toString(),
                 QStringLiteral("2021-03-01"));
        QCOMPARE(m_admin.get(base + "&offset=1").json().value(QStringLiteral("total")).toInt(), 5);
        for (const QByteArray &bad : {QByteArray("&limit=0"), QByteArray("&limit=abc"), QByteArray("&offset=-1"), QByteArray("&limit=1001"),
                                      QByteArray("&from=2024-13-01"), QByteArray("&endDate=yesterday"), QByteArray("&type=transfer")}) {
            const HttpReply reply = m_admin.get(base + bad);
            QVERIFY2(reply.status == 400, bad.constData());
            QCOMPARE(reply.json().value(QStringLiteral("code")).toString(), QStringLiteral("VALIDATION_ERROR"));
        }
    }

    void eachFilterNarrowsTheList()
    {
        const QString account = addAccount(m_server, QStringLiteral("筛选户"));
        const QString other = addAccount(m_server, QStringLiteral("筛选户二"));
        const QString cat2 = addCategory(m_server, QStringLiteral("差旅费"), QStringLiteral("expense"));
        auto make = [&](const QString &acct, const QString &date, const QJsonObject &extra) {
            QJsonObject o{{QStringLiteral("bizDate"), date}};
            for (auto it = extra.begin(); it != extra.end(); ++it)
                o.insert(it.key(), it.value());
            return record(body(acct, o)).value(QStringLiteral("id")).toString();
        };
        const QString f1 = make(account, QStringLiteral("2020-07-01"), {{QStringLiteral("siteId"), m_places.siteA}, {QStringLiteral("memo"), QStringLiteral("水泥 50%")}});
        const QString f2 = make(account, QStringLiteral("2020-07-15"), {{QStringLiteral("siteId"), m_places.siteB}, {QStringLiteral("categoryId"), cat2}});
        const QString f3 = make(account, QStringLiteral("2020-07-31"), {{QStringLiteral("type"), QStringLiteral("income")},
                                                                      {QStringLiteral("categoryId"), m_income},
                                                                      {QStringLiteral("counterparty"), QStringLiteral("乙方_物业")}});
        const QString f4 = make(other, QStringLiteral("2020-07-15"), {{QStringLiteral("siteId"), m_places.siteA}});
        const QByteArray july = "from=2020-07-01&to=2020-07-31";
        struct Case {
            QByteArray query;
            QSet<QString> expected;
        };
        const QList<Case> cases{
            {july, {f1, f2, f3, f4}},
            {"startDate=2020-07-02&endDate=2020-07-30", {f2, f4}},
            {"from=2020-07-15&to=2020-07-15", {f2, f4}},
            {july + "&accountId=" + account.toUtf8(), {f1, f2, f3}},
            {july + "&categoryId=" + cat2.toUtf8(), {f2}},
            {july + "&siteId=" + m_places.siteA.toUtf8(), {f1, f4}},
            {july + "&departmentId=" + m_places.projectB.toUtf8(), {f2}},
            {july + "&type=income", {f3}},
            {july + "&type=expense&accountId=" + account.toUtf8(), {f1, f2}},
            {july + "&search=" + QUrl::toPercentEncoding(QStringLiteral("水泥")), {f1}},
            {july + "&search=" + QUrl::toPercentEncoding(QStringLiteral("50%")), {f1}},
            {july + "&search=" + QUrl::toPercentEncoding(QStringLiteral("%")), {f1}},   // a literal %, not a wildcard
            {july + "&search=_", {f3}},                                                 // a literal _, not a wildcard
            {july + "&search=" + QUrl::toPercentEncoding(QStringLiteral("乙方")), {f3}},
            {"search=" + record(body(account, {{QStringLiteral("bizDate"), QStringLiteral("2020-06-30")}})).value(QStringLiteral("voucherNo")).toString().toUtf8(), {}},
        };
        for (const Case &c : cases) {
            const HttpReply reply = m_admin.get("/api/flows?" + c.query);
            QVERIFY2(reply.status == 200, c.query.constData());
            if (c.expected.isEmpty()) // the voucher-number search: exactly one flow, of 2020-06-30
                QCOMPARE(reply.json().value(QStringLiteral("results")).toArray().size(), 1);
            else
                QVERIFY2(idsOf(reply.json()) == c.expected, c.query.constData());
        }
    }

    void aBackDatedFlowLeavesEveryLaterBalanceRight()
    {
        const QString account = addAccount(m_server, QStringLiteral("补记户"), 100000);
        auto post = [&](const char *date, const char *type, qint64 amount) {
            const bool income = qstrcmp(type, "income") == 0;
            record(body(account, {{QStringLiteral("bizDate"), QLatin1String(date)}, {QStringLiteral("type"), QLatin1String(type)},
                                  {QStringLiteral("categoryId"), income ? m_income : m_expense},
                                  {QStringLiteral("amountCents"), amount}}));
        };
        post("2024-06-10", "income", 1000);
        post("2024-06-20", "expense", 300);
        post("2024-06-30", "income", 50);
        post("2024-06-05", "expense", 200);   // before everything
        post("2024-06-15", "income", 7);      // in the middle
        QThread::msleep(2);                   // a later creation time than the first 2024-06-20 row
        post("2024-06-20", "income", 11);     // same day as a row: after it
        QCOMPARE(ledgerProblems(m_server, account), QString());
        QCOMPARE(ledgerBalance(m_server, account), 100000 + 1000 - 300 + 50 - 200 + 7 + 11);
        const auto rows = querySql(m_server, QStringLiteral("SELECT transaction_date, balance_after_cents FROM account_transactions "
                                                            "WHERE account_id = ? ORDER BY transaction_date, created_at, id"),
                                   {account});
        const QList<qint64> expected{99800, 100800, 100807, 100507, 100518, 100568};
        QCOMPARE(rows.size(), expected.size());
        for (int i = 0; i < rows.size(); ++i)
            QCOMPARE(rows[i][1].toLongLong(), expected[i]);
        QCOMPARE(balanceFromRecords(m_server, account), 100568);
    }
};

QTEST_GUILESS_MAIN(ApiFlowsTest)
#include "tst_api_flows.moc"
