#pragma once

#include "core/Result.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace caiwu {

class AuditTrail;
class Database;
class IpGate;
class Transaction;
struct AuditEntry;

// One allow-list entry: a single address or a CIDR range, in IpRange's canonical form.
struct AllowListEntry {
    QString id;
    QString ipAddress;
    QString description;   // empty: none
    qint64 createdAt = 0;
    qint64 updatedAt = 0;
};

// An address as a batch names it, and what became of a batch.
struct AllowListItem {
    QString ip;
    QString description;
};
struct BatchOutcome {
    bool success = false;
    int successCount = 0;
    int failedCount = 0;
    struct Problem {
        QString ip;
        QString error;
    };
    QList<Problem> errors;
};

// The IP allow list (reference §1.9, §6.1) kept in ip_whitelist / ip_whitelist_rule instead of
// Cloudflare, and enforced by the API server's own gate. Every change is audited in its
// transaction and then reloaded into the gate, so it applies to the very next request.
// `caller` is the client address of whoever asks: it goes into the audit row, and a change that
// would shut that address out (switching the rule on, or removing entries while it is on) is
// refused, so an admin cannot lock themselves out from the LAN. Loopback always passes.
class IpWhitelistService {
public:
    IpWhitelistService(Database &db, AuditTrail &audit, IpGate &gate) : m_db(db), m_audit(audit), m_gate(gate) {}

    Result<QList<AllowListEntry>> list();

    // 400 for text IpRange refuses, 409 DUPLICATE when the canonical form is listed already.
    Result<AllowListEntry> add(const AllowListItem &item, const QString &actorId, const QString &caller);
    // All or nothing: when any address is invalid, listed already, or given twice, nothing is
    // added and the outcome names each problem (success false).
    Result<BatchOutcome> addAll(const QList<AllowListItem> &items, const QString &actorId, const QString &caller);

    // 404 for an unknown id.
    Result<void> remove(const QString &id, const QString &actorId, const QString &caller);
    // Removes the entries that exist; ids that do not are counted as failed.
    Result<BatchOutcome> removeAll(const QStringList &ids, const QString &actorId, const QString &caller);

    // Re-reads the list into the gate; returns how many entries it holds. If the list cannot be
    // read the gate closes (only loopback passes) and the error is returned.
    Result<int> sync(const QString &actorId, const QString &caller);

    Result<bool> ruleEnabled();
    Result<void> setRule(bool enabled, const QString &actorId, const QString &caller);

private:
    // Removes and audits as `action` (delete, batch_delete).
    Result<BatchOutcome> removeEntries(const QStringList &ids, const QString &actorId, const QString &caller,
                                       const QString &action);
    // The change's audit row, the commit, and the gate reloaded so the next request sees it.
    Result<void> commitChange(Transaction &tx, const AuditEntry &entry);
    Result<void> reloadGate();

    Database &m_db;
    AuditTrail &m_audit;
    IpGate &m_gate;
};

} // namespace caiwu
