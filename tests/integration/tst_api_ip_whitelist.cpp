// The IP allow list (/api/ip-whitelist) and the gate that enforces it, with LAN clients
// simulated through X-Forwarded-For from a trusted loopback proxy.
#include "support/ApiClient.h"
#include "support/TestServer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

namespace {

using Headers = QList<QPair<QByteArray, QByteArray>>;

Headers from(const QByteArray &address)
{
    return address.isEmpty() ? Headers{} : Headers{{"X-Forwarded-For", address}};
}

QJsonArray arrayOf(const HttpReply &reply) { return QJsonDocument::fromJson(reply.body).array(); }

const QByteArray Desk = "192.168.1.10";        // listed on its own
const QByteArray LabMachine = "10.20.3.4";     // inside 10.20.0.0/16
const QByteArray V6Member = "2001:db8:1::7";   // inside 2001:db8:1::/48
const QByteArray V6Outsider = "2001:db8:2::7";
const QByteArray Stranger = "203.0.113.9";

} // namespace

class ApiIpWhitelistTest : public QObject {
    Q_OBJECT

private:
    TestServer m_server;
    ApiClient m_admin{0};
    ApiClient m_viewer{0}; // system.config.view only

    // A request of the administrator from `address` ("" is the appliance itself, loopback).
    HttpReply admin(const QByteArray &method, const QByteArray &path, const QByteArray &address = {}, const QJsonObject &body = {})
    {
        return m_admin.call(method, path, body, from(address));
    }
    HttpReply anonymous(const QByteArray &path, const QByteArray &address)
    {
        return httpRequest(m_server.port(), "GET", path, {}, from(address));
    }
    QString idOf(const QString &ipAddress)
    {
        for (const QJsonValue &e : arrayOf(admin("GET", "/api/ip-whitelist")))
            if (e.toObject().value(QStringLiteral("ipAddress")).toString() == ipAddress)
                return e.toObject().value(QStringLiteral("id")).toString();
        return {};
    }
    QJsonObject add(const QString &ipAddress)
    {
        return admin("POST", "/api/ip-whitelist", {}, QJsonObject{{QStringLiteral("ipAddress"), ipAddress}}).json();
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_server.setEnv(QStringLiteral("CAIWU_HTTP_TRUSTED_PROXIES"), QStringLiteral("127.0.0.1"));
        QVERIFY2(m_server.startCaiwu(), m_server.output().constData());
        m_admin = signInAdmin(m_server);
        QVERIFY(!m_admin.token().isEmpty());
        const QString position = addPosition(m_server, QStringLiteral("config_viewer"), 1, QStringLiteral("all"),
                                             permissionMatrix(QStringLiteral("system"), QStringLiteral("config"), {QStringLiteral("view")}));
        m_viewer = signInStaff(m_server, {QStringLiteral("viewer@office.test"), QStringLiteral("viewer-password-1"), position, {},
                                          {}, {}, true});
        QVERIFY(!m_viewer.token().isEmpty());
    }

    void cleanupTestCase()
    {
        m_server.signal(SIGTERM);
        QCOMPARE(m_server.waitForExit(), 0);
    }

    void everyRouteNeedsATokenAndConfigUpdate_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("target");
        QTest::newRow("list") << QByteArray("GET") << QByteArray("/api/ip-whitelist");
        QTest::newRow("add") << QByteArray("POST") << QByteArray("/api/ip-whitelist");
        QTest::newRow("batch add") << QByteArray("POST") << QByteArray("/api/ip-whitelist/batch");
        QTest::newRow("batch delete") << QByteArray("DELETE") << QByteArray("/api/ip-whitelist/batch");
        QTest::newRow("sync") << QByteArray("POST") << QByteArray("/api/ip-whitelist/sync");
        QTest::newRow("delete") << QByteArray("DELETE") << QByteArray("/api/ip-whitelist/x");
        QTest::newRow("rule") << QByteArray("GET") << QByteArray("/api/ip-whitelist/rule");
        QTest::newRow("toggle") << QByteArray("POST") << QByteArray("/api/ip-whitelist/rule/toggle");
    }
    void everyRouteNeedsATokenAndConfigUpdate()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, target);
        const QJsonObject body{{QStringLiteral("enabled"), true}};
        QCOMPARE(ApiClient(m_server.port()).call(method, target, body).status, 401);

        // Reading the settings is not enough, even to read the list (as the reference).
        const HttpReply reply = m_viewer.call(method, target, body);
        QCOMPARE(reply.status, 403);
        QCOMPARE(reply.json().value(QStringLiteral("code")).toString(), QStringLiteral("FORBIDDEN"));
    }

    void addListAndRemoveOneEntry()
    {
        const HttpReply added = admin("POST", "/api/ip-whitelist", {},
                                      QJsonObject{{QStringLiteral("ipAddress"), QStringLiteral(" 192.168.1.10 ")},
                                                  {QStringLiteral("description"), QStringLiteral("前台")}});
        QCOMPARE(added.status, 200);
        const QJsonObject entry = added.json();
        QCOMPARE(entry.value(QStringLiteral("ipAddress")).toString(), QStringLiteral("192.168.1.10"));
        QCOMPARE(entry.value(QStringLiteral("description")).toString(), QStringLiteral("前台"));
        QVERIFY(entry.contains(QStringLiteral("cloudflareRuleId")) && entry.value(QStringLiteral("cloudflareRuleId")).isNull());
        QVERIFY(entry.value(QStringLiteral("createdAt")).toDouble() > 0);
        QCOMPARE(entry.value(QStringLiteral("updatedAt")), entry.value(QStringLiteral("createdAt")));

        const HttpReply list = admin("GET", "/api/ip-whitelist");
        QCOMPARE(list.status, 200);
        QVERIFY(QJsonDocument::fromJson(list.body).isArray()); // a bare array, as the reference
        QVERIFY(arrayOf(list).contains(entry));

        // Canonical forms: IPv6 in lower case and shortest form, ranges by their network.
        QCOMPARE(add(QStringLiteral("2001:DB8:1:0::/48")).value(QStringLiteral("ipAddress")).toString(), QStringLiteral("2001:db8:1::/48"));
        QCOMPARE(add(QStringLiteral("10.20.0.0/16")).value(QStringLiteral("ipAddress")).toString(), QStringLiteral("10.20.0.0/16"));

        const QString temporary = add(QStringLiteral("172.16.5.5")).value(QStringLiteral("id")).toString();
        const HttpReply removed = admin("DELETE", "/api/ip-whitelist/" + temporary.toUtf8());
        QCOMPARE(removed.status, 200);
        QCOMPARE(removed.json(), (QJsonObject{{QStringLiteral("ok"), true}}));
        QCOMPARE(admin("DELETE", "/api/ip-whitelist/" + temporary.toUtf8()).status, 404);
        QVERIFY(idOf(QStringLiteral("172.16.5.5")).isEmpty());
    }

    void badOrRepeatedAddressesAreRefused_data()
    {
        QTest::addColumn<QJsonValue>("address");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        QTest::newRow("listed") << QJsonValue(QStringLiteral("192.168.1.10")) << 409 << QStringLiteral("DUPLICATE");
        QTest::newRow("listed, other spelling") << QJsonValue(QStringLiteral("2001:db8:1:0:0::/48")) << 409 << QStringLiteral("DUPLICATE");
        QTest::newRow("leading zeros") << QJsonValue(QStringLiteral("192.168.001.010")) << 400 << QStringLiteral("VALIDATION_ERROR");
        QTest::newRow("host bits") << QJsonValue(QStringLiteral("10.0.0.5/8")) << 400 << QStringLiteral("VALIDATION_ERROR");
        QTest::newRow("prefix") << QJsonValue(QStringLiteral("10.0.0.0/33")) << 400 << QStringLiteral("VALIDATION_ERROR");
        QTest::newRow("name") << QJsonValue(QStringLiteral("office-pc")) << 400 << QStringLiteral("VALIDATION_ERROR");
        QTest::newRow("missing") << QJsonValue(QJsonValue::Undefined) << 400 << QStringLiteral("VALIDATION_ERROR");
        QTest::newRow("number") << QJsonValue(42) << 400 << QStringLiteral("VALIDATION_ERROR");
    }
    void badOrRepeatedAddressesAreRefused()
    {
        QFETCH(QJsonValue, address);
        QFETCH(int, status);
        QFETCH(QString, code);
        QJsonObject body;
        if (!address.isUndefined())
            body.insert(QStringLiteral("ipAddress"), address);
        const HttpReply reply = admin("POST", "/api/ip-whitelist", {}, body);
        QCOMPARE(reply.status, status);
        QCOMPARE(reply.json().value(QStringLiteral("code")).toString(), code);
        if (status == 400)
            QCOMPARE(reply.json().value(QStringLiteral("details")).toObject().value(QStringLiteral("path")).toString(),
                     QStringLiteral("ipAddress"));
    }

    void aBatchIsAddedWholeOrNotAtAll()
    {
        const int before = int(arrayOf(admin("GET", "/api/ip-whitelist")).size());
        const HttpReply refused = admin("POST", "/api/ip-whitelist/batch", {},
                                        QJsonObject{{QStringLiteral("ips"), QJsonArray{QJsonObject{{QStringLiteral("ip"), QStringLiteral("10.30.0.0/16")}},
                                                                                       QJsonObject{{QStringLiteral("ip"), QStringLiteral("bad")}},
                                                                                       QJsonObject{{QStringLiteral("ip"), QStringLiteral("192.168.1.10")}},
                                                                                       QJsonObject{{QStringLiteral("ip"), QStringLiteral("10.40.0.1")}},
                                                                                       QJsonObject{{QStringLiteral("ip"), QStringLiteral("10.40.0.1")}}}}});
        QCOMPARE(refused.status, 200);
        const QJsonObject outcome = refused.json();
        QCOMPARE(outcome.value(QStringLiteral("success")).toBool(), false);
        QCOMPARE(outcome.value(QStringLiteral("successCount")).toInt(), 0);
        QCOMPARE(outcome.value(QStringLiteral("failedCount")).toInt(), 5);
        QStringList named;
        for (const QJsonValue &e : outcome.value(QStringLiteral("errors")).toArray()) {
            named << e.toObject().value(QStringLiteral("ip")).toString();
            QVERIFY(!e.toObject().value(QStringLiteral("error")).toString().isEmpty());
        }
        named.sort();
        QCOMPARE(named, (QStringList{QStringLiteral("10.40.0.1"), QStringLiteral("192.168.1.10"), QStringLiteral("bad")}));
        QCOMPARE(int(arrayOf(admin("GET", "/api/ip-whitelist")).size()), before);

        const HttpReply accepted = admin("POST", "/api/ip-whitelist/batch", {},
                                         QJsonObject{{QStringLiteral("ips"), QJsonArray{QJsonObject{{QStringLiteral("ip"), QStringLiteral("10.30.0.0/16")},
                                                                                                    {QStringLiteral("description"), QStringLiteral("仓库")}},
                                                                                        QJsonObject{{QStringLiteral("ip"), QStringLiteral("10.40.0.1")}}}}});
        QCOMPARE(accepted.status, 200);
        QCOMPARE(accepted.json(), (QJsonObject{{QStringLiteral("success"), true},
                                               {QStringLiteral("successCount"), 2},
                                               {QStringLiteral("failedCount"), 0}}));
        QCOMPARE(int(arrayOf(admin("GET", "/api/ip-whitelist")).size()), before + 2);
    }

    void batchesAreValidated_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QJsonObject>("body");
        QTest::addColumn<QString>("path");
        QTest::newRow("no ips") << QByteArray("POST") << QJsonObject{} << QStringLiteral("ips");
        QTest::newRow("empty ips") << QByteArray("POST") << QJsonObject{{QStringLiteral("ips"), QJsonArray{}}} << QStringLiteral("ips");
        QTest::newRow("item not object") << QByteArray("POST") << QJsonObject{{QStringLiteral("ips"), QJsonArray{QStringLiteral("1.2.3.4")}}}
                                         << QStringLiteral("ips[0]");
        QTest::newRow("item without ip") << QByteArray("POST")
                                         << QJsonObject{{QStringLiteral("ips"), QJsonArray{QJsonObject{{QStringLiteral("ip"), QStringLiteral("1.2.3.4")}},
                                                                                           QJsonObject{}}}}
                                         << QStringLiteral("ips[1].ip");
        QTest::newRow("no ids") << QByteArray("DELETE") << QJsonObject{{QStringLiteral("ids"), QJsonArray{}}} << QStringLiteral("ids");
        QTest::newRow("id not text") << QByteArray("DELETE") << QJsonObject{{QStringLiteral("ids"), QJsonArray{7}}} << QStringLiteral("ids[0]");
    }
    void batchesAreValidated()
    {
        QFETCH(QByteArray, method);
        QFETCH(QJsonObject, body);
        QFETCH(QString, path);
        const HttpReply reply = admin(method, "/api/ip-whitelist/batch", {}, body.isEmpty() ? QJsonObject{{QStringLiteral("x"), 1}} : body);
        QCOMPARE(reply.status, 400);
        QCOMPARE(reply.json().value(QStringLiteral("code")).toString(), QStringLiteral("VALIDATION_ERROR"));
        QCOMPARE(reply.json().value(QStringLiteral("details")).toObject().value(QStringLiteral("path")).toString(), path);
    }

    void aBatchRemovesWhatExists()
    {
        const QString id = idOf(QStringLiteral("10.40.0.1"));
        QVERIFY(!id.isEmpty());
        const HttpReply reply = admin("DELETE", "/api/ip-whitelist/batch", {},
                                      QJsonObject{{QStringLiteral("ids"), QJsonArray{id, QStringLiteral("no-such-id")}}});
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.json(), (QJsonObject{{QStringLiteral("success"), false},
                                            {QStringLiteral("successCount"), 1},
                                            {QStringLiteral("failedCount"), 1}}));
        QVERIFY(idOf(QStringLiteral("10.40.0.1")).isEmpty());
    }

    void withTheRuleOffEveryonePasses()
    {
        const HttpReply rule = admin("GET", "/api/ip-whitelist/rule");
        QCOMPARE(rule.status, 200);
        QCOMPARE(rule.json(), (QJsonObject{{QStringLiteral("enabled"), false},
                                           {QStringLiteral("ruleId"), QStringLiteral("default")},
                                           {QStringLiteral("rulesetId"), QJsonValue()}}));
        QCOMPARE(anonymous("/", Stranger).status, 200);
        QCOMPARE(admin("GET", "/api/ip-whitelist/rule", Stranger).status, 200);
    }

    void nobodySwitchesTheRuleOnAgainstThemselves()
    {
        const HttpReply reply = admin("POST", "/api/ip-whitelist/rule/toggle", Stranger, QJsonObject{{QStringLiteral("enabled"), true}});
        QCOMPARE(reply.status, 400);
        QCOMPARE(reply.json().value(QStringLiteral("code")).toString(), QStringLiteral("BUSINESS_ERROR"));
        QVERIFY2(reply.json().value(QStringLiteral("error")).toString().contains(QLatin1String(Stranger)), reply.body.constData());
        QCOMPARE(admin("GET", "/api/ip-whitelist/rule").json().value(QStringLiteral("enabled")).toBool(), false);

        const HttpReply bad = admin("POST", "/api/ip-whitelist/rule/toggle", {}, QJsonObject{{QStringLiteral("enabled"), QStringLiteral("yes")}});
        QCOMPARE(bad.status, 400);
        QCOMPARE(bad.json().value(QStringLiteral("details")).toObject().value(QStringLiteral("path")).toString(), QStringLiteral("enabled"));
    }

    void withTheRuleOnOnlyListedAddressesPass()
    {
        const HttpReply on = admin("POST", "/api/ip-whitelist/rule/toggle", Desk, QJsonObject{{QStringLiteral("enabled"), true}});
        QCOMPARE(on.status, 200);
        QCOMPARE(on.json(), (QJsonObject{{QStringLiteral("ok"), true}, {QStringLiteral("enabled"), true}}));

        for (const QByteArray &address : {Desk, LabMachine, V6Member, QByteArray()}) {
            QCOMPARE(anonymous("/", address).status, 200);
            QCOMPARE(anonymous("/api/auth/me", address).status, 200);
        }
        for (const QByteArray &address : {Stranger, V6Outsider}) {
            for (const QByteArray &path : {QByteArray("/"), QByteArray("/api/auth/me"), QByteArray("/api/no-such-route")}) {
                const HttpReply refused = anonymous(path, address);
                QCOMPARE(refused.status, 403);
                QCOMPARE(refused.json(), (QJsonObject{{QStringLiteral("error"), QStringLiteral("Access denied: IP not whitelisted")},
                                                      {QStringLiteral("code"), QStringLiteral("IP_NOT_ALLOWED")},
                                                      {QStringLiteral("details"), QJsonObject{{QStringLiteral("ip"), QString::fromLatin1(address)}}}}));
            }
            // Monitoring still sees the appliance.
            QCOMPARE(anonymous("/api/health", address).status, 200);
            QCOMPARE(anonymous("/api/version", address).status, 200);
        }
        // A valid token does not open the gate.
        QCOMPARE(admin("GET", "/api/ip-whitelist", Stranger).status, 403);
    }

    void nobodyRemovesTheEntryTheyStandOn()
    {
        // The lab machine is admitted only through 10.20.0.0/16.
        const QString lab = idOf(QStringLiteral("10.20.0.0/16"));
        HttpReply reply = admin("DELETE", "/api/ip-whitelist/" + lab.toUtf8(), LabMachine);
        QCOMPARE(reply.status, 400);
        QCOMPARE(reply.json().value(QStringLiteral("code")).toString(), QStringLiteral("BUSINESS_ERROR"));
        QVERIFY(reply.json().value(QStringLiteral("error")).toString().contains(QLatin1String(LabMachine)));
        reply = admin("DELETE", "/api/ip-whitelist/batch", LabMachine, QJsonObject{{QStringLiteral("ids"), QJsonArray{lab}}});
        QCOMPARE(reply.status, 400);
        QVERIFY(!idOf(QStringLiteral("10.20.0.0/16")).isEmpty());

        // From the desk it is someone else's entry: it goes, and the lab machine is out at once.
        QCOMPARE(admin("DELETE", "/api/ip-whitelist/" + lab.toUtf8(), Desk).status, 200);
        QCOMPARE(anonymous("/", LabMachine).status, 403);
        QCOMPARE(add(QStringLiteral("10.20.0.0/16")).value(QStringLiteral("ipAddress")).toString(), QStringLiteral("10.20.0.0/16"));
        QCOMPARE(anonymous("/", LabMachine).status, 200);
    }

    void anUnreadableListShutsEveryoneButLoopbackOut()
    {
        QVERIFY(execSql(m_server, QStringLiteral("ALTER TABLE ip_whitelist RENAME TO ip_whitelist_gone")));
        const HttpReply sync = admin("POST", "/api/ip-whitelist/sync");
        QVERIFY2(sync.status >= 500, sync.body.constData()); // the list could not be read
        for (const QByteArray &address : {Desk, LabMachine, V6Member, Stranger})
            QCOMPARE(anonymous("/", address).status, 403);
        QCOMPARE(anonymous("/", {}).status, 200);
        QCOMPARE(admin("GET", "/api/ip-whitelist/rule").status, 200);

        QVERIFY(execSql(m_server, QStringLiteral("ALTER TABLE ip_whitelist_gone RENAME TO ip_whitelist")));
        const HttpReply resync = admin("POST", "/api/ip-whitelist/sync");
        QCOMPARE(resync.status, 200);
        QCOMPARE(resync.json().value(QStringLiteral("message")).toString(), QStringLiteral("sync completed"));
        QCOMPARE(resync.json().value(QStringLiteral("synced")).toInt(), int(arrayOf(admin("GET", "/api/ip-whitelist")).size()));
        for (const QByteArray &address : {Desk, LabMachine, V6Member})
            QCOMPARE(anonymous("/", address).status, 200);
        QCOMPARE(anonymous("/", Stranger).status, 403);
    }

    void switchingTheRuleOffOpensTheGate()
    {
        const HttpReply off = admin("POST", "/api/ip-whitelist/rule/toggle", Desk, QJsonObject{{QStringLiteral("enabled"), false}});
        QCOMPARE(off.json(), (QJsonObject{{QStringLiteral("ok"), true}, {QStringLiteral("enabled"), false}}));
        QCOMPARE(anonymous("/", Stranger).status, 200);
        // With the rule off, removing entries locks nobody out.
        QCOMPARE(admin("DELETE", "/api/ip-whitelist/" + idOf(QStringLiteral("192.168.1.10")).toUtf8(), Desk).status, 200);
    }

    void everyChangeIsAudited()
    {
        QSet<QString> actions;
        for (const QJsonValue &row : admin("GET", "/api/audit-logs?entity=ip_whitelist&limit=1000").json()
                                         .value(QStringLiteral("results")).toArray())
            actions << row.toObject().value(QStringLiteral("action")).toString();
        QCOMPARE(actions, (QSet<QString>{QStringLiteral("create"), QStringLiteral("delete"), QStringLiteral("batch_create"),
                                         QStringLiteral("batch_delete"), QStringLiteral("sync")}));

        const QJsonArray rule = admin("GET", "/api/audit-logs?entity=ip_whitelist_rule").json().value(QStringLiteral("results")).toArray();
        QCOMPARE(rule.size(), 2); // on, then off; the refused attempt left no row
        const QJsonObject on = rule.last().toObject();
        QCOMPARE(on.value(QStringLiteral("action")).toString(), QStringLiteral("update"));
        QCOMPARE(on.value(QStringLiteral("detail")).toObject(),
                 (QJsonObject{{QStringLiteral("from"), false}, {QStringLiteral("to"), true}}));
        QCOMPARE(on.value(QStringLiteral("ip")).toString(), QString::fromLatin1(Desk)); // the client, not the proxy
    }
};

QTEST_GUILESS_MAIN(ApiIpWhitelistTest)
#include "tst_api_ip_whitelist.moc"
