// 8 clients posting 1,000 cash flows at once to one account (issue "Finance API", Tests):
// every post is answered 200, the final balance is exact, every voucher number is unique and
// the ledger chains row by row — also with back-dated posts among them. And what must happen
// once happens once when 8 clients try together: reversing a flow, confirming a document.
#include "support/ApiClient.h"
#include "support/FinanceData.h"
#include "support/TestServer.h"

#include <QJsonArray>
#include <QMutex>
#include <QRandomGenerator>
#include <QSet>
#include <QTest>
#include <QThread>

#include <functional>
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

// Runs `request` on 8 threads at once (each with its own socket) and returns the replies.
QList<HttpReply> eightAtOnce(const std::function<HttpReply()> &request)
{
    QList<HttpReply> replies(Clients);
    std::vector<std::unique_ptr<QThread>> threads;
    for (int c = 0; c < Clients; ++c)
        threads.emplace_back(QThread::create([&replies, &request, c] { replies[c] = request(); }));
    for (auto &thread : threads)
        thread->start();
    for (auto &thread : threads)
        thread->wait(60'000);
    return replies;
}

// One 200 and seven 409 CONFLICT: the losers are told it was done already, not anything else.
QString onceOnly(const QList<HttpReply> &replies)
{
    int ok = 0;
    QStringList other;
    for (const HttpReply &r : replies) {
        if (r.status == 200)
            ++ok;
        else if (r.status != 409 || r.json().value(QStringLiteral("code")).toString() != QLatin1String("CONFLICT"))
            other << QString::number(r.status) + QLatin1Char(' ') + QString::fromUtf8(r.body);
    }
    if (ok != 1 || !other.isEmpty())
        return QStringLiteral("%1 succeeded; unexpected: %2").arg(ok).arg(other.join(QStringLiteral(" | ")));
    return {};
}

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
                    const HttpReply reply = client.post("/api/flows", cashFlowBody(account, isIncome ? income : expense,
                                                                                   isIncome ? QStringLiteral("income") : QStringLiteral("expense"),
                                                                                   amount, date, voucher));
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

    void aFlowIsReversedOnceAndADocumentConfirmedOnce()
    {
        TestServer server;
        QVERIFY2(server.startCaiwu(), server.output().constData());
        const ApiClient admin = signInAdmin(server);
        const QString account = addAccount(server, QStringLiteral("红冲户"), 0);
        const QString income = addCategory(server, QStringLiteral("收入"), QStringLiteral("income"));
        const QString voucher = uploadVoucher(admin);
        for (int round = 0; round < 5; ++round) {
            const QString flow = admin.post("/api/flows", cashFlowBody(account, income, QStringLiteral("income"), 700,
                                                                       QStringLiteral("2024-09-10"), voucher))
                                       .json().value(QStringLiteral("id")).toString();
            QVERIFY(!flow.isEmpty());
            const QString failure = onceOnly(eightAtOnce([&] { return admin.post("/api/flows/" + flow.toUtf8() + "/reverse"); }));
            QVERIFY2(failure.isEmpty(), qPrintable(failure));
            QCOMPARE(querySql(server, QStringLiteral("SELECT count(*) FROM cash_flows WHERE reversal_of_flow_id = ?"), {flow})
                         .value(0).value(0).toInt(), 1);

            const QString doc = admin.post("/api/ar/docs", {{QStringLiteral("kind"), QStringLiteral("AR")}, {QStringLiteral("amountCents"), 900}})
                                    .json().value(QStringLiteral("id")).toString();
            QVERIFY(!doc.isEmpty());
            const QString confirmFailure = onceOnly(eightAtOnce([&] {
                return admin.post("/api/ar/confirm", {{QStringLiteral("docId"), doc}, {QStringLiteral("accountId"), account},
                                                      {QStringLiteral("categoryId"), income}, {QStringLiteral("bizDate"), QStringLiteral("2024-09-11")},
                                                      {QStringLiteral("voucherUrl"), voucher}});
            }));
            QVERIFY2(confirmFailure.isEmpty(), qPrintable(confirmFailure));
            QCOMPARE(querySql(server, QStringLiteral("SELECT count(*), sum(settle_amount_cents) FROM settlements WHERE doc_id = ?"), {doc})
                         .value(0), (QVariantList{1, 900}));
        }
        // Five reversed flows and five confirmations: 5 × 900 is all that is left.
        QCOMPARE(ledgerBalance(server, account), 4500);
        QCOMPARE(ledgerProblems(server, account), QString());
        server.signal(SIGTERM);
        QCOMPARE(server.waitForExit(), 0);
    }
};

QTEST_GUILESS_MAIN(FlowsConcurrencyTest)
#include "tst_flows_concurrency.moc"
