// IpAllowList: which client addresses the API server lets in when the IP rule is on.
#include "auth/IpAllowList.h"

#include <QTest>

using namespace caiwu;

namespace {

QList<IpRange> ranges(const QStringList &texts)
{
    QList<IpRange> out;
    for (const QString &text : texts) {
        auto range = IpRange::parse(text);
        if (!range)
            qFatal("test range %s does not parse: %s", qPrintable(text), qPrintable(range.error().message));
        out.append(*range);
    }
    return out;
}

IpRange range(const QString &text)
{
    return ranges({text}).first();
}

} // namespace

class TestIpAllowList : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void parseValid_data();
    void parseValid();
    void parseInvalid_data();
    void parseInvalid();
    void hostBitsAreRefusedWithTheNetworkSuggested();
    void contains_data();
    void contains();
    void allows_data();
    void allows();
    void clientAddress_data();
    void clientAddress();
};

void TestIpAllowList::parseValid_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("canonical");

    QTest::newRow("v4 single") << "192.168.1.10" << "192.168.1.10";
    QTest::newRow("v4 /32 drops the prefix") << "192.168.1.10/32" << "192.168.1.10";
    QTest::newRow("v4 /24") << "192.168.1.0/24" << "192.168.1.0/24";
    QTest::newRow("v4 /8") << "10.0.0.0/8" << "10.0.0.0/8";
    QTest::newRow("v4 /0") << "0.0.0.0/0" << "0.0.0.0/0";
    QTest::newRow("spaces trimmed") << "  10.0.0.0/8\t" << "10.0.0.0/8";
    QTest::newRow("v6 single") << "2001:db8::1" << "2001:db8::1";
    QTest::newRow("v6 full form") << "0:0:0:0:0:0:0:1" << "::1";
    QTest::newRow("v6 upper case") << "2001:DB8::ABCD" << "2001:db8::abcd";
    QTest::newRow("v6 leading zeros in groups") << "2001:0db8:0000:0000:0000:0000:0000:0001" << "2001:db8::1";
    QTest::newRow("v6 /128 drops the prefix") << "2001:db8::1/128" << "2001:db8::1";
    QTest::newRow("v6 /32") << "2001:db8::/32" << "2001:db8::/32";
    QTest::newRow("v6 /64") << "2001:db8:1:2::/64" << "2001:db8:1:2::/64";
    QTest::newRow("v6 /0") << "::/0" << "::/0";
    QTest::newRow("v6 single zero group not compressed") << "2001:db8:0:1:1:1:1:1" << "2001:db8:0:1:1:1:1:1";
    QTest::newRow("v6 longest zero run compressed") << "2001:0:0:1:0:0:0:1" << "2001:0:0:1::1";
    QTest::newRow("v6 first of equal runs compressed") << "2001:db8:0:0:1:0:0:1" << "2001:db8::1:0:0:1";
    QTest::newRow("v4-mapped single") << "::ffff:192.168.1.10" << "192.168.1.10";
    QTest::newRow("v4-mapped upper case") << "::FFFF:192.168.1.10" << "192.168.1.10";
    QTest::newRow("v4-mapped range") << "::ffff:10.0.0.0/104" << "10.0.0.0/8";
    QTest::newRow("v4-mapped hex form") << "::ffff:c0a8:10a" << "192.168.1.10";
}

void TestIpAllowList::parseValid()
{
    QFETCH(QString, text);
    QFETCH(QString, canonical);
    const auto parsed = IpRange::parse(text);
    QVERIFY2(parsed.ok(), parsed.ok() ? "" : qPrintable(parsed.error().message));
    QCOMPARE(parsed->toString(), canonical);
    // The canonical form reads back as itself.
    const auto again = IpRange::parse(canonical);
    QVERIFY(again.ok());
    QCOMPARE(again->toString(), canonical);
}

void TestIpAllowList::parseInvalid_data()
{
    QTest::addColumn<QString>("text");

    QTest::newRow("empty") << "";
    QTest::newRow("spaces") << "   ";
    QTest::newRow("three octets") << "1.2.3";
    QTest::newRow("five octets") << "1.2.3.4.5";
    QTest::newRow("octet over 255") << "1.2.3.256";
    QTest::newRow("v4 /33") << "1.2.3.4/33";
    QTest::newRow("v6 /129") << "::1/129";
    QTest::newRow("negative prefix") << "1.2.3.4/-1";
    QTest::newRow("plus prefix") << "1.2.3.4/+8";
    QTest::newRow("empty prefix") << "1.2.3.4/";
    QTest::newRow("prefix only") << "/8";
    QTest::newRow("two prefixes") << "10.0.0.0/8/8";
    QTest::newRow("prefix with leading zero") << "10.0.0.0/08";
    QTest::newRow("prefix with space") << "10.0.0.0/ 8";
    QTest::newRow("host name") << "host.name";
    QTest::newRow("localhost") << "localhost";
    QTest::newRow("inner space") << "1.2.3.4 5";
    QTest::newRow("two addresses") << "1.2.3.4,5.6.7.8";
    QTest::newRow("leading zeros") << "192.168.001.010";
    QTest::newRow("one leading zero") << "10.0.0.01";
    QTest::newRow("leading zeros in mapped") << "::ffff:192.168.001.010";
    QTest::newRow("two double colons") << "1::2::3";
    QTest::newRow("v6 group too long") << "2001:db8::12345";
    QTest::newRow("zone id") << "fe80::1%eth0";
    QTest::newRow("brackets") << "[2001:db8::1]";
    QTest::newRow("with port") << "1.2.3.4:80";
    QTest::newRow("embedded NUL") << QStringLiteral("1.2.3.4") + QChar(0) + QStringLiteral("garbage");
    QTest::newRow("full-width digits") << QStringLiteral("\uFF11.2.3.4");
    QTest::newRow("mapped prefix over 32 as v4") << "::ffff:10.0.0.0/129";
}

void TestIpAllowList::parseInvalid()
{
    QFETCH(QString, text);
    const auto parsed = IpRange::parse(text);
    QVERIFY2(!parsed.ok(), qPrintable(parsed.ok() ? parsed->toString() : QString()));
    QCOMPARE(parsed.error().status, 400);
    QCOMPARE(parsed.error().code, QByteArray("VALIDATION_ERROR"));
    QVERIFY2(parsed.error().message.contains(QLatin1Char('"') + text + QLatin1Char('"')), qPrintable(parsed.error().message));
    QVERIFY(parsed.error().message.contains(QLatin1String("0 to 32 for IPv4")));
}

// Decision: refuse, not normalise — "10.0.0.5/8" may mean the whole network or the one machine.
void TestIpAllowList::hostBitsAreRefusedWithTheNetworkSuggested()
{
    struct Case {
        const char *text, *network, *single;
    };
    const Case cases[] = {
        {"10.0.0.5/8", "10.0.0.0/8", "10.0.0.5"},
        {"192.168.1.1/24", "192.168.1.0/24", "192.168.1.1"},
        {"192.168.1.1/31", "192.168.1.0/31", "192.168.1.1"},
        {"2001:db8::1/32", "2001:db8::/32", "2001:db8::1"},
        {"::ffff:10.0.0.5/104", "10.0.0.0/8", "10.0.0.5"},
        {"1.2.3.4/0", "0.0.0.0/0", "1.2.3.4"},
    };
    for (const Case &c : cases) {
        const auto parsed = IpRange::parse(QString::fromLatin1(c.text));
        QVERIFY2(!parsed.ok(), c.text);
        QCOMPARE(parsed.error().code, QByteArray("VALIDATION_ERROR"));
        const QString message = parsed.error().message;
        QVERIFY2(message.contains(QLatin1String(c.text)), qPrintable(message));
        QVERIFY2(message.contains(QLatin1String("Write %1 for the whole range").arg(QLatin1String(c.network))), qPrintable(message));
        QVERIFY2(message.contains(QLatin1String("or %1 for the single address").arg(QLatin1String(c.single))), qPrintable(message));
        QCOMPARE(parsed.error().details.value(QStringLiteral("suggestion")).toString(), QString::fromLatin1(c.network));
    }
}

void TestIpAllowList::contains_data()
{
    QTest::addColumn<QString>("range");
    QTest::addColumn<QString>("address");
    QTest::addColumn<bool>("expected");

    QTest::newRow("/8 first") << "10.0.0.0/8" << "10.0.0.0" << true;
    QTest::newRow("/8 last") << "10.0.0.0/8" << "10.255.255.255" << true;
    QTest::newRow("/8 below") << "10.0.0.0/8" << "9.255.255.255" << false;
    QTest::newRow("/8 above") << "10.0.0.0/8" << "11.0.0.0" << false;
    QTest::newRow("/24 first") << "192.168.1.0/24" << "192.168.1.0" << true;
    QTest::newRow("/24 last") << "192.168.1.0/24" << "192.168.1.255" << true;
    QTest::newRow("/24 below") << "192.168.1.0/24" << "192.168.0.255" << false;
    QTest::newRow("/24 above") << "192.168.1.0/24" << "192.168.2.0" << false;
    QTest::newRow("/31 first") << "192.168.1.2/31" << "192.168.1.2" << true;
    QTest::newRow("/31 second") << "192.168.1.2/31" << "192.168.1.3" << true;
    QTest::newRow("/31 below") << "192.168.1.2/31" << "192.168.1.1" << false;
    QTest::newRow("/31 above") << "192.168.1.2/31" << "192.168.1.4" << false;
    QTest::newRow("/32 itself") << "192.168.1.10" << "192.168.1.10" << true;
    QTest::newRow("/32 neighbour") << "192.168.1.10" << "192.168.1.11" << false;
    QTest::newRow("/32 not a string prefix") << "192.168.1.1" << "192.168.1.10" << false;
    QTest::newRow("/0 any v4") << "0.0.0.0/0" << "203.0.113.7" << true;
    QTest::newRow("/0 v4 excludes v6") << "0.0.0.0/0" << "2001:db8::1" << false;
    QTest::newRow("/0 v4 has v4-mapped") << "0.0.0.0/0" << "::ffff:203.0.113.7" << true;
    QTest::newRow("address spaces trimmed") << "10.0.0.0/8" << " 10.1.2.3 " << true;
    QTest::newRow("address with leading zeros") << "10.0.0.0/8" << "10.001.2.3" << false;
    QTest::newRow("garbage address") << "0.0.0.0/0" << "unknown" << false;
    QTest::newRow("empty address") << "0.0.0.0/0" << "" << false;

    QTest::newRow("v6 /32 first") << "2001:db8::/32" << "2001:db8::" << true;
    QTest::newRow("v6 /32 last") << "2001:db8::/32" << "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff" << true;
    QTest::newRow("v6 /32 below") << "2001:db8::/32" << "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff" << false;
    QTest::newRow("v6 /32 above") << "2001:db8::/32" << "2001:db9::" << false;
    QTest::newRow("v6 /64 inside") << "2001:db8:1:2::/64" << "2001:db8:1:2:ffff:ffff:ffff:ffff" << true;
    QTest::newRow("v6 /64 outside") << "2001:db8:1:2::/64" << "2001:db8:1:3::" << false;
    QTest::newRow("v6 /128 other spelling") << "::1" << "0:0:0:0:0:0:0:1" << true;
    QTest::newRow("v6 /128 hex case") << "2001:db8::abcd" << "2001:DB8::ABCD" << true;
    QTest::newRow("v6 /128 neighbour") << "2001:db8::1" << "2001:db8::2" << false;
    QTest::newRow("v6 zone id ignored") << "fe80::/10" << "fe80::1%eth0" << true;
    QTest::newRow("v6 /0 any v6") << "::/0" << "2001:db8::1" << true;
    // A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d, which ::/0 covers too.
    QTest::newRow("v6 /0 v4 peer") << "::/0" << "203.0.113.7" << true;

    QTest::newRow("mapped peer in v4 range") << "192.168.1.0/24" << "::ffff:192.168.1.20" << true;
    QTest::newRow("mapped peer outside v4 range") << "192.168.1.0/24" << "::ffff:192.168.2.20" << false;
    QTest::newRow("mapped peer hex form") << "192.168.1.0/24" << "::ffff:c0a8:114" << true;
    QTest::newRow("v4 peer in mapped range") << "::ffff:192.168.1.0/120" << "192.168.1.20" << true;
    QTest::newRow("v4 peer outside mapped range") << "::ffff:192.168.1.0/120" << "192.168.2.20" << false;
    QTest::newRow("v4 peer not in v6-only /32") << "2001:db8::/32" << "192.168.1.20" << false;
    QTest::newRow("mapped peer not in v6-only /32") << "2001:db8::/32" << "::ffff:192.168.1.20" << false;
    QTest::newRow("v4-compatible is not v4") << "1.2.3.4" << "::1.2.3.4" << false;
}

void TestIpAllowList::contains()
{
    QFETCH(QString, range);
    QFETCH(QString, address);
    QFETCH(bool, expected);
    QCOMPARE(::range(range).contains(address), expected);
}

void TestIpAllowList::allows_data()
{
    QTest::addColumn<QStringList>("allowed");
    QTest::addColumn<QString>("client");
    QTest::addColumn<bool>("expected");

    const QStringList none;
    const QStringList office = {"192.168.1.0/24", "203.0.113.7", "2001:db8:1::/48"};

    QTest::newRow("empty list: loopback v4") << none << "127.0.0.1" << true;
    QTest::newRow("empty list: loopback 127/8") << none << "127.255.0.1" << true;
    QTest::newRow("empty list: loopback v6") << none << "::1" << true;
    QTest::newRow("empty list: loopback v6 long") << none << "0:0:0:0:0:0:0:1" << true;
    QTest::newRow("empty list: loopback mapped") << none << "::ffff:127.0.0.1" << true;
    QTest::newRow("empty list: LAN refused") << none << "192.168.1.20" << false;
    QTest::newRow("empty list: v6 refused") << none << "2001:db8:1::5" << false;
    QTest::newRow("empty list: unspecified refused") << none << "0.0.0.0" << false;
    QTest::newRow("empty list: :: refused") << none << "::" << false;
    QTest::newRow("empty list: ::2 refused") << none << "::2" << false;
    QTest::newRow("empty list: 128.0.0.1 refused") << none << "128.0.0.1" << false;
    QTest::newRow("empty list: garbage refused") << none << "localhost" << false;
    QTest::newRow("empty list: empty refused") << none << "" << false;

    QTest::newRow("office: loopback") << office << "127.0.0.1" << true;
    QTest::newRow("office: LAN") << office << "192.168.1.20" << true;
    QTest::newRow("office: LAN mapped") << office << "::ffff:192.168.1.20" << true;
    QTest::newRow("office: other LAN") << office << "192.168.2.20" << false;
    QTest::newRow("office: single address") << office << "203.0.113.7" << true;
    QTest::newRow("office: next to single") << office << "203.0.113.8" << false;
    QTest::newRow("office: v6 range") << office << "2001:db8:1:ffff::1" << true;
    QTest::newRow("office: v6 outside") << office << "2001:db8:2::1" << false;
    QTest::newRow("office: leading zeros not equal") << office << "203.0.113.007" << false;
}

void TestIpAllowList::allows()
{
    QFETCH(QStringList, allowed);
    QFETCH(QString, client);
    QFETCH(bool, expected);
    const IpAllowList list(ranges(allowed), {});
    QCOMPARE(list.allows(client), expected);
}

void TestIpAllowList::clientAddress_data()
{
    QTest::addColumn<QStringList>("proxies");
    QTest::addColumn<QString>("peer");
    QTest::addColumn<QByteArray>("forwardedFor");
    QTest::addColumn<QString>("expected");

    const QStringList none;
    const QStringList internal = {"10.0.0.0/8"};
    const QStringList two = {"10.0.0.0/8", "2001:db8:ffff::/48"};
    const QStringList local = {"127.0.0.1", "::1"};

    QTest::newRow("no header") << none << "192.168.1.20" << QByteArray() << "192.168.1.20";
    QTest::newRow("untrusted peer, forged header") << none << "192.168.1.20" << QByteArray("127.0.0.1") << "192.168.1.20";
    QTest::newRow("untrusted peer with proxies configured")
        << internal << "192.168.1.20" << QByteArray("10.0.0.5, 127.0.0.1") << "192.168.1.20";
    QTest::newRow("peer canonicalised") << none << "::ffff:192.168.1.20" << QByteArray() << "192.168.1.20";
    QTest::newRow("unparsable peer kept") << internal << "garbage" << QByteArray("1.1.1.1") << "garbage";

    QTest::newRow("trusted proxy, empty header") << internal << "10.0.0.1" << QByteArray() << "10.0.0.1";
    QTest::newRow("trusted proxy, one client") << internal << "10.0.0.1" << QByteArray("1.1.1.1") << "1.1.1.1";
    QTest::newRow("right-most untrusted") << internal << "10.0.0.1" << QByteArray("1.1.1.1, 10.0.0.2") << "1.1.1.1";
    QTest::newRow("forged left entries ignored")
        << internal << "10.0.0.1" << QByteArray("127.0.0.1, 2.2.2.2, 1.1.1.1, 10.0.0.2") << "1.1.1.1";
    QTest::newRow("chain of proxies")
        << internal << "10.0.0.1" << QByteArray("1.1.1.1, 10.0.0.4, 10.0.0.3, 10.0.0.2") << "1.1.1.1";
    QTest::newRow("all proxies: left-most") << internal << "10.0.0.1" << QByteArray("10.0.0.3, 10.0.0.2") << "10.0.0.3";
    QTest::newRow("garbage skipped")
        << internal << "10.0.0.1" << QByteArray("1.1.1.1, unknown, , 10.0.0.2, _hidden") << "1.1.1.1";
    QTest::newRow("only garbage: the peer") << internal << "10.0.0.1" << QByteArray("unknown, ,") << "10.0.0.1";
    QTest::newRow("leading zeros are garbage")
        << internal << "10.0.0.1" << QByteArray("1.1.1.1, 010.0.0.2") << "1.1.1.1";
    QTest::newRow("no spaces") << internal << "10.0.0.1" << QByteArray("1.1.1.1,10.0.0.2") << "1.1.1.1";
    QTest::newRow("many spaces and tabs")
        << internal << "10.0.0.1" << QByteArray("  1.1.1.1 ,\t10.0.0.2  ") << "1.1.1.1";
    QTest::newRow("v6 client") << internal << "10.0.0.1" << QByteArray("2001:DB8:1::0005, 10.0.0.2") << "2001:db8:1::5";
    QTest::newRow("v6 client in brackets with port")
        << internal << "10.0.0.1" << QByteArray("[2001:db8:1::5]:443") << "2001:db8:1::5";
    QTest::newRow("v4 client with port") << internal << "10.0.0.1" << QByteArray("1.1.1.1:5678") << "1.1.1.1";
    QTest::newRow("v6 proxies in chain")
        << two << "2001:db8:ffff::1" << QByteArray("1.1.1.1, 2001:db8:ffff::2, 10.0.0.2") << "1.1.1.1";
    QTest::newRow("mapped peer is trusted") << internal << "::ffff:10.0.0.1" << QByteArray("1.1.1.1") << "1.1.1.1";
    QTest::newRow("mapped entry canonicalised") << internal << "10.0.0.1" << QByteArray("::ffff:1.1.1.1") << "1.1.1.1";
    // A local reverse proxy: the loopback bypass must then not let every remote client in.
    QTest::newRow("local proxy forwards remote client")
        << local << "127.0.0.1" << QByteArray("203.0.113.9") << "203.0.113.9";
    QTest::newRow("local proxy, forged loopback on the left")
        << local << "::1" << QByteArray("127.0.0.1, 203.0.113.9") << "203.0.113.9";
}

void TestIpAllowList::clientAddress()
{
    QFETCH(QStringList, proxies);
    QFETCH(QString, peer);
    QFETCH(QByteArray, forwardedFor);
    QFETCH(QString, expected);
    const IpAllowList list({}, ranges(proxies));
    const QString client = list.clientAddress(peer, forwardedFor);
    QCOMPARE(client, expected);
    // A forwarded remote client through a local proxy is judged as itself, not as loopback.
    if (proxies == QStringList{"127.0.0.1", "::1"})
        QVERIFY(!list.allows(client));
}

QTEST_APPLESS_MAIN(TestIpAllowList)
#include "tst_ip_allow_list.moc"
