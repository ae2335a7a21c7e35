// 8 clients posting 1,000 cash flows at once to one account (issue "Finance API", Tests):
// every post is answered 200, the final balance is exact, every voucher number is unique and
// the ledger chains row by row — also with back-dated posts among them.
#include "support/ApiClient.h"
#include "support/FinanceData.h"
#include "support/TestServer.h"

#include <QJsonArray>
#include <QMutex>
#include <QRandomGenerator>
#include <QSet>
#include <QTest>
#include <QThread>

#include <memory>
#include <vector>

namespace {

constexpr int Clients = 8;
constexpr int FlowsEach = 125;
constexpr qint64 Opening = 1'000'000;

// What one client posted and saw.
struct ClientRun {
    qint64 netCents = 0;       // Σ income − Σ expense of its accepted posts
    QStringList voucherNos;
    QStringList failures;      // "status body" of every post not answered 200
};

} // namespace

class FlowsConcurrencyTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void eightClientsPostAThousandFlowsToOneAccount()
    {
        TestServer server;
        QVERIFY2(server.startCaiwu(), server.output().constData());
        const ApiClient admin = signInAdmin(server);
        QVERIFY(!admin.token().isEmpty());
        const QString account = addAccount(server, QStringLiteral("并发户"), Opening);
        const QString income = addCategory(server, QStringLiteral("收入"), QStringLiteral("income"));
        const QString expense = addCategory(server, QStringLiteral("支出"), QStringLiteral("expense"));
        const QString voucher = uploadVoucher(admin); // one receipt may back many flows
        QVERIFY(!account.isEmpty() && !voucher.isEmpty());
        const qint64 ledgerBefore = countRows(server, QStringLiteral("account_transactions"));

        std::vector<ClientRun> runs(Clients);
        std::vector<std::unique_ptr<QThread>> threads;
        for (int c = 0; c < Clients; ++c) {
            threads.emplace_back(QThread::create([&, c] {
                // Each client: its own sockets, its own fixed random sequence.
                QRandomGenerator random(quint32(1000 + c));
                const ApiClient client(admin.port(), admin.token());
                ClientRun &run = runs[size_t(c)];
                for (int i = 0; i < FlowsEach; ++i) {
                    const bool isIncome = random.bounded(2) == 0;
                    const qint64 amount = 1 + random.bounded(999'999);
                    // Three days, posted in any order: many posts land before existing rows.
                    const QString date = QStringLiteral("2024-09-0%1").arg(1 + random.bounded(3));
                    const HttpReply reply = client.post("/api/flows", {{QStringLiteral("accountId"), account},
                                                                       {QStringLiteral("categoryId"), isIncome ? income : expense},
                                                                       {QStringLiteral("bizDate"), date},
                                                                       {QStringLiteral("type"), isIncome ? QStringLiteral("income") : QStringLiteral("expense")},
                                                                       {QStringLiteral("amountCents"), amount},
                                                                       {QStringLiteral("voucherUrls"), QJsonArray{voucher}}});
                    if (reply.status != 200) {
                        run.failures << QString::number(reply.status) + QLatin1Char(' ') + QString::fromUtf8(reply.body);
                        continue;
                    }
                    run.netCents += isIncome ? amount : -amount;
                    run.voucherNos << reply.json().value(QStringLiteral("voucherNo")).toString();
                }
            }));
        }
        for (auto &thread : threads)
            thread->start();
        for (auto &thread : threads)
            QVERIFY(thread->wait(300'000));

        qint64 expected = Opening;
        QStringList numbers;
        for (const ClientRun &run : runs) {
            QVERIFY2(run.failures.isEmpty(), qPrintable(run.failures.join(QLatin1Char('\n'))));
            expected += run.netCents;
            numbers += run.voucherNos;
        }
        QCOMPARE(numbers.size(), Clients * FlowsEach);
        // Unique as the clients were told, and as stored.
        QCOMPARE(QSet<QString>(numbers.begin(), numbers.end()).size(), Clients * FlowsEach);
        const auto stored = querySql(server, QStringLiteral("SELECT count(*), count(DISTINCT voucher_no) FROM cash_flows WHERE account_id = ?"),
                                     {account});
        QCOMPARE(stored.value(0).value(0).toInt(), Clients * FlowsEach);
        QCOMPARE(stored.value(0).value(1).toInt(), Clients * FlowsEach);
        // Each day numbered 001… without a gap.
        const auto days = querySql(server, QStringLiteral("SELECT biz_date, count(*), max(CAST(substr(voucher_no, 12) AS INTEGER)) "
                                                          "FROM cash_flows WHERE account_id = ? GROUP BY biz_date"),
                                   {account});
        for (const QVariantList &day : days)
            QCOMPARE(day[2].toInt(), day[1].toInt());

        QCOMPARE(countRows(server, QStringLiteral("account_transactions")), ledgerBefore + Clients * FlowsEach);
        QCOMPARE(ledgerBalance(server, account), expected);
        QCOMPARE(balanceFromRecords(server, account), expected);
        QCOMPARE(ledgerProblems(server, account), QString());

        server.signal(SIGTERM);
        QCOMPARE(server.waitForExit(), 0);
    }
};

QTEST_GUILESS_MAIN(FlowsConcurrencyTest)
#include "tst_flows_concurrency.moc"
