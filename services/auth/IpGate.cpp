#include "IpGate.h"

#include "core/Log.h"
#include "storage/Database.h"
#include "storage/Sql.h"

namespace caiwu {

IpGate::IpGate(Database &db, QList<IpRange> trustedProxies)
    : m_db(db)
    , m_trustedProxies(std::move(trustedProxies))
    // Until the first reload nothing is known: closed.
    , m_snapshot(std::make_shared<Snapshot>(Snapshot{false, true, IpAllowList({}, m_trustedProxies)}))
{
}

std::shared_ptr<const IpGate::Snapshot> IpGate::snapshot() const
{
    QMutexLocker lock(&m_mutex);
    return m_snapshot;
}

Result<void> IpGate::reload()
{
    auto read = [this]() -> Result<std::shared_ptr<const Snapshot>> {
        auto db = m_db.connection();
        if (!db)
            return db.error();
        auto rule = Sql::run(*db, QStringLiteral("SELECT enabled FROM ip_whitelist_rule WHERE id = 'default'"), {},
                             QStringLiteral("read the allow-list rule"));
        if (!rule)
            return rule.error();
        const bool enabled = rule->next() && rule->value(0).toInt() == 1;
        auto entries = Sql::run(*db, QStringLiteral("SELECT ip_address FROM ip_whitelist"), {},
                                QStringLiteral("read the allow list"));
        if (!entries)
            return entries.error();
        QList<IpRange> allowed;
        while (entries->next()) {
            auto range = IpRange::parse(entries->value(0).toString());
            if (!range) // written through the API it always parses; a hand edit that doesn't admits nobody
                qCWarning(lcHttp).noquote() << "allow list: ignoring entry" << entries->value(0).toString() << ":"
                                            << range.error().message;
            else
                allowed.append(*range);
        }
        return std::make_shared<const Snapshot>(Snapshot{true, enabled, IpAllowList(allowed, m_trustedProxies)});
    };
    auto fresh = read();
    QMutexLocker lock(&m_mutex);
    if (!fresh) {
        // Fail closed: keep nothing of the old list, since it may be the very thing that changed.
        if (m_snapshot->readable)
            qCCritical(lcHttp).noquote() << "allow list unreadable, refusing every address but loopback:"
                                         << fresh.error().message;
        m_snapshot = std::make_shared<const Snapshot>(Snapshot{false, true, IpAllowList({}, m_trustedProxies)});
        return fresh.error();
    }
    m_snapshot = std::move(fresh).value();
    return {};
}

IpGate::Decision IpGate::decide(const QString &peer, const QByteArray &forwardedFor) const
{
    const auto s = snapshot();
    Decision d;
    d.clientAddress = s->list.clientAddress(peer, forwardedFor);
    d.allowed = !s->enabled || s->list.allows(d.clientAddress);
    return d;
}

bool IpGate::wouldAllow(const QString &clientAddress, const QList<IpRange> &entries) const
{
    return IpAllowList(entries, m_trustedProxies).allows(clientAddress);
}

bool IpGate::enabled() const
{
    return snapshot()->enabled;
}

bool IpGate::readable() const
{
    return snapshot()->readable;
}

} // namespace caiwu
