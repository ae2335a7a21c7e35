#include "Outbox.h"

#include "core/Clock.h"
#include "storage/Database.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

namespace caiwu {

namespace {

const char *const Columns =
    "id, to_address, subject, html, body_text, message_id, status, attempts, next_attempt_at, last_error, "
    "created_at, sent_at";

OutboxMessage fromRow(const QSqlQuery &q)
{
    OutboxMessage m;
    m.id = q.value(0).toString();
    m.to = q.value(1).toString();
    m.subject = q.value(2).toString();
    m.html = q.value(3).toString();
    m.text = q.value(4).toString();
    m.messageId = q.value(5).toByteArray();
    m.status = q.value(6).toString();
    m.attempts = q.value(7).toInt();
    m.nextAttemptAt = q.value(8).toLongLong();
    m.lastError = q.value(9).toString();
    m.createdAt = q.value(10).toLongLong();
    m.sentAt = q.value(11).toLongLong();
    return m;
}

AppError dbError(const QString &what, const QSqlQuery &q)
{
    return AppError::unavailable(QStringLiteral("outbox: cannot %1: %2").arg(what, q.lastError().text()));
}

QVariant nullIfEmpty(const QString &s) { return s.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(s); }

} // namespace

Outbox::Outbox(Database &db, QString messageIdDomain)
    : m_db(db)
    , m_messageIdDomain(std::move(messageIdDomain))
{
}

QByteArray Outbox::messageIdFor(const QString &id) const
{
    return QStringLiteral("<%1@%2>").arg(id, m_messageIdDomain).toUtf8();
}

Result<Outbox::Accepted> Outbox::accept(const QString &to, const QString &subject, const QString &html, const QString &text,
                                        const QString &idempotencyKey)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    QSqlQuery q(*db);
    if (!idempotencyKey.isEmpty()) {
        q.prepare(QStringLiteral("SELECT id FROM outbox WHERE idempotency_key = ?"));
        q.addBindValue(idempotencyKey);
        if (!q.exec())
            return dbError(QStringLiteral("look up the idempotency key"), q);
        if (q.next())
            return Accepted{q.value(0).toString(), true};
    }
    const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    const QString messageId = QString::fromUtf8(messageIdFor(id)); // a QByteArray would bind as a BLOB
    const qint64 now = Clock::nowMs();
    q.prepare(QStringLiteral("INSERT INTO outbox (id, idempotency_key, to_address, subject, html, body_text, message_id, "
                             "status, attempts, next_attempt_at, created_at, updated_at) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?, ?)"));
    q.addBindValue(id);
    q.addBindValue(nullIfEmpty(idempotencyKey));
    q.addBindValue(to);
    q.addBindValue(subject);
    q.addBindValue(nullIfEmpty(html));
    q.addBindValue(nullIfEmpty(text));
    q.addBindValue(messageId);
    q.addBindValue(now);
    q.addBindValue(now);
    q.addBindValue(now);
    if (!q.exec()) {
        // Two requests with one new key raced: the loser answers with the winner's id.
        if (!idempotencyKey.isEmpty() && q.lastError().nativeErrorCode() == QLatin1String("2067")) {
            QSqlQuery again(*db);
            again.prepare(QStringLiteral("SELECT id FROM outbox WHERE idempotency_key = ?"));
            again.addBindValue(idempotencyKey);
            if (again.exec() && again.next())
                return Accepted{again.value(0).toString(), true};
        }
        return dbError(QStringLiteral("store the message"), q);
    }
    return Accepted{id, false};
}

Result<QList<OutboxMessage>> Outbox::claimDue(int limit, qint64 nowMs)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    QSqlQuery q(*db);
    // One statement: claiming is atomic even if two senders ever ran.
    q.prepare(QStringLiteral("UPDATE outbox SET status = 'sending', attempts = attempts + 1, updated_at = ? "
                             "WHERE id IN (SELECT id FROM outbox WHERE status = 'queued' AND next_attempt_at <= ? "
                             "ORDER BY next_attempt_at, created_at LIMIT ?) RETURNING %1")
                  .arg(QLatin1String(Columns)));
    q.addBindValue(nowMs);
    q.addBindValue(nowMs);
    q.addBindValue(limit);
    if (!q.exec())
        return dbError(QStringLiteral("claim due messages"), q);
    QList<OutboxMessage> claimed;
    while (q.next())
        claimed.append(fromRow(q));
    std::sort(claimed.begin(), claimed.end(), [](const auto &a, const auto &b) { return a.createdAt < b.createdAt; });
    return claimed;
}

Result<void> Outbox::markSent(const QString &id, qint64 nowMs)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    QSqlQuery q(*db);
    q.prepare(QStringLiteral("UPDATE outbox SET status = 'sent', sent_at = ?, last_error = NULL, updated_at = ? WHERE id = ?"));
    q.addBindValue(nowMs);
    q.addBindValue(nowMs);
    q.addBindValue(id);
    if (!q.exec())
        return dbError(QStringLiteral("record a delivery"), q);
    return {};
}

Result<void> Outbox::markRetry(const QString &id, const QString &error, qint64 nextAttemptAt)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    QSqlQuery q(*db);
    q.prepare(QStringLiteral("UPDATE outbox SET status = 'queued', last_error = ?, next_attempt_at = ?, updated_at = ? WHERE id = ?"));
    q.addBindValue(error);
    q.addBindValue(nextAttemptAt);
    q.addBindValue(Clock::nowMs());
    q.addBindValue(id);
    if (!q.exec())
        return dbError(QStringLiteral("schedule a retry"), q);
    return {};
}

Result<void> Outbox::markFailed(const QString &id, const QString &error)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    QSqlQuery q(*db);
    q.prepare(QStringLiteral("UPDATE outbox SET status = 'failed', last_error = ?, updated_at = ? WHERE id = ?"));
    q.addBindValue(error);
    q.addBindValue(Clock::nowMs());
    q.addBindValue(id);
    if (!q.exec())
        return dbError(QStringLiteral("record a failure"), q);
    return {};
}

Result<int> Outbox::requeueInterrupted()
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    QSqlQuery q(*db);
    q.prepare(QStringLiteral("UPDATE outbox SET status = 'queued', next_attempt_at = ?, updated_at = ?, "
                             "last_error = 'interrupted while sending; sent again' WHERE status = 'sending'"));
    const qint64 now = Clock::nowMs();
    q.addBindValue(now);
    q.addBindValue(now);
    if (!q.exec())
        return dbError(QStringLiteral("recover interrupted messages"), q);
    return q.numRowsAffected();
}

Result<void> Outbox::retry(const QString &id)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    QSqlQuery q(*db);
    q.prepare(QStringLiteral("UPDATE outbox SET status = 'queued', attempts = 0, next_attempt_at = ?, updated_at = ? "
                             "WHERE id = ? AND status IN ('failed', 'discarded')"));
    const qint64 now = Clock::nowMs();
    q.addBindValue(now);
    q.addBindValue(now);
    q.addBindValue(id);
    if (!q.exec())
        return dbError(QStringLiteral("retry a message"), q);
    if (q.numRowsAffected() == 1)
        return {};
    return whyUnchanged(id, QStringLiteral("only failed or discarded messages can be retried"));
}

Result<void> Outbox::discard(const QString &id)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    QSqlQuery q(*db);
    q.prepare(QStringLiteral("UPDATE outbox SET status = 'discarded', updated_at = ? WHERE id = ? AND status IN ('queued', 'failed')"));
    q.addBindValue(Clock::nowMs());
    q.addBindValue(id);
    if (!q.exec())
        return dbError(QStringLiteral("discard a message"), q);
    if (q.numRowsAffected() == 1)
        return {};
    return whyUnchanged(id, QStringLiteral("only queued or failed messages can be discarded"));
}

AppError Outbox::whyUnchanged(const QString &id, const QString &rule)
{
    auto found = find(id);
    if (!found)
        return found.error();
    if (!found->has_value())
        return AppError::notFound(QStringLiteral("no message %1 in the outbox").arg(id));
    return AppError::business(QStringLiteral("message %1 is %2; %3").arg(id, (*found)->status, rule));
}

Result<std::optional<OutboxMessage>> Outbox::find(const QString &id)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    QSqlQuery q(*db);
    q.prepare(QStringLiteral("SELECT %1 FROM outbox WHERE id = ?").arg(QLatin1String(Columns)));
    q.addBindValue(id);
    if (!q.exec())
        return dbError(QStringLiteral("read a message"), q);
    if (!q.next())
        return std::optional<OutboxMessage>();
    return std::optional<OutboxMessage>(fromRow(q));
}

Result<QList<OutboxMessage>> Outbox::list(const QString &status, int limit)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    QSqlQuery q(*db);
    q.prepare(QStringLiteral("SELECT %1 FROM outbox WHERE (? = '' OR status = ?) ORDER BY created_at DESC LIMIT ?")
                  .arg(QLatin1String(Columns)));
    // A null QString binds as NULL, and NULL = '' is never true: bind text.
    const QString filter = status.isNull() ? QStringLiteral("") : status;
    q.addBindValue(filter);
    q.addBindValue(filter);
    q.addBindValue(limit);
    if (!q.exec())
        return dbError(QStringLiteral("list messages"), q);
    QList<OutboxMessage> messages;
    while (q.next())
        messages.append(fromRow(q));
    return messages;
}

Result<OutboxCounts> Outbox::counts()
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    QSqlQuery q(*db);
    if (!q.exec(QStringLiteral("SELECT status, count(*) FROM outbox GROUP BY status")))
        return dbError(QStringLiteral("count messages"), q);
    OutboxCounts c;
    while (q.next()) {
        const QString status = q.value(0).toString();
        const int n = q.value(1).toInt();
        if (status == QLatin1String("queued")) c.queued = n;
        else if (status == QLatin1String("sending")) c.sending = n;
        else if (status == QLatin1String("sent")) c.sent = n;
        else if (status == QLatin1String("failed")) c.failed = n;
        else if (status == QLatin1String("discarded")) c.discarded = n;
    }
    return c;
}

Result<std::optional<qint64>> Outbox::nextDueAt()
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    QSqlQuery q(*db);
    if (!q.exec(QStringLiteral("SELECT min(next_attempt_at) FROM outbox WHERE status = 'queued'")) || !q.next())
        return dbError(QStringLiteral("find the next due message"), q);
    if (q.value(0).isNull())
        return std::optional<qint64>();
    return std::optional<qint64>(q.value(0).toLongLong());
}

} // namespace caiwu
