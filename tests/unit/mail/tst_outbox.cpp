// The outbox's rules, on a real SQLite file: acceptance is durable and idempotent,
// claiming is exclusive, outcomes move a message through its states, and the admin's
// retry and discard only apply where they make sense.
#include "mail/MailSender.h"
#include "mail/Outbox.h"
#include "storage/Database.h"
#include "storage/Migrator.h"

#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <memory>

using namespace caiwu;

class OutboxTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<Outbox> m_outbox;

    QString accept(const QString &to = QStringLiteral("a@office.test"), const QString &key = {})
    {
        auto accepted = m_outbox->accept(to, QStringLiteral("主题"), QStringLiteral("<p>x</p>"), QStringLiteral("x"), key);
        return accepted ? accepted->id : QString();
    }

private Q_SLOTS:
    void init()
    {
        static int n = 0;
        m_db = std::make_unique<Database>(m_dir.filePath(QStringLiteral("outbox-%1.sqlite").arg(++n)));
        QVERIFY(Migrator(*m_db).up(m_dir.filePath(QStringLiteral("backups"))));
        m_outbox = std::make_unique<Outbox>(*m_db, QStringLiteral("test.caiwu"));
    }

    void cleanup()
    {
        m_outbox.reset();
        m_db->releaseThreadConnection();
        m_db.reset();
    }

    void anAcceptedMessageIsQueuedWithAStableMessageId()
    {
        const QString id = accept();
        QVERIFY(!id.isEmpty());
        auto found = m_outbox->find(id);
        QVERIFY(found && found->has_value());
        const OutboxMessage &m = **found;
        QCOMPARE(m.status, QStringLiteral("queued"));
        QCOMPARE(m.attempts, 0);
        QCOMPARE(m.subject, QStringLiteral("主题"));
        QCOMPARE(m.messageId, QByteArray("<" + id.toLatin1() + "@test.caiwu>"));
    }

    void theSameIdempotencyKeyGivesTheFirstMessage()
    {
        auto first = m_outbox->accept(QStringLiteral("a@office.test"), QStringLiteral("s"), {}, QStringLiteral("t"), QStringLiteral("k1"));
        auto again = m_outbox->accept(QStringLiteral("a@office.test"), QStringLiteral("s"), {}, QStringLiteral("t"), QStringLiteral("k1"));
        auto other = m_outbox->accept(QStringLiteral("a@office.test"), QStringLiteral("s"), {}, QStringLiteral("t"), QStringLiteral("k2"));
        QVERIFY(first && again && other);
        QCOMPARE(again->id, first->id);
        QVERIFY(again->repeated);
        QVERIFY(!first->repeated);
        QVERIFY(other->id != first->id);
        QCOMPARE(m_outbox->counts()->queued, 2);
    }

    void claimingIsExclusiveAcrossThreads()
    {
        for (int i = 0; i < 200; ++i)
            QVERIFY(!accept().isEmpty());
        QSet<QString> claimed[4];
        QList<QThread *> threads;
        for (int t = 0; t < 4; ++t) {
            threads.append(QThread::create([this, &claimed, t] {
                while (true) {
                    auto batch = m_outbox->claimDue(3, QDateTime::currentMSecsSinceEpoch() + 1000);
                    if (!batch || batch->isEmpty())
                        break;
                    for (const OutboxMessage &m : *batch)
                        claimed[t].insert(m.id);
                }
                m_db->releaseThreadConnection();
            }));
            threads.last()->start();
        }
        for (QThread *thread : threads) {
            thread->wait();
            delete thread;
        }
        QSet<QString> all;
        int total = 0;
        for (const auto &set : claimed) {
            total += int(set.size());
            all.unite(set);
        }
        QCOMPARE(total, 200);      // nobody claimed a message twice
        QCOMPARE(all.size(), 200); // and every message was claimed
        QCOMPARE(m_outbox->counts()->sending, 200);
    }

    void onlyDueMessagesAreClaimed()
    {
        const QString id = accept();
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        auto claimed = m_outbox->claimDue(10, now + 1000);
        QCOMPARE(claimed->size(), 1);
        QCOMPARE(claimed->first().attempts, 1);
        QVERIFY(m_outbox->markRetry(id, QStringLiteral("451 later"), now + 60000));
        QVERIFY(m_outbox->claimDue(10, now + 1000)->isEmpty());
        QCOMPARE(**m_outbox->nextDueAt(), now + 60000);
        claimed = m_outbox->claimDue(10, now + 60000);
        QCOMPARE(claimed->size(), 1);
        QCOMPARE(claimed->first().attempts, 2);
        QCOMPARE(claimed->first().lastError, QStringLiteral("451 later"));
    }

    void aSentMessageIsNeverClaimedAgain()
    {
        const QString id = accept();
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        QCOMPARE(m_outbox->claimDue(1, now + 1000)->size(), 1);
        QVERIFY(m_outbox->markSent(id, now));
        QVERIFY(m_outbox->claimDue(10, now + 1'000'000)->isEmpty());
        QCOMPARE(m_outbox->requeueInterrupted().value(), 0);
        QCOMPARE((*m_outbox->find(id))->status, QStringLiteral("sent"));
        QCOMPARE((*m_outbox->find(id))->sentAt, now);
        QVERIFY(!m_outbox->retry(id)); // nothing to retry
        QVERIFY(!m_outbox->discard(id));
    }

    void aMessageInterruptedWhileSendingIsQueuedAgain()
    {
        const QString id = accept();
        QCOMPARE(m_outbox->claimDue(1, QDateTime::currentMSecsSinceEpoch() + 1000)->size(), 1);
        QCOMPARE(m_outbox->requeueInterrupted().value(), 1);
        const OutboxMessage m = **m_outbox->find(id);
        QCOMPARE(m.status, QStringLiteral("queued"));
        QVERIFY(m.lastError.contains(QLatin1String("interrupted")));
    }

    void retryAndDiscardFollowTheStates()
    {
        const QString failed = accept();
        const QString queued = accept();
        QCOMPARE(m_outbox->claimDue(1, QDateTime::currentMSecsSinceEpoch() + 1000)->size(), 1);
        QVERIFY(m_outbox->markFailed(failed, QStringLiteral("535 login refused")));
        QVERIFY(m_outbox->retry(failed));
        OutboxMessage m = **m_outbox->find(failed);
        QCOMPARE(m.status, QStringLiteral("queued"));
        QCOMPARE(m.attempts, 0); // a fresh set of attempts
        const auto refused = m_outbox->retry(queued);
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, QByteArray("BUSINESS_ERROR"));
        QVERIFY(m_outbox->discard(queued));
        QCOMPARE((*m_outbox->find(queued))->status, QStringLiteral("discarded"));
        QVERIFY(m_outbox->retry(queued)); // a discarded message can be brought back
        const auto missing = m_outbox->discard(QStringLiteral("no-such-id"));
        QVERIFY(!missing);
        QCOMPARE(missing.error().status, 404);
    }

    void listFiltersByStatusNewestFirst()
    {
        const QString first = accept(QStringLiteral("first@office.test"));
        QTest::qWait(2);
        const QString second = accept(QStringLiteral("second@office.test"));
        QVERIFY(m_outbox->markFailed(first, QStringLiteral("x")));
        const QList<OutboxMessage> all = m_outbox->list().value();
        QCOMPARE(all.size(), 2);
        QCOMPARE(all.first().id, second);
        QCOMPARE(m_outbox->list(QStringLiteral("failed"))->size(), 1);
        QCOMPARE(m_outbox->list(QStringLiteral("failed"))->first().id, first);
        QVERIFY(m_outbox->list(QStringLiteral("sent"))->isEmpty());
    }

    void retryDelaysDoubleWithJitterAndAreCapped()
    {
        RetryPolicy policy;
        policy.baseSeconds = 30;
        policy.capSeconds = 3600;
        for (int attempt = 1; attempt <= 12; ++attempt) {
            const double expected = std::min(30.0 * (1 << (attempt - 1)), 3600.0) * 1000.0;
            QSet<qint64> seen;
            for (int i = 0; i < 50; ++i) {
                const qint64 delay = policy.delayMs(attempt);
                QVERIFY2(delay >= qint64(expected * 0.8) && delay <= qint64(expected * 1.2),
                         qPrintable(QStringLiteral("attempt %1: %2 ms").arg(attempt).arg(delay)));
                seen.insert(delay);
            }
            QVERIFY(seen.size() > 1); // jitter: not every message retries at the same instant
        }
    }
};

QTEST_GUILESS_MAIN(OutboxTest)
#include "tst_outbox.moc"
