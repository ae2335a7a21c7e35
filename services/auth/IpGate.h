#pragma once

#include "IpAllowList.h"
#include "core/Result.h"

#include <QMutex>

#include <memory>

namespace caiwu {

class Database;

// The allow list as the API server enforces it: the rule switch and the entries, read from the
// database into memory (reload() after every change and periodically), checked on every request
// against the client address. Fails closed: if the rule or the list cannot be read, only
// loopback passes until a reload succeeds. Thread-safe.
class IpGate {
public:
    IpGate(Database &db, QList<IpRange> trustedProxies);

    Result<void> reload();

    struct Decision {
        QString clientAddress;
        bool allowed = true;
    };
    Decision decide(const QString &peer, const QByteArray &forwardedFor) const;

    // Would `clientAddress` pass with the rule on and these entries? (Guards against an admin
    // switching the rule on, or removing an entry, from an address that would then be refused.)
    bool wouldAllow(const QString &clientAddress, const QList<IpRange> &entries) const;

    bool enabled() const;
    bool readable() const;

private:
    struct Snapshot {
        bool readable = false;
        bool enabled = true;
        IpAllowList list;
    };
    std::shared_ptr<const Snapshot> snapshot() const;

    Database &m_db;
    QList<IpRange> m_trustedProxies;
    mutable QMutex m_mutex;
    std::shared_ptr<const Snapshot> m_snapshot;
};

} // namespace caiwu
