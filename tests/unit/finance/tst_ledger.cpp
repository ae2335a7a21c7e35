// The running ledger on a real SQLite file: balances before and after every row agree with
// opening + the sum of everything before it, however the postings are dated — back-dated,
// same-day, out of order — and when the opening balance changes.
#include "modules/cash_flows/Ledger.h"
#include "storage/Database.h"
#include "storage/Migrator.h"
#include "storage/Sql.h"
#include "storage/Transaction.h"

#include <QDate>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace caiwu;

class LedgerTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Database> m_db;

    QSqlDatabase db() { return *m_db->connection(); }
    void account(const QString &id, qint64 opening)
    {
        QVERIFY(Sql::run(db(), QStringLiteral("INSERT INTO accounts (id, name, type, currency, opening_cents) VALUES (?, ?, 'bank', 'CNY', ?)"),
                         {id, id, opening}, QStringLiteral("test")));
    }
    Ledger::Entry post(const QString &accountId, const QString &date, Ledger::Kind kind, qint64 amount, qint64 createdAt)
    {
        auto tx = Transaction::begin(db());
        auto entry = Ledger::post(db(), {accountId, QStringLiteral("src"), date, kind, amount, createdAt});
        if (!entry)
            qWarning("%s", qPrintable(entry.error().message));
        (void)tx->commit();
        return entry ? *entry : Ledger::Entry{};
    }
    // Every row's before/after equals opening + the running sum in ledger order.
    void verifyRunningBalances(const QString &accountId)
    {
        auto opening = Sql::run(db(), QStringLiteral("SELECT opening_cents FROM accounts WHERE id = ?"), {accountId}, QStringLiteral("t"));
        QVERIFY(opening && opening->next());
        qint64 running = opening->value(0).toLongLong();
        auto rows = Sql::run(db(), QStringLiteral("SELECT transaction_type, amount_cents, balance_before_cents, balance_after_cents "
                                                  "FROM account_transactions WHERE account_id = ? ORDER BY transaction_date, created_at, id"),
                             {accountId}, QStringLiteral("t"));
        QVERIFY(rows);
        while (rows->next()) {
            QCOMPARE(rows->value(2).toLongLong(), running);
            const QString type = rows->value(0).toString();
            const qint64 amount = rows->value(1).toLongLong();
            running += type == QLatin1String("expense") ? -amount : amount;
            QCOMPARE(rows->value(3).toLongLong(), running);
        }
        QCOMPARE(*Ledger::balance(db(), accountId), running);
    }

private Q_SLOTS:
    void init()
    {
        static int n = 0;
        m_db = std::make_unique<Database>(m_dir.filePath(QStringLiteral("ledger-%1.sqlite").arg(++n)));
        QVERIFY(Migrator(*m_db).up(m_dir.filePath(QStringLiteral("backups"))));
    }
    void cleanup()
    {
        m_db->releaseThreadConnection();
        m_db.reset();
    }

    void postingsInOrderRunFromTheOpeningBalance()
    {
        account(QStringLiteral("a"), 10'000);
        const auto first = post(QStringLiteral("a"), QStringLiteral("2026-01-01"), Ledger::Kind::Income, 5'000, 1);
        QCOMPARE(first.balanceBeforeCents, 10'000);
        QCOMPARE(first.balanceAfterCents, 15'000);
        const auto second = post(QStringLiteral("a"), QStringLiteral("2026-01-02"), Ledger::Kind::Expense, 20'000, 2);
        QCOMPARE(second.balanceAfterCents, -5'000); // an account may be overdrawn
        post(QStringLiteral("a"), QStringLiteral("2026-01-03"), Ledger::Kind::TransferOut, 1'000, 3);
        post(QStringLiteral("a"), QStringLiteral("2026-01-03"), Ledger::Kind::TransferIn, 3'000, 4);
        QCOMPARE(*Ledger::balance(db(), QStringLiteral("a")), -3'000);
        QCOMPARE(*Ledger::balance(db(), QStringLiteral("a"), QStringLiteral("2026-01-01")), 15'000);
        QCOMPARE(*Ledger::balance(db(), QStringLiteral("a"), QStringLiteral("2025-12-31")), 10'000);
        verifyRunningBalances(QStringLiteral("a"));
    }

    void aBackDatedPostingReBasesLaterRows()
    {
        account(QStringLiteral("a"), 0);
        post(QStringLiteral("a"), QStringLiteral("2026-03-01"), Ledger::Kind::Income, 1'000, 10);
        post(QStringLiteral("a"), QStringLiteral("2026-03-05"), Ledger::Kind::Expense, 300, 11);
        const auto late = post(QStringLiteral("a"), QStringLiteral("2026-02-15"), Ledger::Kind::Income, 50, 12);
        QCOMPARE(late.balanceBeforeCents, 0);
        QCOMPARE(late.balanceAfterCents, 50);
        verifyRunningBalances(QStringLiteral("a"));
        QCOMPARE(*Ledger::balance(db(), QStringLiteral("a")), 750);
        QCOMPARE(*Ledger::balance(db(), QStringLiteral("a"), QStringLiteral("2026-03-01")), 1'050);
    }

    void otherAccountsAreUntouched()
    {
        account(QStringLiteral("a"), 0);
        account(QStringLiteral("b"), 100);
        post(QStringLiteral("b"), QStringLiteral("2026-03-05"), Ledger::Kind::Income, 7, 1);
        post(QStringLiteral("a"), QStringLiteral("2026-01-01"), Ledger::Kind::Income, 1'000, 2);
        QCOMPARE(*Ledger::balance(db(), QStringLiteral("b")), 107);
        verifyRunningBalances(QStringLiteral("b"));
    }

    void anOpeningBalanceChangeMovesEveryRow()
    {
        account(QStringLiteral("a"), 0);
        post(QStringLiteral("a"), QStringLiteral("2026-01-01"), Ledger::Kind::Income, 10, 1);
        post(QStringLiteral("a"), QStringLiteral("2026-01-02"), Ledger::Kind::Expense, 3, 2);
        QVERIFY(Sql::run(db(), QStringLiteral("UPDATE accounts SET opening_cents = 500 WHERE id = 'a'"), {}, QStringLiteral("t")));
        QVERIFY(Ledger::shiftAll(db(), QStringLiteral("a"), 500));
        verifyRunningBalances(QStringLiteral("a"));
        QCOMPARE(*Ledger::balance(db(), QStringLiteral("a")), 507);
    }

    void randomPostingsAlwaysAgree()
    {
        QRandomGenerator random(20261125); // fixed: a failure can be replayed
        const QStringList accounts{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")};
        QHash<QString, qint64> expected;
        for (const QString &a : accounts) {
            const qint64 opening = random.bounded(-50'000, 50'000);
            account(a, opening);
            expected[a] = opening;
        }
        const QDate start(2026, 1, 1);
        for (int i = 0; i < 400; ++i) {
            const QString a = accounts[random.bounded(accounts.size())];
            const auto kind = Ledger::Kind(random.bounded(4));
            const qint64 amount = random.bounded(1, 1'000'000);
            // Dates anywhere in the year, and created_at sometimes repeating: ties are ordered by id.
            post(a, start.addDays(random.bounded(365)).toString(Qt::ISODate), kind, amount, 1000 + random.bounded(200));
            expected[a] += Ledger::signedAmount(kind, amount);
        }
        for (const QString &a : accounts) {
            verifyRunningBalances(a);
            QCOMPARE(*Ledger::balance(db(), a), expected[a]);
        }
    }

    void anUnknownAccountIsRefused()
    {
        auto entry = Ledger::post(db(), {QStringLiteral("none"), QStringLiteral("x"), QStringLiteral("2026-01-01"), Ledger::Kind::Income, 1, 1});
        QCOMPARE(entry.error().status, 404);
        QCOMPARE(Ledger::balance(db(), QStringLiteral("none")).error().status, 404);
        auto zero = Ledger::post(db(), {QStringLiteral("none"), QStringLiteral("x"), QStringLiteral("2026-01-01"), Ledger::Kind::Income, 0, 1});
        QCOMPARE(zero.error().status, 400);
    }
};

QTEST_GUILESS_MAIN(LedgerTest)
#include "tst_ledger.moc"
