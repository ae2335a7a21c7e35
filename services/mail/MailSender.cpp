#include "MailSender.h"

#include "Outbox.h"
#include "core/Clock.h"
#include "core/Log.h"
#include "storage/Database.h"

#include <QRandomGenerator>

#include <functional>

namespace caiwu {

namespace {
// Also the longest the sender sleeps: picks up a retry an admin queued from another process.
constexpr qint64 MaxIdleMs = 5000;
} // namespace

qint64 RetryPolicy::delayMs(int attemptsSoFar) const
{
    const int doublings = std::clamp(attemptsSoFar - 1, 0, 30);
    const qint64 seconds = std::min<qint64>(qint64(baseSeconds) << doublings, capSeconds);
    const double jitter = 0.8 + 0.4 * QRandomGenerator::global()->generateDouble();
    return qint64(double(seconds) * 1000.0 * jitter);
}

MailSender::MailSender(Database &db, Outbox &outbox, SmtpSettings smtp, RetryPolicy policy)
    : m_db(db)
    , m_outbox(outbox)
    , m_smtp(std::move(smtp))
    , m_policy(policy)
{
}


MailSender::~MailSender()
{
    stop();
}

void MailSender::start()
{
    m_thread.start([this] { run(); });
}

void MailSender::stop()
{
    m_thread.stop();
}

void MailSender::wake()
{
    m_thread.wake();
}

QString MailSender::lastError() const
{
    std::lock_guard lock(m_errorMutex);
    return m_lastError;
}

void MailSender::run()
{
    SmtpTransport transport(m_smtp);
    do {
        if (smtpConfigured())
            deliverBatch(transport);
    } while (m_thread.sleep(idleMs()));
    m_db.releaseThreadConnection();
}

qint64 MailSender::idleMs()
{
    if (smtpConfigured())
        if (auto due = m_outbox.nextDueAt(); due && due->has_value())
            return std::clamp<qint64>(**due - Clock::nowMs(), 0, MaxIdleMs);
    return MaxIdleMs;
}

void MailSender::deliverBatch(SmtpTransport &transport)
{
    // One message claimed at a time: a crash or a stop leaves at most one message whose
    // fate is unknown (it is sent again at start-up, with the same Message-ID).
    while (!m_thread.stopping()) {
        auto claimed = m_outbox.claimDue(1, Clock::nowMs());
        if (!claimed) {
            qCWarning(lcMail).noquote() << claimed.error().message;
            return;
        }
        if (claimed->isEmpty())
            return;
        deliverOne(transport, claimed->first());
    }
}

void MailSender::deliverOne(SmtpTransport &transport, const OutboxMessage &message)
{
    const DeliveryResult result =
        transport.deliver({message.to, message.subject, message.html, message.text, message.messageId, message.createdAt});
    std::function<Result<void>()> record;
    if (result.outcome == DeliveryResult::Outcome::Delivered) {
        const qint64 sentAt = Clock::nowMs();
        record = [this, &message, sentAt] { return m_outbox.markSent(message.id, sentAt); };
        qCInfo(lcMail).noquote() << "delivered" << message.id << "to" << message.to;
        std::lock_guard lock(m_errorMutex);
        m_lastError.clear();
    } else {
        const bool permanent = result.outcome == DeliveryResult::Outcome::Permanent;
        if (permanent || message.attempts >= m_policy.maxAttempts) {
            const QString reason = permanent ? result.detail
                                             : QStringLiteral("gave up after %1 attempts: %2").arg(message.attempts).arg(result.detail);
            record = [this, &message, reason] { return m_outbox.markFailed(message.id, reason); };
            qCWarning(lcMail).noquote() << "failed" << message.id << "to" << message.to << ':' << reason;
        } else {
            const qint64 next = Clock::nowMs() + m_policy.delayMs(message.attempts);
            record = [this, &message, &result, next] { return m_outbox.markRetry(message.id, result.detail, next); };
            qCInfo(lcMail).noquote() << "will retry" << message.id << "after attempt" << message.attempts << ':' << result.detail;
        }
        std::lock_guard lock(m_errorMutex);
        m_lastError = result.detail;
    }
    // The outcome must be written: an unrecorded delivery would be sent again at the next
    // start. A busy or briefly failing database is waited out, not skipped.
    for (int attempt = 0;; ++attempt) {
        const Result<void> recorded = record();
        if (recorded)
            break;
        if (attempt % 50 == 0)
            qCWarning(lcMail).noquote() << recorded.error().message << "(still trying to record the outcome of" << message.id << ")";
        if (!m_thread.sleep(100))
            break; // stopping: the row stays 'sending' and is sent again at start-up
    }
}

} // namespace caiwu
