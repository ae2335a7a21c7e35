// Employee loans and repayments against a real server: amounts are exact cents or refused,
// a repayment never exceeds what is owed and moves the loan's status with it, balances are
// not inflated by the number of repayments, requests are decided once by the borrower's
// manager, and everyone sees only the loans within their data scope.
#include "support/ApiClient.h"
#include "support/TestServer.h"

#include <QJsonArray>
#include <QTest>

class ApiLoansTest : public QObject {
    Q_OBJECT

private:
    TestServer m_server;
    ApiClient m_admin{0};
    QString m_adminId;
    ApiClient m_clerk{0};        // HQ finance: records loans and repayments, approves nothing
    ApiClient m_alice{0};        // team 1 of project 1, sees only her own loans
    ApiClient m_manager{0};      // manages project 1
    ApiClient m_leader{0};       // leads team 1
    ApiClient m_onlooker{0};     // no loan rights at all
    ApiClient m_approverNotManager{0};  // holds the approve right but manages nobody
    QString m_project1, m_project2, m_team1, m_team2;
    QString m_aliceId, m_bobId, m_carolId, m_managerId, m_leaderId;

    qint64 count(const QString &table) { return rowCount(m_server, table); }
    QString statusOf(const QString &loanId)
    {
        return querySql(m_server, QStringLiteral("SELECT status FROM borrowings WHERE id = ?"), {loanId}).value(0).value(0).toString();
    }
    // A loan recorded by finance through the API; its id, or empty (and a failed check) if refused.
    QString lend(const QString &userId, const QJsonValue &amount, const QString &currency = QStringLiteral("CNY"),
                 const QString &account = QStringLiteral("acc-cny"), const QString &date = QStringLiteral("2026-03-01"))
    {
        const HttpReply reply = m_clerk.post("/api/borrowings", QJsonObject{{QStringLiteral("userId"), userId},
                                                                            {QStringLiteral("accountId"), account},
                                                                            {QStringLiteral("amount"), amount},
                                                                            {QStringLiteral("currency"), currency},
                                                                            {QStringLiteral("borrowDate"), date}});
        if (reply.status != 200) {
            qWarning("lend: %d %s", reply.status, reply.body.constData());
            return {};
        }
        return reply.json().value(QStringLiteral("id")).toString();
    }
    HttpReply repay(const QString &loanId, const QJsonValue &amount, const QString &date = QStringLiteral("2026-03-10"),
                    const QString &currency = QStringLiteral("CNY"), const QString &account = QStringLiteral("acc-cny"))
    {
        return m_clerk.post("/api/repayments", QJsonObject{{QStringLiteral("borrowingId"), loanId},
                                                           {QStringLiteral("accountId"), account},
                                                           {QStringLiteral("amount"), amount},
                                                           {QStringLiteral("currency"), currency},
                                                           {QStringLiteral("repayDate"), date}});
    }
    // A self-service request as /my/borrowings leaves it: pending, no account yet.
    QString request(const QString &userId, qint64 cents)
    {
        const QString id = QStringLiteral("req-%1").arg(count(QStringLiteral("borrowings")) + 1);
        const bool ok = execSql(m_server,
                                QStringLiteral("INSERT INTO borrowings (id, user_id, amount_cents, currency, borrow_date, status, created_at) "
                                               "VALUES (?, ?, ?, 'CNY', '2026-03-05', 'pending', 0)"),
                                {id, userId, cents});
        return ok ? id : QString();
    }
    HttpReply decide(const ApiClient &who, const QString &loanId, const QString &status, const QJsonValue &version = {})
    {
        QJsonObject body{{QStringLiteral("status"), status}, {QStringLiteral("memo"), QStringLiteral("审批意见")}};
        if (!version.isUndefined())
            body.insert(QStringLiteral("version"), version);
        return who.put("/api/borrowings/" + loanId.toUtf8() + "/status", body);
    }
    QString position(const QString &code, int level, const QString &scope, const QStringList &actions, bool manages)
    {
        const QString id = addPosition(m_server, code, level, scope,
                                       permissionMatrix(QStringLiteral("finance"), QStringLiteral("borrowing"), actions));
        if (manages)
            execSql(m_server, QStringLiteral("UPDATE positions SET can_manage_subordinates = 1 WHERE id = ?"), {id});
        return id;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_server.startCaiwu(), m_server.output().constData());
        m_admin = signInAdmin(m_server);
        QVERIFY(!m_admin.token().isEmpty());
        m_adminId = querySql(m_server, QStringLiteral("SELECT id FROM employees WHERE email = 'admin@office.test'")).value(0).value(0).toString();
        QVERIFY(execSql(m_server, QStringLiteral("INSERT INTO accounts (id, name, type, currency, active) VALUES "
                                                 "('acc-cny', '现金', 'cash', 'CNY', 1), ('acc-usd', '美元户', 'bank', 'USD', 1), "
                                                 "('acc-closed', '旧账户', 'bank', 'CNY', 0)")));
        m_project1 = addProject(m_server, QStringLiteral("一号项目"));
        m_project2 = addProject(m_server, QStringLiteral("二号项目"));
        m_team1 = addOrgDepartment(m_server, m_project1, QStringLiteral("一组"));
        m_team2 = addOrgDepartment(m_server, m_project1, QStringLiteral("二组"));

        const QString clerk = position(QStringLiteral("hq_finance"), 1, QStringLiteral("all"), {QStringLiteral("view"), QStringLiteral("create")}, false);
        const QString member = position(QStringLiteral("team_engineer"), 3, QStringLiteral("self"), {QStringLiteral("view")}, false);
        const QString manager = position(QStringLiteral("project_manager"), 2, QStringLiteral("project"),
                                         {QStringLiteral("view"), QStringLiteral("approve")}, true);
        const QString leader = position(QStringLiteral("team_leader"), 3, QStringLiteral("group"), {QStringLiteral("view"), QStringLiteral("approve")}, true);
        const QString approver = position(QStringLiteral("project_finance"), 2, QStringLiteral("project"), {QStringLiteral("approve")}, false);
        const QString none = addPosition(m_server, QStringLiteral("hq_support"), 1, QStringLiteral("all"),
                                         permissionMatrix(QStringLiteral("finance"), QStringLiteral("flow"), {QStringLiteral("view")}));

        m_clerk = signInStaff(m_server, {QStringLiteral("clerk@office.test"), QStringLiteral("clerk-password-1"), clerk});
        m_alice = signInStaff(m_server, {QStringLiteral("alice@office.test"), QStringLiteral("alice-password-1"), member, m_project1, m_team1}, &m_aliceId);
        m_bobId = addStaffMember(m_server, {QStringLiteral("bob@office.test"), QStringLiteral("bob-password-1"), member, m_project1, m_team2});
        m_carolId = addStaffMember(m_server, {QStringLiteral("carol@office.test"), QStringLiteral("carol-password-1"), member, m_project2});
        m_manager = signInStaff(m_server, {QStringLiteral("manager@office.test"), QStringLiteral("manager-password-1"), manager, m_project1}, &m_managerId);
        m_leader = signInStaff(m_server, {QStringLiteral("leader@office.test"), QStringLiteral("leader-password-1"), leader, m_project1, m_team1}, &m_leaderId);
        m_approverNotManager = signInStaff(m_server, {QStringLiteral("approver@office.test"), QStringLiteral("approver-password-1"), approver, m_project1});
        m_onlooker = signInStaff(m_server, {QStringLiteral("onlooker@office.test"), QStringLiteral("onlooker-password-1"), none});
        for (const ApiClient *client : {&m_clerk, &m_alice, &m_manager, &m_leader, &m_approverNotManager, &m_onlooker})
            QVERIFY(!client->token().isEmpty());
    }

    void cleanupTestCase()
    {
        m_server.signal(SIGTERM);
        QCOMPARE(m_server.waitForExit(), 0);
    }

    void financeRecordsALoan()
    {
        const qint64 audits = count(QStringLiteral("audit_logs"));
        const HttpReply reply = m_clerk.post("/api/borrowings", QJsonObject{{QStringLiteral("userId"), m_aliceId},
                                                                            {QStringLiteral("accountId"), QStringLiteral("acc-cny")},
                                                                            {QStringLiteral("amount"), 1234.5},
                                                                            {QStringLiteral("currency"), QStringLiteral("CNY")},
                                                                            {QStringLiteral("borrowDate"), QStringLiteral("2026-02-01")},
                                                                            {QStringLiteral("memo"), QStringLiteral("房租预支")}});
        QCOMPARE(reply.status, 200);
        const QJsonObject loan = reply.json();
        QCOMPARE(loan.value(QStringLiteral("amountCents")).toInteger(), 123450);
        QCOMPARE(loan.value(QStringLiteral("userId")).toString(), m_aliceId);
        QCOMPARE(loan.value(QStringLiteral("borrower_name")).toString(), QStringLiteral("alice"));
        QCOMPARE(loan.value(QStringLiteral("borrower_email")).toString(), QStringLiteral("alice@office.test"));
        QCOMPARE(loan.value(QStringLiteral("accountName")).toString(), QStringLiteral("现金"));
        QCOMPARE(loan.value(QStringLiteral("account_currency")).toString(), QStringLiteral("CNY"));
        QCOMPARE(loan.value(QStringLiteral("borrowDate")).toString(), QStringLiteral("2026-02-01"));
        QCOMPARE(loan.value(QStringLiteral("memo")).toString(), QStringLiteral("房租预支"));
        QCOMPARE(loan.value(QStringLiteral("status")).toString(), QStringLiteral("outstanding"));
        QCOMPARE(loan.value(QStringLiteral("repaidCents")).toInteger(), 0);
        QCOMPARE(loan.value(QStringLiteral("balanceCents")).toInteger(), 123450);
        QVERIFY(loan.contains(QStringLiteral("borrower_id")));
        QCOMPARE(count(QStringLiteral("audit_logs")), audits + 1);
        const auto audit = querySql(m_server, QStringLiteral("SELECT actor_id, action, entity FROM audit_logs WHERE entity_id = ?"),
                                    {loan.value(QStringLiteral("id")).toString()});
        QCOMPARE(audit.value(0).value(1).toString(), QStringLiteral("create"));
        QCOMPARE(audit.value(0).value(2).toString(), QStringLiteral("borrowing"));

        // The same amount as a string with a thousands separator, and as cents.
        QString id = lend(m_aliceId, QStringLiteral("1,000.05"));
        QCOMPARE(querySql(m_server, QStringLiteral("SELECT amount_cents FROM borrowings WHERE id = ?"), {id}).value(0).value(0).toLongLong(), 100005);
        const HttpReply cents = m_clerk.post("/api/borrowings", QJsonObject{{QStringLiteral("userId"), m_aliceId},
                                                                            {QStringLiteral("accountId"), QStringLiteral("acc-usd")},
                                                                            {QStringLiteral("amountCents"), 999},
                                                                            {QStringLiteral("currency"), QStringLiteral("USD")},
                                                                            {QStringLiteral("borrowDate"), QStringLiteral("2026-02-02")}});
        QCOMPARE(cents.status, 200);
        QCOMPARE(cents.json().value(QStringLiteral("amountCents")).toInteger(), 999);
        // 0.29 × 100 is 28.999… as a double: the amount is read from its digits, not multiplied.
        id = lend(m_aliceId, 0.29);
        QCOMPARE(querySql(m_server, QStringLiteral("SELECT amount_cents FROM borrowings WHERE id = ?"), {id}).value(0).value(0).toLongLong(), 29);
    }

    void anAmountThatIsNotWholeCentsIsRefused_data()
    {
        QTest::addColumn<QJsonObject>("amount");
        QTest::addColumn<QString>("path");
        QTest::newRow("third decimal") << QJsonObject{{QStringLiteral("amount"), 12.345}} << QStringLiteral("amount");
        QTest::newRow("third decimal, string") << QJsonObject{{QStringLiteral("amount"), QStringLiteral("12.345")}} << QStringLiteral("amount");
        QTest::newRow("not a number") << QJsonObject{{QStringLiteral("amount"), QStringLiteral("abc")}} << QStringLiteral("amount");
        QTest::newRow("zero") << QJsonObject{{QStringLiteral("amount"), 0}} << QStringLiteral("amount");
        QTest::newRow("negative") << QJsonObject{{QStringLiteral("amount"), -5}} << QStringLiteral("amount");
        QTest::newRow("a bool") << QJsonObject{{QStringLiteral("amount"), true}} << QStringLiteral("amount");
        QTest::newRow("cents with a fraction") << QJsonObject{{QStringLiteral("amountCents"), 12.5}} << QStringLiteral("amountCents");
        QTest::newRow("both") << QJsonObject{{QStringLiteral("amount"), 1}, {QStringLiteral("amountCents"), 100}} << QStringLiteral("amount");
        QTest::newRow("neither") << QJsonObject{} << QStringLiteral("amount");
    }
    void anAmountThatIsNotWholeCentsIsRefused()
    {
        QFETCH(QJsonObject, amount);
        QFETCH(QString, path);
        const qint64 loans = count(QStringLiteral("borrowings"));
        QJsonObject body{{QStringLiteral("userId"), m_aliceId}, {QStringLiteral("accountId"), QStringLiteral("acc-cny")},
                         {QStringLiteral("currency"), QStringLiteral("CNY")}, {QStringLiteral("borrowDate"), QStringLiteral("2026-03-01")}};
        for (auto it = amount.begin(); it != amount.end(); ++it)
            body.insert(it.key(), it.value());
        const HttpReply reply = m_clerk.post("/api/borrowings", body);
        QCOMPARE(reply.status, 400);
        QCOMPARE(reply.json().value(QStringLiteral("code")).toString(), QStringLiteral("VALIDATION_ERROR"));
        QCOMPARE(errorPath(reply), path);
        QCOMPARE(count(QStringLiteral("borrowings")), loans);
    }

    void aLoanNeedsARealEmployeeAndAnAccountInItsCurrency_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("value");
        QTest::newRow("unknown employee") << QStringLiteral("userId") << QStringLiteral("nobody");
        QTest::newRow("unknown account") << QStringLiteral("accountId") << QStringLiteral("acc-none");
        QTest::newRow("closed account") << QStringLiteral("accountId") << QStringLiteral("acc-closed");
        QTest::newRow("other currency") << QStringLiteral("currency") << QStringLiteral("USD");
        QTest::newRow("unknown currency") << QStringLiteral("currency") << QStringLiteral("XYZ");
        QTest::newRow("not a date") << QStringLiteral("borrowDate") << QStringLiteral("2026-02-30");
        QTest::newRow("no employee") << QStringLiteral("userId") << QString();
    }
    void aLoanNeedsARealEmployeeAndAnAccountInItsCurrency()
    {
        QFETCH(QString, field);
        QFETCH(QString, value);
        const qint64 loans = count(QStringLiteral("borrowings"));
        const qint64 audits = count(QStringLiteral("audit_logs"));
        QJsonObject body{{QStringLiteral("userId"), m_aliceId}, {QStringLiteral("accountId"), QStringLiteral("acc-cny")},
                         {QStringLiteral("amount"), 10}, {QStringLiteral("currency"), QStringLiteral("CNY")},
                         {QStringLiteral("borrowDate"), QStringLiteral("2026-03-01")}};
        body.insert(field, value);
        const HttpReply reply = m_clerk.post("/api/borrowings", body);
        QCOMPARE(reply.status, 400);
        QCOMPARE(errorPath(reply), field);
        QCOMPARE(count(QStringLiteral("borrowings")), loans);
        QCOMPARE(count(QStringLiteral("audit_logs")), audits);
    }

    void repaymentsMoveTheLoanToRepaid()
    {
        const QString loan = lend(m_bobId, 1000);
        QVERIFY(!loan.isEmpty());
        HttpReply reply = repay(loan, 300.25);
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.json().value(QStringLiteral("amountCents")).toInteger(), 30025);
        QCOMPARE(reply.json().value(QStringLiteral("borrowingId")).toString(), loan);
        QCOMPARE(reply.json().value(QStringLiteral("borrower_name")).toString(), QStringLiteral("bob"));
        QCOMPARE(reply.json().value(QStringLiteral("accountName")).toString(), QStringLiteral("现金"));
        QCOMPARE(reply.json().value(QStringLiteral("creator_name")).toString(), QStringLiteral("clerk"));
        QCOMPARE(statusOf(loan), QStringLiteral("partial"));
        QCOMPARE(querySql(m_server, QStringLiteral("SELECT action, entity FROM audit_logs WHERE entity_id = ?"),
                          {reply.json().value(QStringLiteral("id")).toString()}).value(0),
                 (QVariantList{QStringLiteral("create"), QStringLiteral("repayment")}));

        // More than is still owed: refused, and nothing of it is kept.
        const qint64 repayments = count(QStringLiteral("repayments"));
        const qint64 audits = count(QStringLiteral("audit_logs"));
        reply = repay(loan, 699.76);
        QCOMPARE(reply.status, 400);
        QCOMPARE(errorPath(reply), QStringLiteral("amount"));
        QVERIFY2(reply.json().value(QStringLiteral("error")).toString().contains(QStringLiteral("69975")), reply.body.constData());
        QCOMPARE(count(QStringLiteral("repayments")), repayments);
        QCOMPARE(count(QStringLiteral("audit_logs")), audits);
        QCOMPARE(statusOf(loan), QStringLiteral("partial"));

        QCOMPARE(repay(loan, QStringLiteral("699.75")).status, 200);
        QCOMPARE(statusOf(loan), QStringLiteral("repaid"));
        reply = m_clerk.get("/api/borrowings?userId=" + m_bobId.toUtf8());
        QJsonObject shown;
        for (const QJsonValue &row : reply.json().value(QStringLiteral("results")).toArray())
            if (row.toObject().value(QStringLiteral("id")).toString() == loan)
                shown = row.toObject();
        QCOMPARE(shown.value(QStringLiteral("status")).toString(), QStringLiteral("repaid"));
        QCOMPARE(shown.value(QStringLiteral("repaidCents")).toInteger(), 100000);
        QCOMPARE(shown.value(QStringLiteral("balanceCents")).toInteger(), 0);
        QCOMPARE(repay(loan, 0.01).status, 400); // nothing is owed any more

        reply = m_clerk.get("/api/repayments?borrowingId=" + loan.toUtf8());
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.json().value(QStringLiteral("results")).toArray().size(), 2);
        QCOMPARE(reply.json().value(QStringLiteral("results")).toArray().first().toObject().value(QStringLiteral("amountCents")).toInteger(), 69975);
    }

    void aRepaymentMustFitItsLoan()
    {
        const QString loan = lend(m_bobId, 50, QStringLiteral("CNY"), QStringLiteral("acc-cny"), QStringLiteral("2026-03-01"));
        const qint64 repayments = count(QStringLiteral("repayments"));
        HttpReply reply = repay(loan, 10, QStringLiteral("2026-03-10"), QStringLiteral("USD"), QStringLiteral("acc-usd"));
        QCOMPARE(reply.status, 400);
        QCOMPARE(errorPath(reply), QStringLiteral("currency"));
        reply = repay(loan, 10, QStringLiteral("2026-02-28"));
        QCOMPARE(reply.status, 400);
        QCOMPARE(errorPath(reply), QStringLiteral("repayDate"));
        reply = repay(loan, 10, QStringLiteral("2026-03-10"), QStringLiteral("CNY"), QStringLiteral("acc-closed"));
        QCOMPARE(reply.status, 400);
        QCOMPARE(errorPath(reply), QStringLiteral("accountId"));
        reply = repay(loan, 12.345);
        QCOMPARE(reply.status, 400);
        QCOMPARE(errorPath(reply), QStringLiteral("amount"));
        QCOMPARE(repay(loan, QStringLiteral("abc")).status, 400);
        QCOMPARE(repay(QStringLiteral("no-such-loan"), 10).status, 404);
        // A request nobody has paid out yet cannot be repaid.
        const QString pending = request(m_bobId, 1000);
        reply = repay(pending, 1);
        QCOMPARE(reply.status, 400);
        QCOMPARE(reply.json().value(QStringLiteral("code")).toString(), QStringLiteral("BUSINESS_ERROR"));
        QCOMPARE(count(QStringLiteral("repayments")), repayments);
        QCOMPARE(statusOf(loan), QStringLiteral("outstanding"));
    }

    void balancesAreNotInflatedByRepayments()
    {
        // Carol: 100 with two repayments of 10, and 50 untouched → owes 130, not 250 − 20.
        const QString first = lend(m_carolId, 100);
        const QString second = lend(m_carolId, 50);
        QVERIFY(!second.isEmpty());
        QCOMPARE(repay(first, 10).status, 200);
        QCOMPARE(repay(first, 10).status, 200);
        QVERIFY(!lend(m_carolId, 7, QStringLiteral("USD"), QStringLiteral("acc-usd")).isEmpty());
        request(m_carolId, 99900); // not paid out: owes nothing
        const HttpReply reply = m_clerk.get("/api/borrowings/balance?userId=" + m_carolId.toUtf8());
        QCOMPARE(reply.status, 200);
        const QJsonArray rows = reply.json().value(QStringLiteral("results")).toArray();
        QCOMPARE(rows.size(), 2);
        const QJsonObject cny = rows.at(0).toObject();
        QCOMPARE(cny.value(QStringLiteral("currency")).toString(), QStringLiteral("CNY"));
        QCOMPARE(cny.value(QStringLiteral("total_borrowed_cents")).toInteger(), 15000);
        QCOMPARE(cny.value(QStringLiteral("total_repaid_cents")).toInteger(), 2000);
        QCOMPARE(cny.value(QStringLiteral("balance_cents")).toInteger(), 13000);
        QCOMPARE(cny.value(QStringLiteral("borrower_name")).toString(), QStringLiteral("carol"));
        QCOMPARE(rows.at(1).toObject().value(QStringLiteral("currency")).toString(), QStringLiteral("USD"));
        QCOMPARE(rows.at(1).toObject().value(QStringLiteral("balance_cents")).toInteger(), 700);

        // Whoever has repaid everything is not listed.
        const QString settled = lend(m_leaderId, 5);
        QCOMPARE(repay(settled, 5).status, 200);
        QVERIFY(!resultValues(m_clerk.get("/api/borrowings/balance"), QStringLiteral("userId")).contains(m_leaderId));
        QVERIFY(resultValues(m_clerk.get("/api/borrowings/balance"), QStringLiteral("userId")).contains(m_carolId));
    }

    void aSelfScopedMemberSeesOnlyTheirOwnLoans()
    {
        QVERIFY(!lend(m_bobId, 1).isEmpty());
        HttpReply reply = m_alice.get("/api/borrowings");
        QCOMPARE(reply.status, 200);
        const QJsonArray rows = reply.json().value(QStringLiteral("results")).toArray();
        QVERIFY(!rows.isEmpty());
        for (const QJsonValue &row : rows)
            QCOMPARE(row.toObject().value(QStringLiteral("userId")).toString(), m_aliceId);
        QVERIFY(m_alice.get("/api/borrowings?userId=" + m_bobId.toUtf8()).json().value(QStringLiteral("results")).toArray().isEmpty());
        for (const QString &user : resultValues(m_alice.get("/api/borrowings/balance"), QStringLiteral("userId")))
            QCOMPARE(user, m_aliceId);
        const QString hers = lend(m_aliceId, 20);
        QCOMPARE(repay(hers, 5).status, 200);
        reply = m_alice.get("/api/repayments");
        QVERIFY(!reply.json().value(QStringLiteral("results")).toArray().isEmpty());
        for (const QString &user : resultValues(reply, QStringLiteral("userId")))
            QCOMPARE(user, m_aliceId);

        // A project manager sees project 1 (Alice, Bob), not project 2 (Carol).
        const QStringList seen = resultValues(m_manager.get("/api/borrowings"), QStringLiteral("userId"));
        QVERIFY(seen.contains(m_aliceId) && seen.contains(m_bobId));
        QVERIFY(!seen.contains(m_carolId));
        QVERIFY(!resultValues(m_manager.get("/api/repayments"), QStringLiteral("userId")).contains(m_carolId));
        QVERIFY(!resultValues(m_manager.get("/api/borrowings/balance"), QStringLiteral("userId")).contains(m_carolId));
    }

    void aManagerDecidesOnAPendingRequestOnce()
    {
        const QString ask = request(m_aliceId, 20000);
        const qint64 audits = count(QStringLiteral("audit_logs"));
        HttpReply reply = decide(m_leader, ask, QStringLiteral("approved"), 1);
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.json().value(QStringLiteral("ok")).toBool(), true);
        QCOMPARE(reply.json().value(QStringLiteral("version")).toInteger(), 2);
        const auto row = querySql(m_server, QStringLiteral("SELECT status, approved_by, approved_at IS NOT NULL FROM borrowings WHERE id = ?"), {ask});
        QCOMPARE(row.value(0), (QVariantList{QStringLiteral("approved"), m_leaderId, 1}));
        QCOMPARE(count(QStringLiteral("audit_logs")), audits + 1);
        QCOMPARE(querySql(m_server, QStringLiteral("SELECT action FROM audit_logs WHERE entity = 'borrowing' AND entity_id = ?"), {ask})
                     .value(0).value(0).toString(),
                 QStringLiteral("approve"));

        // Decided is decided: neither again nor the other way.
        reply = decide(m_leader, ask, QStringLiteral("rejected"), 2);
        QCOMPARE(reply.status, 400);
        QCOMPARE(reply.json().value(QStringLiteral("code")).toString(), QStringLiteral("BUSINESS_ERROR"));
        QCOMPARE(decide(m_leader, lend(m_aliceId, 3), QStringLiteral("approved")).status, 400); // finance's loans were never requests
        QCOMPARE(statusOf(ask), QStringLiteral("approved"));

        const QString other = request(m_bobId, 100);
        QCOMPARE(decide(m_manager, other, QStringLiteral("rejected")).status, 200);
        QCOMPARE(statusOf(other), QStringLiteral("rejected"));
    }

    void aStaleVersionIsAConflict()
    {
        const QString ask = request(m_aliceId, 500);
        const HttpReply reply = decide(m_manager, ask, QStringLiteral("approved"), 7);
        QCOMPARE(reply.status, 409);
        QCOMPARE(statusOf(ask), QStringLiteral("pending"));
        QCOMPARE(querySql(m_server, QStringLiteral("SELECT version FROM borrowings WHERE id = ?"), {ask}).value(0).value(0).toInt(), 1);
    }

    void onlyTheBorrowersManagerDecides()
    {
        const qint64 audits = count(QStringLiteral("audit_logs"));
        // A team leader does not reach into another team, a project manager not into another project.
        const QString bobs = request(m_bobId, 100);
        HttpReply reply = decide(m_leader, bobs, QStringLiteral("approved"));
        QCOMPARE(reply.status, 403);
        QVERIFY(reply.json().value(QStringLiteral("error")).toString().contains(QStringLiteral("无权审批")));
        QCOMPARE(decide(m_manager, request(m_carolId, 100), QStringLiteral("approved")).status, 403);
        // Holding the approve right is not managing anyone.
        QCOMPARE(decide(m_approverNotManager, request(m_aliceId, 100), QStringLiteral("approved")).status, 403);
        // Nobody approves their own request, not even the office's administrator.
        const QString managers = request(m_managerId, 100);
        QCOMPARE(decide(m_manager, managers, QStringLiteral("approved")).status, 403);
        const QString admins = request(m_adminId, 100);
        QCOMPARE(decide(m_admin, admins, QStringLiteral("approved")).status, 403);
        QCOMPARE(statusOf(bobs), QStringLiteral("pending"));
        QCOMPARE(statusOf(managers), QStringLiteral("pending"));
        QCOMPARE(count(QStringLiteral("audit_logs")), audits);
        // Someone above them may.
        QCOMPARE(decide(m_admin, managers, QStringLiteral("approved")).status, 200);

        QCOMPARE(decide(m_manager, request(m_aliceId, 100), QStringLiteral("repaid")).status, 400);
        QCOMPARE(decide(m_manager, QStringLiteral("no-such-loan"), QStringLiteral("approved")).status, 404);
    }

    void everyRouteWantsASessionAndItsRight()
    {
        const QString loan = lend(m_aliceId, 1);
        const QList<QPair<QByteArray, QByteArray>> routes = {{"GET", "/api/borrowings"},
                                                             {"POST", "/api/borrowings"},
                                                             {"GET", "/api/borrowings/balance"},
                                                             {"PUT", "/api/borrowings/" + loan.toUtf8() + "/status"},
                                                             {"GET", "/api/repayments"},
                                                             {"POST", "/api/repayments"}};
        const qint64 loans = count(QStringLiteral("borrowings"));
        for (const auto &[method, path] : routes) {
            const QJsonObject body{{QStringLiteral("userId"), m_aliceId}, {QStringLiteral("accountId"), QStringLiteral("acc-cny")},
                                   {QStringLiteral("amount"), 1}, {QStringLiteral("currency"), QStringLiteral("CNY")},
                                   {QStringLiteral("borrowDate"), QStringLiteral("2026-03-01")}, {QStringLiteral("status"), QStringLiteral("approved")}};
            QCOMPARE(ApiClient(m_server.port()).call(method, path, body).status, 401);
            const HttpReply refused = m_onlooker.call(method, path, body);
            QVERIFY2(refused.status == 403, path.constData());
            QCOMPARE(refused.json().value(QStringLiteral("code")).toString(), QStringLiteral("FORBIDDEN"));
        }
        // Seeing loans is not recording them or deciding on them.
        QCOMPARE(m_alice.post("/api/borrowings", QJsonObject{}).status, 403);
        QCOMPARE(m_alice.post("/api/repayments", QJsonObject{}).status, 403);
        QCOMPARE(decide(m_clerk, request(m_aliceId, 1), QStringLiteral("approved")).status, 403);
        QCOMPARE(count(QStringLiteral("borrowings")), loans + 1);
    }

    void listsKeepTheirShapeAndPageOnRequest()
    {
        HttpReply reply = m_clerk.get("/api/borrowings");
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.json().keys(), QStringList{QStringLiteral("results")});
        const int all = reply.json().value(QStringLiteral("results")).toArray().size();
        QVERIFY(all > 3);
        reply = m_clerk.get("/api/borrowings?limit=2&offset=1");
        QCOMPARE(reply.json().value(QStringLiteral("results")).toArray().size(), 2);
        QCOMPARE(reply.json().value(QStringLiteral("total")).toInteger(), all);
        QCOMPARE(reply.json().value(QStringLiteral("offset")).toInteger(), 1);
        reply = m_clerk.get("/api/borrowings?status=pending&userId=" + m_aliceId.toUtf8());
        QVERIFY(!reply.json().value(QStringLiteral("results")).toArray().isEmpty());
        for (const QJsonValue &row : reply.json().value(QStringLiteral("results")).toArray())
            QCOMPARE(row.toObject().value(QStringLiteral("status")).toString(), QStringLiteral("pending"));
        reply = m_clerk.get("/api/borrowings?startDate=2026-02-01&endDate=2026-02-28");
        QVERIFY(!reply.json().value(QStringLiteral("results")).toArray().isEmpty());
        for (const QJsonValue &row : reply.json().value(QStringLiteral("results")).toArray())
            QVERIFY(row.toObject().value(QStringLiteral("borrowDate")).toString().startsWith(QStringLiteral("2026-02")));
        QCOMPARE(m_clerk.get("/api/borrowings?status=lost").status, 400);
        QCOMPARE(m_clerk.get("/api/borrowings?limit=0").status, 400);
        QCOMPARE(m_clerk.get("/api/repayments?startDate=yesterday").status, 400);
        reply = m_clerk.get("/api/repayments?limit=1");
        QCOMPARE(reply.json().value(QStringLiteral("results")).toArray().size(), 1);
        QVERIFY(reply.json().value(QStringLiteral("total")).toInteger() > 1);
    }
};

QTEST_GUILESS_MAIN(ApiLoansTest)
#include "tst_api_loans.moc"
