#pragma once

#include "SmtpTransport.h"
#include "core/WakeableThread.h"

#include <QString>

#include <mutex>

namespace caiwu {

class Database;
class Outbox;
struct OutboxMessage;

// When to try a message again: the delay doubles from `baseSeconds` with each attempt,
// capped, with ±20 % jitter so a recovering server is not hit by every message at once.
struct RetryPolicy {
    int maxAttempts = 8;
    int baseSeconds = 30;
    qint64 capSeconds = 6 * 3600;

    qint64 delayMs(int attemptsSoFar) const;
};

// The thread that empties the outbox into the SMTP server, one message at a time over
// one reused connection. A message is claimed before it is sent and its outcome is
// recorded right after, so a recorded delivery is never repeated.
class MailSender {
public:
    MailSender(Database &db, Outbox &outbox, SmtpSettings smtp, RetryPolicy policy);
    ~MailSender();

    void start();
    // Finishes the delivery in progress (bounded by the SMTP timeout), then stops.
    void stop();
    // New mail was accepted: look now rather than at the next scheduled time.
    void wake();

    bool smtpConfigured() const { return !m_smtp.host.isEmpty(); }
    // The last delivery error since the last success, for health and the admin.
    QString lastError() const;

private:
    void run();
    void deliverBatch(SmtpTransport &transport);
    void deliverOne(SmtpTransport &transport, const OutboxMessage &message);
    // How long the loop may sleep: until the next queued message falls due.
    qint64 idleMs();

    Database &m_db;
    Outbox &m_outbox;
    SmtpSettings m_smtp;
    RetryPolicy m_policy;

    mutable std::mutex m_errorMutex;
    QString m_lastError;
    WakeableThread m_thread;
};

} // namespace caiwu
