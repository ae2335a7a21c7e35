#include "IpAllowList.h"

#include <QJsonObject>

#include <arpa/inet.h>

#include <optional>

namespace caiwu {

namespace {

using Address = IpRange::Address;

struct Parsed {
    Address address{};
    bool ipv4 = false; // typed as IPv4 or IPv4-mapped IPv6
};

bool isMapped(const Address &a)
{
    for (int i = 0; i < 10; ++i)
        if (a[i] != 0)
            return false;
    return a[10] == 0xff && a[11] == 0xff;
}

// inet_pton keeps auth QtCore-only. Characters are checked first: toLatin1 would turn other
// characters into '?' and an embedded NUL would cut the text short.
std::optional<Parsed> parseAddress(QStringView text)
{
    if (text.isEmpty() || text.size() > 45)
        return std::nullopt;
    bool hasColon = false;
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        const bool hex = (u >= '0' && u <= '9') || (u >= 'a' && u <= 'f') || (u >= 'A' && u <= 'F');
        if (!hex && u != '.' && u != ':')
            return std::nullopt;
        hasColon = hasColon || u == ':';
    }
    const QByteArray ascii = text.toLatin1();
    Parsed parsed;
    if (!hasColon) {
        unsigned char v4[4];
        if (inet_pton(AF_INET, ascii.constData(), v4) != 1)
            return std::nullopt;
        parsed.address[10] = parsed.address[11] = 0xff;
        for (int i = 0; i < 4; ++i)
            parsed.address[12 + i] = v4[i];
        parsed.ipv4 = true;
        return parsed;
    }
    if (inet_pton(AF_INET6, ascii.constData(), parsed.address.data()) != 1)
        return std::nullopt;
    parsed.ipv4 = isMapped(parsed.address);
    return parsed;
}

// An address as a peer or a proxy reports it: spaces trimmed, "%zone" dropped, and in
// X-Forwarded-For also "[v6]", "[v6]:port" and "v4:port", which some proxies write.
std::optional<Parsed> parseReportedAddress(QStringView text)
{
    text = text.trimmed();
    auto isPort = [](QStringView port) {
        if (port.isEmpty() || port.size() > 5)
            return false;
        for (const QChar c : port)
            if (c.unicode() < '0' || c.unicode() > '9')
                return false;
        return true;
    };
    if (text.startsWith(u'[')) {
        const qsizetype close = text.indexOf(u']');
        if (close < 0)
            return std::nullopt;
        const QStringView rest = text.mid(close + 1);
        if (!rest.isEmpty() && !(rest.startsWith(u':') && isPort(rest.mid(1))))
            return std::nullopt;
        text = text.mid(1, close - 1);
    } else if (text.count(u':') == 1 && text.contains(u'.')) {
        const qsizetype colon = text.indexOf(u':');
        if (!isPort(text.mid(colon + 1)))
            return std::nullopt;
        text = text.left(colon);
    }
    const qsizetype zone = text.indexOf(u'%');
    if (zone > 0)
        text = text.left(zone);
    return parseAddress(text);
}

QString formatAddress(const Address &a, bool ipv4)
{
    if (ipv4)
        return QStringLiteral("%1.%2.%3.%4").arg(a[12]).arg(a[13]).arg(a[14]).arg(a[15]);
    // RFC 5952: lower-case hex, no leading zeros, the longest run (≥ 2) of zero groups as "::",
    // the first one on a tie.
    quint16 words[8];
    for (int i = 0; i < 8; ++i)
        words[i] = quint16((a[2 * i] << 8) | a[2 * i + 1]);
    int bestStart = -1, bestLength = 0;
    for (int i = 0; i < 8;) {
        if (words[i] != 0) {
            ++i;
            continue;
        }
        int j = i;
        while (j < 8 && words[j] == 0)
            ++j;
        if (j - i > bestLength && j - i >= 2) {
            bestStart = i;
            bestLength = j - i;
        }
        i = j;
    }
    QString out;
    for (int i = 0; i < 8; ++i) {
        if (i == bestStart) {
            out += QLatin1String("::");
            i += bestLength - 1;
            continue;
        }
        if (!out.isEmpty() && !out.endsWith(u':'))
            out += u':';
        out += QString::number(words[i], 16);
    }
    return out;
}

bool hostBitsClear(const Address &a, int prefix)
{
    for (int bit = prefix; bit < 128; ++bit)
        if (a[bit / 8] & (0x80 >> (bit % 8)))
            return false;
    return true;
}

Address maskTo(Address a, int prefix)
{
    for (int bit = prefix; bit < 128; ++bit)
        a[bit / 8] &= std::uint8_t(~(0x80 >> (bit % 8)));
    return a;
}

bool isLoopback(const Parsed &p)
{
    if (p.ipv4)
        return p.address[12] == 127;
    for (int i = 0; i < 15; ++i)
        if (p.address[i] != 0)
            return false;
    return p.address[15] == 1;
}

AppError invalidEntry(const QString &text)
{
    return AppError::validation(
        QStringLiteral("\"%1\" is not an IP address or range. Use an IPv4 address such as 192.168.1.10 "
                       "(numbers without leading zeros) or an IPv6 address such as 2001:db8::1, optionally "
                       "followed by /prefix: 0 to 32 for IPv4, 0 to 128 for IPv6.")
            .arg(text),
        QJsonObject{{QStringLiteral("value"), text}});
}

} // namespace

Result<IpRange> IpRange::parse(const QString &text)
{
    const QStringView trimmed = QStringView(text).trimmed();
    const qsizetype slash = trimmed.indexOf(u'/');
    const QStringView addressText = slash < 0 ? trimmed : trimmed.left(slash);
    const auto parsed = parseAddress(addressText);
    if (!parsed)
        return invalidEntry(text);

    const int maximum = addressText.contains(u':') ? 128 : 32;
    int prefix = maximum;
    if (slash >= 0) {
        const QStringView prefixText = trimmed.mid(slash + 1);
        // Plain decimal only: no sign, no spaces, no leading zeros ("/08").
        if (prefixText.isEmpty() || prefixText.size() > 3 || (prefixText.size() > 1 && prefixText[0] == u'0'))
            return invalidEntry(text);
        prefix = 0;
        for (const QChar c : prefixText) {
            if (c.unicode() < '0' || c.unicode() > '9')
                return invalidEntry(text);
            prefix = prefix * 10 + (c.unicode() - '0');
        }
        if (prefix > maximum)
            return invalidEntry(text);
    }
    // Stored over 128 bits: a typed IPv4 prefix counts from the ::ffff:0:0/96 block.
    const int prefix128 = maximum == 32 ? prefix + 96 : prefix;
    if (!hostBitsClear(parsed->address, prefix128)) {
        // Refused rather than normalised: "10.0.0.5/8" may mean the network or the one address.
        const IpRange network(maskTo(parsed->address, prefix128), prefix128, parsed->ipv4 && prefix128 >= 96);
        const IpRange single(parsed->address, 128, parsed->ipv4);
        return AppError::validation(
            QStringLiteral("\"%1\" has bits set beyond its /%2 prefix. Write %3 for the whole range, or %4 for the "
                           "single address.")
                .arg(text.trimmed())
                .arg(prefix)
                .arg(network.toString(), single.toString()),
            QJsonObject{{QStringLiteral("value"), text}, {QStringLiteral("suggestion"), network.toString()}});
    }
    // Any prefix that keeps the ::ffff: bits is an IPv4 range; host bits are clear, so a mapped
    // address always has prefix ≥ 96 here.
    return IpRange(parsed->address, prefix128, parsed->ipv4 && prefix128 >= 96);
}

bool IpRange::containsAddress(const Address &address) const
{
    const int fullBytes = m_prefix / 8;
    for (int i = 0; i < fullBytes; ++i)
        if (address[i] != m_address[i])
            return false;
    const int restBits = m_prefix % 8;
    if (restBits == 0)
        return true;
    const std::uint8_t mask = std::uint8_t(0xff << (8 - restBits));
    return (address[fullBytes] & mask) == (m_address[fullBytes] & mask);
}

bool IpRange::contains(const QString &address) const
{
    const auto parsed = parseReportedAddress(address);
    return parsed && containsAddress(parsed->address);
}

QString IpRange::toString() const
{
    const QString address = formatAddress(m_address, m_ipv4);
    if (m_prefix == 128)
        return address;
    return QStringLiteral("%1/%2").arg(address).arg(m_ipv4 ? m_prefix - 96 : m_prefix);
}

IpAllowList::IpAllowList(QList<IpRange> allowed, QList<IpRange> trustedProxies)
    : m_allowed(std::move(allowed)), m_trustedProxies(std::move(trustedProxies))
{
}

bool IpAllowList::isTrustedProxy(const IpRange::Address &address) const
{
    for (const IpRange &proxy : m_trustedProxies)
        if (proxy.containsAddress(address))
            return true;
    return false;
}

QString IpAllowList::clientAddress(const QString &peer, const QByteArray &forwardedFor) const
{
    const auto peerAddress = parseReportedAddress(peer);
    if (!peerAddress)
        return peer.trimmed();
    const QString peerText = formatAddress(peerAddress->address, peerAddress->ipv4);
    if (!isTrustedProxy(peerAddress->address))
        return peerText;

    std::optional<Parsed> leftMost;
    const QList<QByteArray> entries = forwardedFor.split(',');
    for (qsizetype i = entries.size() - 1; i >= 0; --i) {
        const auto entry = parseReportedAddress(QString::fromLatin1(entries[i]));
        if (!entry)
            continue; // garbage ("unknown", obfuscated ids, typos): not evidence of anything
        if (!isTrustedProxy(entry->address))
            return formatAddress(entry->address, entry->ipv4);
        leftMost = entry;
    }
    return leftMost ? formatAddress(leftMost->address, leftMost->ipv4) : peerText;
}

bool IpAllowList::allows(const QString &clientAddress) const
{
    const auto parsed = parseReportedAddress(clientAddress);
    if (!parsed)
        return false;
    if (isLoopback(*parsed))
        return true;
    for (const IpRange &range : m_allowed)
        if (range.containsAddress(parsed->address))
            return true;
    return false;
}

} // namespace caiwu
