#include "IpWhitelistService.h"

#include "auth/IpAllowList.h"
#include "auth/IpGate.h"
#include "core/Clock.h"
#include "modules/audit/AuditTrail.h"
#include "storage/Database.h"
#include "storage/Sql.h"
#include "storage/Transaction.h"

#include <QJsonArray>
#include <QSet>
#include <QUuid>

namespace caiwu {

namespace {

const QString Entity = QStringLiteral("ip_whitelist");

struct Listed {
    QString id;
    QString ipAddress;
};

Result<QList<Listed>> listed(const QSqlDatabase &db)
{
    auto q = Sql::run(db, QStringLiteral("SELECT id, ip_address FROM ip_whitelist"), {}, QStringLiteral("read the allow list"));
    if (!q)
        return q.error();
    QList<Listed> entries;
    while (q->next())
        entries.append({q->value(0).toString(), q->value(1).toString()});
    return entries;
}

// Read as the gate reads it (IpGate::reload): no row means off.
Result<bool> readRule(const QSqlDatabase &db)
{
    auto q = Sql::run(db, QStringLiteral("SELECT enabled FROM ip_whitelist_rule WHERE id = 'default'"), {},
                      QStringLiteral("read the allow-list rule"));
    if (!q)
        return q.error();
    return q->next() && q->value(0).toInt() == 1;
}

// Refuses a change after which the rule is on and `caller` is in none of the remaining entries.
Result<void> keepsCallerIn(const QSqlDatabase &db, const IpGate &gate, const QString &caller, const QSet<QString> &removing,
                           const QString &change)
{
    auto entries = listed(db);
    if (!entries)
        return entries.error();
    QList<IpRange> remaining;
    for (const Listed &e : *entries) {
        if (removing.contains(e.id))
            continue;
        if (auto range = IpRange::parse(e.ipAddress))
            remaining.append(*range);
    }
    if (gate.wouldAllow(caller, remaining))
        return {};
    return AppError::business(QStringLiteral("refused: %1 would shut out your own address %2 while the allow list is on. "
                                             "Add %2 (or a range that holds it) first, or make the change from the appliance itself")
                                  .arg(change, caller));
}

AppError invalidAddress(const AppError &parseError, const QString &path)
{
    AppError e = parseError;
    e.details.insert(QStringLiteral("path"), path);
    return e;
}

QString newId() { return QUuid::createUuid().toString(QUuid::WithoutBraces); }

} // namespace

Result<void> IpWhitelistService::reloadGate()
{
    if (auto ok = m_gate.reload(); !ok)
        return AppError{ok.error().status, ok.error().code,
                        QStringLiteral("the change is saved, but the allow list could not be reloaded (only loopback is "
                                       "admitted until it can be): %1")
                            .arg(ok.error().message),
                        {}};
    return {};
}

Result<void> IpWhitelistService::commitChange(Transaction &tx, const AuditEntry &entry)
{
    if (auto ok = m_audit.record(entry); !ok)
        return ok.error();
    if (auto ok = tx.commit(); !ok)
        return ok.error();
    return reloadGate();
}

Result<QList<AllowListEntry>> IpWhitelistService::list()
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    auto q = Sql::run(*db, QStringLiteral("SELECT id, ip_address, description, created_at, COALESCE(updated_at, created_at) "
                                          "FROM ip_whitelist ORDER BY created_at, ip_address"),
                      {}, QStringLiteral("read the allow list"));
    if (!q)
        return q.error();
    QList<AllowListEntry> entries;
    while (q->next())
        entries.append({q->value(0).toString(), q->value(1).toString(), q->value(2).toString(), q->value(3).toLongLong(),
                        q->value(4).toLongLong()});
    return entries;
}

Result<AllowListEntry> IpWhitelistService::add(const AllowListItem &item, const QString &actorId, const QString &caller)
{
    auto range = IpRange::parse(item.ip);
    if (!range)
        return invalidAddress(range.error(), QStringLiteral("ipAddress"));
    const qint64 now = Clock::nowMs();
    const AllowListEntry entry{newId(), range->toString(), item.description, now, now};

    auto tx = Transaction::begin(m_db);
    if (!tx)
        return tx.error();
    const QSqlDatabase &db = tx->db();
    auto q = Sql::run(db, QStringLiteral("INSERT INTO ip_whitelist (id, ip_address, description, created_by, created_at, updated_at) "
                                         "VALUES (?, ?, ?, ?, ?, ?)"),
                      {entry.id, entry.ipAddress, Sql::textOrNull(entry.description), Sql::textOrNull(actorId), now, now},
                      QStringLiteral("add to the allow list"));
    if (!q)
        return Sql::isUniqueViolation(q.error())
            ? AppError::duplicate(QStringLiteral("%1 is already in the allow list").arg(entry.ipAddress))
            : q.error();
    if (auto ok = commitChange(*tx, {actorId, QStringLiteral("create"), Entity, entry.id,
                                     QJsonObject{{QStringLiteral("ipAddress"), entry.ipAddress},
                                                 {QStringLiteral("description"), entry.description}},
                                     caller});
        !ok)
        return ok.error();
    return entry;
}

Result<BatchOutcome> IpWhitelistService::addAll(const QList<AllowListItem> &items, const QString &actorId, const QString &caller)
{
    BatchOutcome outcome;
    QList<AllowListItem> accepted; // canonical addresses
    QSet<QString> seen;
    for (const AllowListItem &item : items) {
        auto range = IpRange::parse(item.ip);
        if (!range) {
            outcome.errors.append({item.ip, range.error().message});
            continue;
        }
        const QString canonical = range->toString();
        if (seen.contains(canonical)) {
            outcome.errors.append({item.ip, QStringLiteral("%1 is given more than once in this batch").arg(canonical)});
            continue;
        }
        seen.insert(canonical);
        accepted.append({canonical, item.description});
    }

    auto tx = Transaction::begin(m_db);
    if (!tx)
        return tx.error();
    const QSqlDatabase &db = tx->db();
    for (const AllowListItem &item : accepted) {
        auto q = Sql::run(db, QStringLiteral("SELECT 1 FROM ip_whitelist WHERE ip_address = ?"), {item.ip},
                          QStringLiteral("read the allow list"));
        if (!q)
            return q.error();
        if (q->next())
            outcome.errors.append({item.ip, QStringLiteral("%1 is already in the allow list").arg(item.ip)});
    }
    if (!outcome.errors.isEmpty()) { // all or nothing: the transaction rolls back untouched
        outcome.failedCount = int(items.size());
        return outcome;
    }

    const qint64 now = Clock::nowMs();
    QJsonArray added;
    for (const AllowListItem &item : accepted) {
        auto q = Sql::run(db, QStringLiteral("INSERT INTO ip_whitelist (id, ip_address, description, created_by, created_at, "
                                             "updated_at) VALUES (?, ?, ?, ?, ?, ?)"),
                          {newId(), item.ip, Sql::textOrNull(item.description), Sql::textOrNull(actorId), now, now},
                          QStringLiteral("add to the allow list"));
        if (!q)
            return q.error();
        added.append(item.ip);
    }
    if (auto ok = commitChange(*tx, {actorId, QStringLiteral("batch_create"), Entity, {},
                                     QJsonObject{{QStringLiteral("count"), added.size()}, {QStringLiteral("ipAddresses"), added}},
                                     caller});
        !ok)
        return ok.error();
    outcome.success = true;
    outcome.successCount = int(accepted.size());
    return outcome;
}

Result<void> IpWhitelistService::remove(const QString &id, const QString &actorId, const QString &caller)
{
    auto outcome = removeEntries({id}, actorId, caller, QStringLiteral("delete"));
    if (!outcome)
        return outcome.error();
    if (outcome->successCount == 0)
        return AppError::notFound(QStringLiteral("no allow-list entry with id %1").arg(id));
    return {};
}

Result<BatchOutcome> IpWhitelistService::removeAll(const QStringList &ids, const QString &actorId, const QString &caller)
{
    return removeEntries(ids, actorId, caller, QStringLiteral("batch_delete"));
}

Result<BatchOutcome> IpWhitelistService::removeEntries(const QStringList &idsIn, const QString &actorId, const QString &caller,
                                                       const QString &action)
{
    QStringList ids = idsIn;
    ids.removeDuplicates();
    auto tx = Transaction::begin(m_db);
    if (!tx)
        return tx.error();
    const QSqlDatabase &db = tx->db();
    auto entries = listed(db);
    if (!entries)
        return entries.error();
    QSet<QString> removing;
    QJsonArray removedIds;
    QJsonArray removedAddresses;
    for (const Listed &e : *entries) {
        if (ids.contains(e.id)) {
            removing.insert(e.id);
            removedIds.append(e.id);
            removedAddresses.append(e.ipAddress);
        }
    }
    BatchOutcome outcome;
    outcome.successCount = int(removing.size());
    outcome.failedCount = int(ids.size() - removing.size());
    outcome.success = outcome.failedCount == 0;
    if (removing.isEmpty())
        return outcome;

    auto ruleOn = readRule(db);
    if (!ruleOn)
        return ruleOn.error();
    if (*ruleOn) {
        const QString change = removing.size() == 1 ? QStringLiteral("removing %1").arg(removedAddresses.first().toString())
                                                    : QStringLiteral("removing these %1 entries").arg(removing.size());
        if (auto ok = keepsCallerIn(db, m_gate, caller, removing, change); !ok)
            return ok.error();
    }
    for (const QString &id : std::as_const(removing)) {
        if (auto q = Sql::run(db, QStringLiteral("DELETE FROM ip_whitelist WHERE id = ?"), {id},
                              QStringLiteral("remove from the allow list"));
            !q)
            return q.error();
    }
    if (auto ok = commitChange(*tx, {actorId, action, Entity, removedIds.size() == 1 ? removedIds.first().toString() : QString(),
                                     QJsonObject{{QStringLiteral("count"), removedIds.size()},
                                                 {QStringLiteral("deletedIds"), removedIds},
                                                 {QStringLiteral("ipAddresses"), removedAddresses}},
                                     caller});
        !ok)
        return ok.error();
    return outcome;
}

Result<int> IpWhitelistService::sync(const QString &actorId, const QString &caller)
{
    if (auto ok = m_gate.reload(); !ok)
        return ok.error();
    auto db = m_db.connection();
    if (!db)
        return db.error();
    auto entries = listed(*db);
    if (!entries)
        return entries.error();
    const int count = int(entries->size());
    if (auto ok = m_audit.record({actorId, QStringLiteral("sync"), Entity, {}, QJsonObject{{QStringLiteral("count"), count}}, caller});
        !ok)
        return ok.error();
    return count;
}

Result<bool> IpWhitelistService::ruleEnabled()
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    return readRule(*db);
}

Result<void> IpWhitelistService::setRule(bool enabled, const QString &actorId, const QString &caller)
{
    auto tx = Transaction::begin(m_db);
    if (!tx)
        return tx.error();
    const QSqlDatabase &db = tx->db();
    auto current = readRule(db);
    if (!current)
        return current.error();
    if (*current == enabled)
        return {}; // already so: nothing to write or audit
    if (enabled) {
        if (auto ok = keepsCallerIn(db, m_gate, caller, {}, QStringLiteral("switching the allow list on")); !ok)
            return ok.error();
    }
    auto q = Sql::run(db, QStringLiteral("INSERT INTO ip_whitelist_rule (id, enabled, updated_at, updated_by) VALUES ('default', ?, ?, ?) "
                                         "ON CONFLICT (id) DO UPDATE SET enabled = excluded.enabled, "
                                         "updated_at = excluded.updated_at, updated_by = excluded.updated_by"),
                      {enabled ? 1 : 0, Clock::nowMs(), Sql::textOrNull(actorId)}, QStringLiteral("switch the allow list"));
    if (!q)
        return q.error();
    return commitChange(*tx, {actorId, QStringLiteral("update"), QStringLiteral("ip_whitelist_rule"), QStringLiteral("default"),
                              QJsonObject{{QStringLiteral("from"), *current}, {QStringLiteral("to"), enabled}}, caller});
}

} // namespace caiwu
