#pragma once

#include "core/Result.h"

#include <QList>
#include <QString>

#include <optional>

namespace caiwu {

class Database;

struct OutboxMessage {
    QString id;
    QString to;
    QString subject;
    QString html;
    QString text;
    QByteArray messageId;
    QString status;          // queued | sending | sent | failed | discarded
    int attempts = 0;
    qint64 nextAttemptAt = 0;
    QString lastError;
    qint64 createdAt = 0;
    qint64 sentAt = 0;
};

struct OutboxCounts {
    int queued = 0;
    int sending = 0;
    int sent = 0;
    int failed = 0;
    int discarded = 0;
};

// The mail service's durable queue (table `outbox`). A message is a row before the
// service says it accepted it; the sender claims due rows, and records each outcome.
// Safe to use from any thread (each uses its own database connection).
class Outbox {
public:
    Outbox(Database &db, QString messageIdDomain);

    struct Accepted {
        QString id;
        bool repeated = false;   // the Idempotency-Key was seen before: this is the first message's id
    };
    // "<id@domain>": the Message-ID a message keeps through every retry.
    QByteArray messageIdFor(const QString &id) const;

    Result<Accepted> accept(const QString &to, const QString &subject, const QString &html, const QString &text,
                            const QString &idempotencyKey = {});

    // Marks up to `limit` due queued messages 'sending' (attempts + 1) and returns them.
    Result<QList<OutboxMessage>> claimDue(int limit, qint64 nowMs);
    Result<void> markSent(const QString &id, qint64 nowMs);
    Result<void> markRetry(const QString &id, const QString &error, qint64 nextAttemptAt);
    Result<void> markFailed(const QString &id, const QString &error);
    // Start-up: messages left 'sending' by a crash are queued again.
    Result<int> requeueInterrupted();

    // The admin's actions: a failed (or discarded) message goes back to the queue with
    // a fresh set of attempts; a queued or failed one is dropped.
    Result<void> retry(const QString &id);
    Result<void> discard(const QString &id);

    Result<std::optional<OutboxMessage>> find(const QString &id);
    // Newest first; `status` empty means all.
    Result<QList<OutboxMessage>> list(const QString &status = {}, int limit = 200);
    Result<OutboxCounts> counts();
    // When the next queued message falls due, if any is queued.
    Result<std::optional<qint64>> nextDueAt();

private:
    // An admin action matched no row: say whether the message is missing or in the wrong state.
    AppError whyUnchanged(const QString &id, const QString &rule);

    Database &m_db;
    QString m_messageIdDomain;
};

} // namespace caiwu
