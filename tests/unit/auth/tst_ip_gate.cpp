// The allow list as the server enforces it: read from the database, closed until read, closed
// again when it cannot be read, and a forwarded address believed only from a trusted proxy.
#include "AuthTestDatabase.h"
#include "auth/IpGate.h"

using namespace caiwu;

class IpGateTest : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<AuthTestDatabase> m_data;

    bool allowed(const IpGate &gate, const QString &peer, const QByteArray &xff = {})
    {
        return gate.decide(peer, xff).allowed;
    }
    void add(const QString &entry)
    {
        QVERIFY(m_data->exec(QStringLiteral("INSERT INTO ip_whitelist (id, ip_address, created_at) VALUES (?, ?, 0)"),
                             {QUuid::createUuid().toString(), entry}));
    }
    void setRule(bool on)
    {
        QVERIFY(m_data->exec(QStringLiteral("UPDATE ip_whitelist_rule SET enabled = ? WHERE id = 'default'"), {on ? 1 : 0}));
    }

private Q_SLOTS:
    void init()
    {
        m_data = std::make_unique<AuthTestDatabase>();
        QVERIFY(m_data->ok);
    }
    void cleanup() { m_data.reset(); }

    void closedUntilTheListIsRead()
    {
        IpGate gate(*m_data->db, {});
        QVERIFY(!gate.readable());
        QVERIFY(!allowed(gate, QStringLiteral("192.168.1.5")));
        QVERIFY(allowed(gate, QStringLiteral("127.0.0.1")));
        QVERIFY(gate.reload());
        QVERIFY(gate.readable());
        QVERIFY(!gate.enabled()); // the rule ships switched off
        QVERIFY(allowed(gate, QStringLiteral("192.168.1.5")));
    }

    void withTheRuleOnOnlyListedAddressesPass()
    {
        add(QStringLiteral("192.168.1.0/24"));
        add(QStringLiteral("10.1.2.3"));
        add(QStringLiteral("fd00:1::/32"));
        setRule(true);
        IpGate gate(*m_data->db, {});
        QVERIFY(gate.reload());
        QVERIFY(allowed(gate, QStringLiteral("192.168.1.200")));
        QVERIFY(allowed(gate, QStringLiteral("::ffff:192.168.1.7")));
        QVERIFY(allowed(gate, QStringLiteral("10.1.2.3")));
        QVERIFY(!allowed(gate, QStringLiteral("10.1.2.4")));
        QVERIFY(!allowed(gate, QStringLiteral("192.168.2.1")));
        QVERIFY(allowed(gate, QStringLiteral("fd00:1:ffff::9")));
        QVERIFY(!allowed(gate, QStringLiteral("fd00:2::9")));
        QVERIFY(allowed(gate, QStringLiteral("::1")));
    }

    void anUnreadableListFailsClosed()
    {
        add(QStringLiteral("192.168.1.0/24"));
        setRule(true);
        IpGate gate(*m_data->db, {});
        QVERIFY(gate.reload());
        QVERIFY(allowed(gate, QStringLiteral("192.168.1.9")));
        QVERIFY(m_data->exec(QStringLiteral("ALTER TABLE ip_whitelist RENAME TO ip_whitelist_gone")));
        QVERIFY(!gate.reload());
        QVERIFY(!gate.readable());
        QVERIFY(!allowed(gate, QStringLiteral("192.168.1.9")));
        QVERIFY(allowed(gate, QStringLiteral("127.0.0.1")));
        QVERIFY(m_data->exec(QStringLiteral("ALTER TABLE ip_whitelist_gone RENAME TO ip_whitelist")));
        QVERIFY(gate.reload());
        QVERIFY(allowed(gate, QStringLiteral("192.168.1.9")));
    }

    void aForwardedAddressIsBelievedOnlyFromATrustedProxy()
    {
        add(QStringLiteral("192.168.1.9"));
        setRule(true);
        IpGate direct(*m_data->db, {});
        QVERIFY(direct.reload());
        // Without trusted proxies the header is ignored: loopback is the client and passes.
        QCOMPARE(direct.decide(QStringLiteral("127.0.0.1"), "10.6.6.6").clientAddress, QStringLiteral("127.0.0.1"));
        QVERIFY(!allowed(direct, QStringLiteral("10.6.6.6"), "192.168.1.9"));

        IpGate proxied(*m_data->db, {*IpRange::parse(QStringLiteral("127.0.0.1"))});
        QVERIFY(proxied.reload());
        const auto d = proxied.decide(QStringLiteral("127.0.0.1"), "10.6.6.6");
        QCOMPARE(d.clientAddress, QStringLiteral("10.6.6.6"));
        QVERIFY(!d.allowed);
        QVERIFY(allowed(proxied, QStringLiteral("127.0.0.1"), "192.168.1.9"));
    }

    void wouldAllowJudgesAProposedList()
    {
        IpGate gate(*m_data->db, {});
        QVERIFY(gate.wouldAllow(QStringLiteral("10.0.0.7"), {*IpRange::parse(QStringLiteral("10.0.0.0/8"))}));
        QVERIFY(!gate.wouldAllow(QStringLiteral("11.0.0.7"), {*IpRange::parse(QStringLiteral("10.0.0.0/8"))}));
        QVERIFY(gate.wouldAllow(QStringLiteral("::1"), {}));
    }
};

QTEST_GUILESS_MAIN(IpGateTest)
#include "tst_ip_gate.moc"
