#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <array>
#include <cstdint>

namespace caiwu {

// One allow-list entry: an address and a prefix length; "192.168.1.10" is /32, "2001:db8::1" is /128.
// Addresses are compared as 128-bit numbers (IPv4 as ::ffff:a.b.c.d), never as strings, so
// "::1" equals "0:0:0:0:0:0:0:1" and hex case does not matter.
class IpRange {
public:
    // Accepts "a.b.c.d", "a.b.c.d/n" (0..32), IPv6 with optional "/n" (0..128), surrounding spaces
    // trimmed; "::ffff:a.b.c.d[/n]" (n ≥ 96) is the IPv4 range a.b.c.d/(n-96).
    // Refused, not guessed: IPv4 numbers with leading zeros ("192.168.001.010" is octal to some
    // tools), zone ids ("fe80::1%eth0"), and host bits set beyond the prefix ("10.0.0.5/8": the
    // message suggests "10.0.0.0/8" or "10.0.0.5", since the admin may have meant either).
    static Result<IpRange> parse(const QString &text);

    // `address` as the socket or a proxy reports it: IPv4, IPv6 (a "%zone" suffix is ignored) or
    // IPv4-mapped IPv6. Anything unparsable is contained in no range.
    bool contains(const QString &address) const;

    // Canonical form: "10.0.0.0/8", "2001:db8::/32" (RFC 5952), single addresses without /32 or /128.
    QString toString() const;

    bool isIPv4() const { return m_ipv4; }

    using Address = std::array<std::uint8_t, 16>;

private:
    IpRange(const Address &address, int prefix, bool ipv4) : m_address(address), m_prefix(prefix), m_ipv4(ipv4) {}
    bool containsAddress(const Address &address) const;
    friend class IpAllowList;

    Address m_address{};
    int m_prefix = 128; // over the 128-bit form: an IPv4 /8 is stored as /104
    bool m_ipv4 = false;
};

// The decision for one request. Built from the allow list and the trusted proxies as read from
// the database; when the list cannot be read the caller refuses the request (fail closed).
class IpAllowList {
public:
    IpAllowList(QList<IpRange> allowed, QList<IpRange> trustedProxies);

    // The client address (canonical when it parses): the peer, or — only when the peer is a trusted
    // proxy — the right-most X-Forwarded-For entry that is not itself a trusted proxy. Entries to
    // the right of it were written by our own proxies and can be believed; anything further left
    // may be forged by the client. Unparsable entries are skipped; when every entry is a trusted
    // proxy the left-most one is the client (a machine inside the proxies' network); with no
    // usable entry, the peer. Several X-Forwarded-For lines must be joined with "," in order.
    QString clientAddress(const QString &peer, const QByteArray &forwardedFor) const;

    // Loopback (127.0.0.0/8, ::1, ::ffff:127.x) always passes so the admin on the appliance cannot
    // be locked out; otherwise the address must be in an allowed range. Unparsable → refused.
    bool allows(const QString &clientAddress) const;

private:
    bool isTrustedProxy(const IpRange::Address &address) const;

    QList<IpRange> m_allowed;
    QList<IpRange> m_trustedProxies;
};

} // namespace caiwu
