// The office's accounts through a real server (/api/accounts): what an account needs, the list
// with each account's current balance, the running ledger of one account, an opening balance
// that moves the whole ledger, and the rules that keep money history intact.
#include "support/ApiClient.h"
#include "support/TestServer.h"

#include <QJsonArray>
#include <QTest>
#include <QUrl>
#include <QUuid>

namespace {

QString newId() { return QUuid::createUuid().toString(QUuid::WithoutBraces); }

QByteArray accountPath(const QString &id, const char *rest = "") { return "/api/accounts/" + id.toUtf8() + rest; }

} // namespace

class ApiAccountsTest : public QObject {
    Q_OBJECT

private:
    TestServer m_server;
    ApiClient m_admin{0};
    QString m_sales;          // an income category
    qint64 m_clock = 1000;    // created_at of the next booked row: later bookings sort later

    QJsonObject open(const QJsonObject &body)
    {
        const HttpReply reply = m_admin.post("/api/accounts", body);
        if (reply.status != 200)
            qWarning("POST /api/accounts: %d %s", reply.status, reply.body.constData());
        return reply.json();
    }
    QString openAccount(const QString &name, qint64 openingCents, const QString &currency = QStringLiteral("CNY"))
    {
        return open(QJsonObject{{QStringLiteral("name"), name}, {QStringLiteral("type"), QStringLiteral("cash")},
                                {QStringLiteral("currency"), currency}, {QStringLiteral("openingCents"), openingCents}})
            .value(QStringLiteral("id"))
            .toString();
    }

    // The balance after the account's last ledger row (its opening balance when it has none).
    qint64 lastBalance(const QString &account)
    {
        const auto rows = querySql(m_server, QStringLiteral("SELECT COALESCE((SELECT balance_after_cents FROM account_transactions WHERE "
                                                            "account_id = a.id ORDER BY transaction_date DESC, created_at DESC, id DESC "
                                                            "LIMIT 1), a.opening_cents) FROM accounts a WHERE a.id = ?"),
                                   {account});
        return rows.isEmpty() ? 0 : rows.first().value(0).toLongLong();
    }

    // One ledger row after everything on the account, as the cash-flow and transfer services post it.
    bool postLedger(const QString &account, const QString &source, const QString &date, const QString &type, qint64 storedCents)
    {
        const qint64 before = lastBalance(account);
        const qint64 after = before + (type == QLatin1String("expense") ? -storedCents : storedCents);
        return execSql(m_server, QStringLiteral("INSERT INTO account_transactions (id, account_id, flow_id, transaction_date, "
                                                "transaction_type, amount_cents, balance_before_cents, balance_after_cents, created_at) "
                                                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                       {newId(), account, source, date, type, storedCents, before, after, ++m_clock});
    }

    // An income or expense flow with its ledger row.
    bool bookFlow(const QString &account, const QString &type, qint64 cents, const QString &date, const QVariantList &details = {})
    {
        const QString flow = newId();
        const QVariant none(QMetaType::fromType<QString>());
        const QVariantList d = details.isEmpty() ? QVariantList{none, none, none, none, none} : details;
        return execSql(m_server, QStringLiteral("INSERT INTO cash_flows (id, voucher_no, biz_date, type, account_id, category_id, "
                                                "amount_cents, counterparty, memo, voucher_url, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                       {flow, d.value(0), date, type, account, d.value(1), cents, d.value(2), d.value(3), d.value(4), m_clock + 1})
            && postLedger(account, flow, date, type, cents);
    }

    // A transfer between two accounts in one currency, with both legs.
    bool bookTransfer(const QString &from, const QString &to, qint64 cents, const QString &date, const QString &memo)
    {
        const QString transfer = newId();
        return execSql(m_server, QStringLiteral("INSERT INTO account_transfers (id, transfer_date, from_account_id, to_account_id, "
                                                "from_currency, to_currency, from_amount_cents, to_amount_cents, memo, created_at) "
                                                "VALUES (?, ?, ?, ?, 'CNY', 'CNY', ?, ?, ?, ?)"),
                       {transfer, date, from, to, cents, cents, memo, m_clock + 1})
            && postLedger(from, transfer, date, QStringLiteral("transfer_out"), -cents)
            && postLedger(to, transfer, date, QStringLiteral("transfer_in"), cents);
    }

    QJsonObject listed(const QString &id) { return rowWhere(resultsOf(m_admin.get("/api/accounts")), QStringLiteral("id"), id); }

    QJsonArray ledger(const QString &id, const QByteArray &query = {})
    {
        const HttpReply reply = m_admin.get(accountPath(id, "/transactions") + query);
        if (reply.status != 200)
            qWarning("ledger: %d %s", reply.status, reply.body.constData());
        return resultsOf(reply);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_server.startCaiwu(), m_server.output().constData());
        m_admin = signInAdmin(m_server);
        QVERIFY(!m_admin.token().isEmpty());
        m_sales = m_admin.post("/api/categories", QJsonObject{{QStringLiteral("name"), QStringLiteral("销售收入")},
                                                              {QStringLiteral("kind"), QStringLiteral("income")}})
                      .json()
                      .value(QStringLiteral("id"))
                      .toString();
        QVERIFY(!m_sales.isEmpty());
    }

    void cleanupTestCase()
    {
        m_server.signal(SIGTERM);
        QCOMPARE(m_server.waitForExit(), 0);
    }

    void anAccountOpensInAnActiveCurrency()
    {
        const QJsonObject account = open(QJsonObject{{QStringLiteral("name"), QStringLiteral("招商银行")},
                                                     {QStringLiteral("type"), QStringLiteral("bank")},
                                                     {QStringLiteral("currency"), QStringLiteral("usd")},
                                                     {QStringLiteral("alias"), QStringLiteral("美元户")},
                                                     {QStringLiteral("accountNumber"), QStringLiteral("6225-8888")},
                                                     {QStringLiteral("openingCents"), 1234567}});
        const QString id = account.value(QStringLiteral("id")).toString();
        QVERIFY(!id.isEmpty());
        QCOMPARE(account.value(QStringLiteral("currency")).toString(), QStringLiteral("USD"));
        QCOMPARE(account.value(QStringLiteral("currencyName")).toString(), QStringLiteral("美元"));
        QCOMPARE(account.value(QStringLiteral("openingCents")).toInteger(), 1234567);
        QCOMPARE(account.value(QStringLiteral("balanceCents")).toInteger(), 1234567);
        QCOMPARE(account.value(QStringLiteral("accountNumber")).toString(), QStringLiteral("6225-8888"));
        QCOMPARE(account.value(QStringLiteral("active")).toInt(), 1);
        QCOMPARE(listed(id), account);
        const QJsonObject audit = auditRows(m_admin, QStringLiteral("account"), QStringLiteral("create"), id).first().toObject();
        QCOMPARE(audit.value(QStringLiteral("detail")).toObject().value(QStringLiteral("openingCents")).toInteger(), 1234567);

        // Opening at zero is the default.
        const QJsonObject plain = open(QJsonObject{{QStringLiteral("name"), QStringLiteral("备用金")}, {QStringLiteral("type"), QStringLiteral("cash")},
                                                   {QStringLiteral("currency"), QStringLiteral("CNY")}});
        QCOMPARE(plain.value(QStringLiteral("openingCents")).toInteger(), 0);
        QCOMPARE(plain.value(QStringLiteral("balanceCents")).toInteger(), 0);
    }

    void accountInputIsChecked_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QJsonValue>("value");
        QTest::newRow("no name") << QStringLiteral("name") << QJsonValue(QJsonValue::Undefined);
        QTest::newRow("blank name") << QStringLiteral("name") << QJsonValue(QStringLiteral("  "));
        QTest::newRow("unknown type") << QStringLiteral("type") << QJsonValue(QStringLiteral("credit"));
        QTest::newRow("no currency") << QStringLiteral("currency") << QJsonValue(QJsonValue::Undefined);
        QTest::newRow("unknown currency") << QStringLiteral("currency") << QJsonValue(QStringLiteral("XYZ"));
        QTest::newRow("retired currency") << QStringLiteral("currency") << QJsonValue(QStringLiteral("OLD"));
        QTest::newRow("fraction of a cent") << QStringLiteral("openingCents") << QJsonValue(10.5);
        QTest::newRow("cents as text") << QStringLiteral("openingCents") << QJsonValue(QStringLiteral("100"));
        QTest::newRow("beyond safe integers") << QStringLiteral("openingCents") << QJsonValue(1e17);
        QTest::newRow("flag") << QStringLiteral("active") << QJsonValue(2);
    }
    void accountInputIsChecked()
    {
        QFETCH(QString, field);
        QFETCH(QJsonValue, value);
        QVERIFY(execSql(m_server, QStringLiteral("INSERT OR IGNORE INTO currencies (code, name, active) VALUES ('OLD', '旧币', 0)")));
        QJsonObject body{{QStringLiteral("name"), QStringLiteral("坏账户")}, {QStringLiteral("type"), QStringLiteral("cash")},
                         {QStringLiteral("currency"), QStringLiteral("CNY")}, {QStringLiteral("openingCents"), 100}};
        if (value.isUndefined())
            body.remove(field);
        else
            body.insert(field, value);
        const HttpReply reply = m_admin.post("/api/accounts", body);
        QCOMPARE(reply.status, 400);
        QCOMPARE(errorCode(reply), QStringLiteral("VALIDATION_ERROR"));
        QCOMPARE(errorPath(reply), field);
        QVERIFY(rowWhere(resultsOf(m_admin.get("/api/accounts")), QStringLiteral("name"), QStringLiteral("坏账户")).isEmpty());
    }

    void theListFiltersInTheDatabase()
    {
        const QString wechat = open(QJsonObject{{QStringLiteral("name"), QStringLiteral("微信零钱")}, {QStringLiteral("type"), QStringLiteral("wechat")},
                                                {QStringLiteral("currency"), QStringLiteral("CNY")}, {QStringLiteral("alias"), QStringLiteral("老板微信")}})
                                   .value(QStringLiteral("id"))
                                   .toString();
        QCOMPARE(m_admin.put(accountPath(wechat), QJsonObject{{QStringLiteral("active"), 0}}).status, 200);

        QJsonArray rows = resultsOf(m_admin.get("/api/accounts?accountType=wechat"));
        QCOMPARE(rows.size(), 1);
        QCOMPARE(rows.first().toObject().value(QStringLiteral("id")).toString(), wechat);
        QVERIFY(resultsOf(m_admin.get("/api/accounts?accountType=wechat&activeOnly=true")).isEmpty());
        for (const QJsonValue &row : resultsOf(m_admin.get("/api/accounts?currency=usd")))
            QCOMPARE(row.toObject().value(QStringLiteral("currency")).toString(), QStringLiteral("USD"));
        QCOMPARE(resultsOf(m_admin.get("/api/accounts?search=" + QUrl::toPercentEncoding(QStringLiteral("老板")))).size(), 1);
        QCOMPARE(resultsOf(m_admin.get("/api/accounts?search=8888")).size(), 1); // the account number
        QCOMPARE(resultsOf(m_admin.get("/api/accounts?search=100%25")).size(), 0); // % is a character, not a wildcard
        const HttpReply bad = m_admin.get("/api/accounts?accountType=credit");
        QCOMPARE(bad.status, 400);
        QCOMPARE(errorPath(bad), QStringLiteral("accountType"));
        QCOMPARE(errorPath(m_admin.get("/api/accounts?activeOnly=maybe")), QStringLiteral("activeOnly"));
    }

    void theLedgerShowsWhereEachRowCameFrom()
    {
        const QString till = openAccount(QStringLiteral("门店现金"), 1000);
        const QString safe = openAccount(QStringLiteral("保险柜"), 0);
        QVERIFY(bookFlow(till, QStringLiteral("income"), 500, QStringLiteral("2026-01-05"),
                         {QStringLiteral("JZ20260105-001"), m_sales, QStringLiteral("张三"), QStringLiteral("货款"),
                          QStringLiteral("[\"/api/vouchers/a.pdf\",\"/api/vouchers/b.pdf\"]")}));
        QVERIFY(bookFlow(till, QStringLiteral("expense"), 200, QStringLiteral("2026-01-06")));
        QVERIFY(bookTransfer(till, safe, 300, QStringLiteral("2026-01-07"), QStringLiteral("存入保险柜")));

        const QJsonArray rows = ledger(till);
        QCOMPARE(rows.size(), 3);
        const QJsonObject transfer = rows[0].toObject();
        QCOMPARE(transfer.value(QStringLiteral("transactionType")).toString(), QStringLiteral("transfer_out"));
        QCOMPARE(transfer.value(QStringLiteral("amountCents")).toInteger(), -300);
        QCOMPARE(transfer.value(QStringLiteral("balanceBeforeCents")).toInteger(), 1300);
        QCOMPARE(transfer.value(QStringLiteral("balanceAfterCents")).toInteger(), 1000);
        QCOMPARE(transfer.value(QStringLiteral("memo")).toString(), QStringLiteral("存入保险柜"));
        QVERIFY(transfer.value(QStringLiteral("voucherNo")).isNull());
        QCOMPARE(rows[1].toObject().value(QStringLiteral("transactionType")).toString(), QStringLiteral("expense"));
        const QJsonObject income = rows[2].toObject();
        QCOMPARE(income.value(QStringLiteral("transactionDate")).toString(), QStringLiteral("2026-01-05"));
        QCOMPARE(income.value(QStringLiteral("voucherNo")).toString(), QStringLiteral("JZ20260105-001"));
        QCOMPARE(income.value(QStringLiteral("categoryName")).toString(), QStringLiteral("销售收入"));
        QCOMPARE(income.value(QStringLiteral("counterparty")).toString(), QStringLiteral("张三"));
        QCOMPARE(income.value(QStringLiteral("memo")).toString(), QStringLiteral("货款"));
        QCOMPARE(income.value(QStringLiteral("voucherUrl")).toString(), QStringLiteral("/api/vouchers/a.pdf"));
        QCOMPARE(income.value(QStringLiteral("balanceAfterCents")).toInteger(), 1500);
        for (const char *field : {"id", "flowId", "createdAt"})
            QVERIFY2(income.contains(QLatin1String(field)), field);

        const QJsonArray page = ledger(till, "?limit=1&offset=1");
        QCOMPARE(page.size(), 1);
        QCOMPARE(page.first().toObject().value(QStringLiteral("transactionType")).toString(), QStringLiteral("expense"));
        QCOMPARE(ledger(safe).first().toObject().value(QStringLiteral("transactionType")).toString(), QStringLiteral("transfer_in"));

        QCOMPARE(listed(till).value(QStringLiteral("balanceCents")).toInteger(), 1000);
        QCOMPARE(listed(safe).value(QStringLiteral("balanceCents")).toInteger(), 300);
        QCOMPARE(errorPath(m_admin.get(accountPath(till, "/transactions?limit=0"))), QStringLiteral("limit"));
        QCOMPARE(m_admin.get(accountPath(QStringLiteral("nope"), "/transactions")).status, 404);
    }

    void aNewOpeningBalanceMovesTheWholeLedger()
    {
        const QString id = openAccount(QStringLiteral("支付宝"), 1000);
        QVERIFY(bookFlow(id, QStringLiteral("income"), 250, QStringLiteral("2026-02-01")));
        QVERIFY(bookFlow(id, QStringLiteral("expense"), 100, QStringLiteral("2026-02-02")));
        QCOMPARE(listed(id).value(QStringLiteral("balanceCents")).toInteger(), 1150);

        const HttpReply changed = m_admin.put(accountPath(id), QJsonObject{{QStringLiteral("openingCents"), 3000}, {QStringLiteral("version"), 1}});
        QCOMPARE(changed.status, 200);
        QCOMPARE(changed.json().value(QStringLiteral("version")).toInt(), 2);
        QCOMPARE(listed(id).value(QStringLiteral("balanceCents")).toInteger(), 3150);
        const QJsonArray rows = ledger(id);
        QCOMPARE(rows[1].toObject().value(QStringLiteral("balanceBeforeCents")).toInteger(), 3000);
        QCOMPARE(rows[1].toObject().value(QStringLiteral("balanceAfterCents")).toInteger(), 3250);
        QCOMPARE(rows[0].toObject().value(QStringLiteral("balanceAfterCents")).toInteger(), 3150);

        const QJsonObject audit = auditRows(m_admin, QStringLiteral("account"), QStringLiteral("update"), id).first().toObject();
        QCOMPARE(audit.value(QStringLiteral("detail")).toObject().value(QStringLiteral("changes")).toObject(),
                 (QJsonObject{{QStringLiteral("openingCents"), QJsonObject{{QStringLiteral("from"), 1000}, {QStringLiteral("to"), 3000}}}}));

        const HttpReply stale = m_admin.put(accountPath(id), QJsonObject{{QStringLiteral("openingCents"), 0}, {QStringLiteral("version"), 1}});
        QCOMPARE(stale.status, 409);
        QCOMPARE(errorCode(stale), QStringLiteral("CONFLICT"));
        QCOMPARE(errorPath(m_admin.put(accountPath(id), QJsonObject{{QStringLiteral("openingCents"), 0.5}})), QStringLiteral("openingCents"));
        QCOMPARE(listed(id).value(QStringLiteral("balanceCents")).toInteger(), 3150);
        QCOMPARE(m_admin.put(accountPath(QStringLiteral("nope")), QJsonObject{{QStringLiteral("name"), QStringLiteral("x")}}).status, 404);
    }

    // The list is kept between requests; any change, by the server or by another program on the
    // same file, shows on the next one.
    void balancesFollowEveryChange()
    {
        const QString id = openAccount(QStringLiteral("零用金"), 500);
        for (int round = 1; round <= 3; ++round) {
            QVERIFY(bookFlow(id, QStringLiteral("income"), 100, QStringLiteral("2026-03-0%1").arg(round)));
            for (int ask = 0; ask < 4; ++ask) // each worker thread answers some of these
                QCOMPARE(listed(id).value(QStringLiteral("balanceCents")).toInteger(), 500 + 100 * round);
        }
        QCOMPARE(m_admin.put(accountPath(id), QJsonObject{{QStringLiteral("name"), QStringLiteral("零用金（新）")}}).status, 200);
        for (int ask = 0; ask < 4; ++ask)
            QCOMPARE(listed(id).value(QStringLiteral("name")).toString(), QStringLiteral("零用金（新）"));
    }

    void fiftyAccountsEachWithItsBalance()
    {
        QHash<QString, qint64> expected;
        for (int i = 0; i < 50; ++i) {
            const QString id = openAccount(QStringLiteral("批量账户%1").arg(i, 2, 10, QLatin1Char('0')), i * 100);
            QVERIFY(!id.isEmpty());
            if (i % 3 == 0)
                QVERIFY(bookFlow(id, QStringLiteral("expense"), 7, QStringLiteral("2026-04-01")));
            expected.insert(id, i * 100 - (i % 3 == 0 ? 7 : 0));
        }
        const QJsonArray rows = resultsOf(m_admin.get("/api/accounts?search=" + QUrl::toPercentEncoding(QStringLiteral("批量"))));
        QCOMPARE(rows.size(), 50);
        for (const QJsonValue &row : rows)
            QCOMPARE(row.toObject().value(QStringLiteral("balanceCents")).toInteger(),
                     expected.value(row.toObject().value(QStringLiteral("id")).toString()));
    }

    void theCurrencyIsFixedOnceMoneyMoved()
    {
        const QString used = openAccount(QStringLiteral("已用账户"), 0);
        QVERIFY(bookFlow(used, QStringLiteral("income"), 1, QStringLiteral("2026-05-01")));
        const HttpReply refused = m_admin.put(accountPath(used), QJsonObject{{QStringLiteral("currency"), QStringLiteral("USD")}});
        QCOMPARE(refused.status, 400);
        QCOMPARE(errorCode(refused), QStringLiteral("BUSINESS_ERROR"));
        const QString fresh = openAccount(QStringLiteral("新账户"), 0);
        QCOMPARE(m_admin.put(accountPath(fresh), QJsonObject{{QStringLiteral("currency"), QStringLiteral("usdt")}}).status, 200);
        QCOMPARE(listed(fresh).value(QStringLiteral("currency")).toString(), QStringLiteral("USDT"));
        QCOMPARE(errorPath(m_admin.put(accountPath(fresh), QJsonObject{{QStringLiteral("currency"), QStringLiteral("XYZ")}})),
                 QStringLiteral("currency"));
    }

    void anAccountWithHistoryIsNotDeleted()
    {
        const QString withFlows = openAccount(QStringLiteral("有流水"), 0);
        QVERIFY(bookFlow(withFlows, QStringLiteral("income"), 10, QStringLiteral("2026-06-01")));
        HttpReply refused = m_admin.del(accountPath(withFlows));
        QCOMPARE(refused.status, 400);
        QCOMPARE(errorCode(refused), QStringLiteral("BUSINESS_ERROR"));
        QVERIFY2(refused.json().value(QStringLiteral("error")).toString().contains(QStringLiteral("1 笔资金流水")), refused.body.constData());

        const QString from = openAccount(QStringLiteral("转出"), 100);
        const QString to = openAccount(QStringLiteral("转入"), 0);
        QVERIFY(bookTransfer(from, to, 50, QStringLiteral("2026-06-02"), QStringLiteral("调拨")));
        refused = m_admin.del(accountPath(to));
        QCOMPARE(refused.status, 400);
        QVERIFY2(refused.json().value(QStringLiteral("error")).toString().contains(QStringLiteral("1 笔账户转账")), refused.body.constData());
        QVERIFY(!listed(to).isEmpty());

        const QString unused = openAccount(QStringLiteral("未用"), 0);
        QCOMPARE(m_admin.del(accountPath(unused)).status, 200);
        QVERIFY(listed(unused).isEmpty());
        QCOMPARE(m_admin.del(accountPath(unused)).status, 404);
        QCOMPARE(auditRows(m_admin, QStringLiteral("account"), QStringLiteral("delete"), unused).size(), 1);
    }
};

QTEST_GUILESS_MAIN(ApiAccountsTest)
#include "tst_api_accounts.moc"
