// Positions and their permissions (/api/position-permissions, /api/permission-config) as an
// administrator and a staff member see them through a real server.
#include "support/ApiClient.h"
#include "support/TestServer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

namespace {

QJsonObject matrix(const char *module, const char *sub, const QStringList &actions)
{
    return permissionMatrix(QLatin1String(module), QLatin1String(sub), actions);
}

QByteArray path(const QString &id) { return "/api/position-permissions/" + id.toUtf8(); }

} // namespace

class ApiPositionsTest : public QObject {
    Q_OBJECT

private:
    TestServer m_server;
    ApiClient m_admin{0};
    QString m_viewerPosition;
    ApiClient m_viewer{0};

    QJsonObject positionBody(const QString &code, int level = 3)
    {
        return QJsonObject{{QStringLiteral("code"), code},
                           {QStringLiteral("name"), QStringLiteral("职位 ") + code},
                           {QStringLiteral("level"), level},
                           {QStringLiteral("functionRole"), QStringLiteral("member")},
                           {QStringLiteral("permissions"), matrix("finance", "flow", {QStringLiteral("view")})}};
    }

    QJsonObject create(const QJsonObject &body)
    {
        const HttpReply reply = m_admin.post("/api/position-permissions", body);
        if (reply.status != 200)
            qWarning("create failed: %d %s", reply.status, reply.body.constData());
        return reply.json();
    }

    QJsonArray auditRows(const QByteArray &query)
    {
        return m_admin.get("/api/audit-logs?" + query).json().value(QStringLiteral("results")).toArray();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_server.startCaiwu(), m_server.output().constData());
        m_admin = signInAdmin(m_server);
        QVERIFY(!m_admin.token().isEmpty());
        // A staff member who may only look at positions.
        m_viewerPosition = addPosition(m_server, QStringLiteral("position_viewer"), 1, QStringLiteral("self"),
                                       matrix("system", "position", {QStringLiteral("view")}));
        QVERIFY(!m_viewerPosition.isEmpty());
        m_viewer = signInStaff(m_server, {QStringLiteral("viewer@office.test"), QStringLiteral("viewer-password-1"),
                                          m_viewerPosition, {}, {}, {}, true});
        QVERIFY(!m_viewer.token().isEmpty());
    }

    void cleanupTestCase()
    {
        m_server.signal(SIGTERM);
        QCOMPARE(m_server.waitForExit(), 0);
    }

    void everyRouteNeedsAToken_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("target");
        QTest::newRow("config") << QByteArray("GET") << QByteArray("/api/permission-config");
        QTest::newRow("list") << QByteArray("GET") << QByteArray("/api/position-permissions");
        QTest::newRow("one") << QByteArray("GET") << QByteArray("/api/position-permissions/x");
        QTest::newRow("create") << QByteArray("POST") << QByteArray("/api/position-permissions");
        QTest::newRow("update") << QByteArray("PUT") << QByteArray("/api/position-permissions/x");
        QTest::newRow("delete") << QByteArray("DELETE") << QByteArray("/api/position-permissions/x");
    }
    void everyRouteNeedsAToken()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, target);
        const HttpReply reply = ApiClient(m_server.port()).call(method, target, QJsonObject{{QStringLiteral("x"), 1}});
        QCOMPARE(reply.status, 401);
        QCOMPARE(reply.json().value(QStringLiteral("code")).toString(), QStringLiteral("UNAUTHORIZED"));
    }

    void permissionConfigListsTheCatalogToAnyoneSignedIn()
    {
        const HttpReply reply = m_viewer.get("/api/permission-config");
        QCOMPARE(reply.status, 200);
        const QJsonArray modules = reply.json().value(QStringLiteral("modules")).toArray();
        QVERIFY(modules.size() >= 7);
        bool found = false;
        for (const QJsonValue &m : modules) {
            if (m.toObject().value(QStringLiteral("module")).toString() != QLatin1String("system"))
                continue;
            for (const QJsonValue &s : m.toObject().value(QStringLiteral("subs")).toArray())
                if (s.toObject().value(QStringLiteral("sub")).toString() == QLatin1String("position")) {
                    found = true;
                    QCOMPARE(s.toObject().value(QStringLiteral("actions")).toArray().size(), 4);
                }
        }
        QVERIFY(found);
    }

    void listHoldsTheAdministratorPosition()
    {
        const HttpReply reply = m_viewer.get("/api/position-permissions");
        QCOMPARE(reply.status, 200);
        QJsonObject admin;
        for (const QJsonValue &p : reply.json().value(QStringLiteral("results")).toArray())
            if (p.toObject().value(QStringLiteral("code")).toString() == QLatin1String("system_admin"))
                admin = p.toObject();
        QVERIFY(!admin.isEmpty());
        QCOMPARE(admin.value(QStringLiteral("level")).toInt(), 1);
        QCOMPARE(admin.value(QStringLiteral("active")).toInt(), 1); // a number, as the reference's client reads it
        QCOMPARE(admin.value(QStringLiteral("canManageSubordinates")).toInt(), 1);
        QCOMPARE(admin.value(QStringLiteral("dataScope")).toString(), QStringLiteral("all"));
        QVERIFY(admin.value(QStringLiteral("permissions")).toObject().contains(QStringLiteral("system")));
        QVERIFY(admin.value(QStringLiteral("version")).toInt() >= 1);
        for (const char *field : {"id", "name", "functionRole", "description", "sortOrder", "createdAt", "updatedAt"})
            QVERIFY2(admin.contains(QLatin1String(field)), field);
    }

    void createReturnsThePositionAndAuditsIt()
    {
        QJsonObject body = positionBody(QStringLiteral("team_lead"));
        body.insert(QStringLiteral("canManageSubordinates"), true);
        body.insert(QStringLiteral("description"), QStringLiteral("带一个小组"));
        body.insert(QStringLiteral("sortOrder"), 30);
        const QJsonObject p = create(body);
        const QString id = p.value(QStringLiteral("id")).toString();
        QVERIFY(!id.isEmpty());
        QCOMPARE(p.value(QStringLiteral("code")).toString(), QStringLiteral("team_lead"));
        QCOMPARE(p.value(QStringLiteral("level")).toInt(), 3);
        QCOMPARE(p.value(QStringLiteral("canManageSubordinates")).toInt(), 1);
        QCOMPARE(p.value(QStringLiteral("dataScope")).toString(), QStringLiteral("group")); // a level-3 manager: the team
        QCOMPARE(p.value(QStringLiteral("description")).toString(), QStringLiteral("带一个小组"));
        QCOMPARE(p.value(QStringLiteral("sortOrder")).toInt(), 30);
        QCOMPARE(p.value(QStringLiteral("active")).toInt(), 1);
        QCOMPARE(p.value(QStringLiteral("version")).toInt(), 1);
        QCOMPARE(p.value(QStringLiteral("permissions")).toObject(), matrix("finance", "flow", {QStringLiteral("view")}));

        const HttpReply one = m_viewer.get(path(id));
        QCOMPARE(one.status, 200);
        QCOMPARE(one.json(), p);

        const QJsonArray rows = auditRows("entity=position&action=create");
        QVERIFY(!rows.isEmpty());
        const QJsonObject row = rows.first().toObject();
        QCOMPARE(row.value(QStringLiteral("entityId")).toString(), id);
        QCOMPARE(row.value(QStringLiteral("detail")).toObject().value(QStringLiteral("code")).toString(), QStringLiteral("team_lead"));
        QCOMPARE(row.value(QStringLiteral("actorEmail")).toString(), QStringLiteral("admin@office.test"));
    }

    void dataScopeDefaultsByLevel_data()
    {
        QTest::addColumn<int>("level");
        QTest::addColumn<QJsonValue>("given");
        QTest::addColumn<QString>("expected");
        QTest::newRow("HQ") << 1 << QJsonValue() << QStringLiteral("all");
        QTest::newRow("project") << 2 << QJsonValue() << QStringLiteral("project");
        QTest::newRow("team member") << 3 << QJsonValue() << QStringLiteral("self");
        QTest::newRow("explicit") << 3 << QJsonValue(QStringLiteral("group")) << QStringLiteral("group");
        QTest::newRow("explicit narrower") << 1 << QJsonValue(QStringLiteral("self")) << QStringLiteral("self");
    }
    void dataScopeDefaultsByLevel()
    {
        QFETCH(int, level);
        QFETCH(QJsonValue, given);
        QFETCH(QString, expected);
        QJsonObject body = positionBody(QStringLiteral("scope_%1").arg(QString::fromLatin1(QTest::currentDataTag()).replace(' ', '_')), level);
        if (!given.isNull())
            body.insert(QStringLiteral("dataScope"), given);
        QCOMPARE(create(body).value(QStringLiteral("dataScope")).toString(), expected);
    }

    void createRefusesBadInput_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QJsonValue>("value");
        QTest::addColumn<QString>("path");
        QTest::newRow("no code") << QStringLiteral("code") << QJsonValue(QJsonValue::Undefined) << QStringLiteral("code");
        QTest::newRow("code with spaces") << QStringLiteral("code") << QJsonValue(QStringLiteral("a b")) << QStringLiteral("code");
        QTest::newRow("no name") << QStringLiteral("name") << QJsonValue(QJsonValue::Undefined) << QStringLiteral("name");
        QTest::newRow("blank name") << QStringLiteral("name") << QJsonValue(QStringLiteral("  ")) << QStringLiteral("name");
        QTest::newRow("level 4") << QStringLiteral("level") << QJsonValue(4) << QStringLiteral("level");
        QTest::newRow("level text") << QStringLiteral("level") << QJsonValue(QStringLiteral("1")) << QStringLiteral("level");
        QTest::newRow("role") << QStringLiteral("functionRole") << QJsonValue(QStringLiteral("boss")) << QStringLiteral("functionRole");
        QTest::newRow("no permissions") << QStringLiteral("permissions") << QJsonValue(QJsonValue::Undefined)
                                        << QStringLiteral("permissions");
        QTest::newRow("permissions array") << QStringLiteral("permissions") << QJsonValue(QJsonArray{1})
                                           << QStringLiteral("permissions");
        QTest::newRow("sub not array") << QStringLiteral("permissions")
                                       << QJsonValue(QJsonObject{{QStringLiteral("finance"),
                                                                  QJsonObject{{QStringLiteral("flow"), QStringLiteral("view")}}}})
                                       << QStringLiteral("permissions.finance.flow");
        // The reference's seeds wrote report.view:[…]; no route checks it, so it is refused.
        QTest::newRow("unknown right") << QStringLiteral("permissions") << QJsonValue(matrix("report", "view", {QStringLiteral("view")}))
                                       << QStringLiteral("permissions.report.view[0]");
        QTest::newRow("scope") << QStringLiteral("dataScope") << QJsonValue(QStringLiteral("everyone")) << QStringLiteral("dataScope");
        QTest::newRow("flag") << QStringLiteral("canManageSubordinates") << QJsonValue(2) << QStringLiteral("canManageSubordinates");
        QTest::newRow("sort order") << QStringLiteral("sortOrder") << QJsonValue(1.5) << QStringLiteral("sortOrder");
    }
    void createRefusesBadInput()
    {
        QFETCH(QString, field);
        QFETCH(QJsonValue, value);
        QFETCH(QString, path);
        QJsonObject body = positionBody(QStringLiteral("bad_input"));
        if (value.isUndefined())
            body.remove(field);
        else
            body.insert(field, value);
        const HttpReply reply = m_admin.post("/api/position-permissions", body);
        QCOMPARE(reply.status, 400);
        QCOMPARE(reply.json().value(QStringLiteral("code")).toString(), QStringLiteral("VALIDATION_ERROR"));
        QCOMPARE(reply.json().value(QStringLiteral("details")).toObject().value(QStringLiteral("path")).toString(), path);
    }

    void createRefusesBrokenJson()
    {
        const HttpReply reply = httpRequest(m_server.port(), "POST", "/api/position-permissions", "{\"code\":",
                                            {{"Authorization", "Bearer " + m_admin.token()}, {"Content-Type", "application/json"}});
        QCOMPARE(reply.status, 400);
        QCOMPARE(reply.json().value(QStringLiteral("code")).toString(), QStringLiteral("VALIDATION_ERROR"));
    }

    void createRefusesADuplicateCode()
    {
        QVERIFY(!create(positionBody(QStringLiteral("twice"))).isEmpty());
        const HttpReply reply = m_admin.post("/api/position-permissions", positionBody(QStringLiteral("twice")));
        QCOMPARE(reply.status, 409);
        QCOMPARE(reply.json().value(QStringLiteral("code")).toString(), QStringLiteral("DUPLICATE"));
    }

    void unknownPositionIs404()
    {
        QCOMPARE(m_admin.get(path(QStringLiteral("no-such-id"))).status, 404);
        const HttpReply put = m_admin.put(path(QStringLiteral("no-such-id")), QJsonObject{{QStringLiteral("name"), QStringLiteral("x")}});
        QCOMPARE(put.status, 404);
        QCOMPARE(put.json().value(QStringLiteral("code")).toString(), QStringLiteral("NOT_FOUND"));
        QCOMPARE(m_admin.del(path(QStringLiteral("no-such-id"))).status, 404);
    }

    void updateUsesOptimisticLocking()
    {
        const QJsonObject p = create(positionBody(QStringLiteral("locked")));
        const QString id = p.value(QStringLiteral("id")).toString();
        const HttpReply first = m_admin.put(path(id), QJsonObject{{QStringLiteral("name"), QStringLiteral("改名")},
                                                                  {QStringLiteral("version"), 1}});
        QCOMPARE(first.status, 200);
        QCOMPARE(first.json().value(QStringLiteral("name")).toString(), QStringLiteral("改名"));
        QCOMPARE(first.json().value(QStringLiteral("version")).toInt(), 2);
        QVERIFY(first.json().value(QStringLiteral("updatedAt")).toDouble() >= p.value(QStringLiteral("updatedAt")).toDouble());

        // A second editor who loaded version 1 must not overwrite the first one's change.
        const HttpReply stale = m_admin.put(path(id), QJsonObject{{QStringLiteral("name"), QStringLiteral("旧")},
                                                                  {QStringLiteral("version"), 1}});
        QCOMPARE(stale.status, 409);
        QCOMPARE(stale.json().value(QStringLiteral("code")).toString(), QStringLiteral("CONFLICT"));
        QCOMPARE(m_admin.get(path(id)).json().value(QStringLiteral("name")).toString(), QStringLiteral("改名"));

        // Without a version the change applies to whatever is current.
        const HttpReply unversioned = m_admin.put(path(id), QJsonObject{{QStringLiteral("sortOrder"), 5}});
        QCOMPARE(unversioned.json().value(QStringLiteral("version")).toInt(), 3);
    }

    void updateRefusesBadChanges()
    {
        const QString id = create(positionBody(QStringLiteral("changing"))).value(QStringLiteral("id")).toString();
        const HttpReply taken = m_admin.put(path(id), QJsonObject{{QStringLiteral("code"), QStringLiteral("twice")}});
        QCOMPARE(taken.status, 409);
        QCOMPARE(taken.json().value(QStringLiteral("code")).toString(), QStringLiteral("DUPLICATE"));
        const HttpReply empty = m_admin.put(path(id), QJsonObject{{QStringLiteral("version"), 1}});
        QCOMPARE(empty.status, 400);
        const HttpReply level = m_admin.put(path(id), QJsonObject{{QStringLiteral("level"), 0}});
        QCOMPARE(level.status, 400);
        QCOMPARE(level.json().value(QStringLiteral("details")).toObject().value(QStringLiteral("path")).toString(), QStringLiteral("level"));
        // Nothing of that reached the row.
        QCOMPARE(m_admin.get(path(id)).json().value(QStringLiteral("version")).toInt(), 1);
    }

    void permissionChangeIsAuditedWithBeforeAndAfter()
    {
        const QString id = create(positionBody(QStringLiteral("audited"))).value(QStringLiteral("id")).toString();
        const QJsonObject after = matrix("finance", "flow", {QStringLiteral("view"), QStringLiteral("create")});
        const HttpReply reply = m_admin.put(path(id), QJsonObject{{QStringLiteral("permissions"), after},
                                                                  {QStringLiteral("active"), 1}}); // 1 = unchanged
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.json().value(QStringLiteral("permissions")).toObject(), after);

        const QJsonArray rows = auditRows("entity=position&action=update");
        QVERIFY(!rows.isEmpty());
        const QJsonObject row = rows.first().toObject();
        QCOMPARE(row.value(QStringLiteral("entityId")).toString(), id);
        const QJsonObject changes = row.value(QStringLiteral("detail")).toObject().value(QStringLiteral("changes")).toObject();
        QCOMPARE(changes.keys(), QStringList{QStringLiteral("permissions")}); // only what changed
        QCOMPARE(changes.value(QStringLiteral("permissions")).toObject().value(QStringLiteral("from")).toObject(),
                 matrix("finance", "flow", {QStringLiteral("view")}));
        QCOMPARE(changes.value(QStringLiteral("permissions")).toObject().value(QStringLiteral("to")).toObject(), after);
    }

    void viewingIsNotChanging()
    {
        QCOMPARE(m_viewer.get("/api/position-permissions").status, 200);
        const HttpReply post = m_viewer.post("/api/position-permissions", positionBody(QStringLiteral("by_viewer")));
        QCOMPARE(post.status, 403); // the reference forgot this check
        QCOMPARE(post.json().value(QStringLiteral("code")).toString(), QStringLiteral("FORBIDDEN"));
        QCOMPARE(m_viewer.put(path(m_viewerPosition), QJsonObject{{QStringLiteral("name"), QStringLiteral("x")}}).status, 403);
        QCOMPARE(m_viewer.del(path(m_viewerPosition)).status, 403);
    }

    void newRightsApplyOnTheHoldersNextRequest()
    {
        // Granted: the very next request of the signed-in holder may create.
        HttpReply grant = m_admin.put(path(m_viewerPosition),
                                      QJsonObject{{QStringLiteral("permissions"),
                                                   matrix("system", "position", {QStringLiteral("view"), QStringLiteral("create")})}});
        QCOMPARE(grant.status, 200);
        QCOMPARE(m_viewer.post("/api/position-permissions", positionBody(QStringLiteral("by_viewer"))).status, 200);

        // Taken away: refused at once, no new login needed.
        grant = m_admin.put(path(m_viewerPosition), QJsonObject{{QStringLiteral("permissions"), QJsonObject{}}});
        QCOMPARE(grant.status, 200);
        QCOMPARE(m_viewer.get("/api/position-permissions").status, 403);

        // Suspending the position stops its holder; reactivating lets them back in at once.
        QCOMPARE(m_admin.put(path(m_viewerPosition),
                             QJsonObject{{QStringLiteral("permissions"), matrix("system", "position", {QStringLiteral("view")})},
                                         {QStringLiteral("active"), 0}})
                     .status,
                 200);
        QCOMPARE(m_viewer.get("/api/position-permissions").status, 403);
        QCOMPARE(m_admin.put(path(m_viewerPosition), QJsonObject{{QStringLiteral("active"), true}}).status, 200);
        QCOMPARE(m_viewer.get("/api/position-permissions").status, 200);
    }

    void retiringAHeldPositionIsRefused()
    {
        const HttpReply reply = m_admin.del(path(m_viewerPosition));
        QCOMPARE(reply.status, 400);
        QCOMPARE(reply.json().value(QStringLiteral("code")).toString(), QStringLiteral("BUSINESS_ERROR"));
        QVERIFY2(reply.json().value(QStringLiteral("error")).toString().contains(QStringLiteral("held by 1 active")),
                 reply.body.constData());

        QString adminPosition;
        for (const QJsonValue &p : m_admin.get("/api/position-permissions").json().value(QStringLiteral("results")).toArray())
            if (p.toObject().value(QStringLiteral("code")).toString() == QLatin1String("system_admin"))
                adminPosition = p.toObject().value(QStringLiteral("id")).toString();
        QCOMPARE(m_admin.del(path(adminPosition)).status, 400);
        QCOMPARE(m_admin.get(path(adminPosition)).json().value(QStringLiteral("active")).toInt(), 1);
    }

    void retiringKeepsThePositionListed()
    {
        const QString id = create(positionBody(QStringLiteral("retired"))).value(QStringLiteral("id")).toString();
        const HttpReply reply = m_admin.del(path(id));
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.json(), (QJsonObject{{QStringLiteral("success"), true}}));
        QCOMPARE(m_admin.get(path(id)).json().value(QStringLiteral("active")).toInt(), 0);
        bool listed = false;
        for (const QJsonValue &p : m_admin.get("/api/position-permissions").json().value(QStringLiteral("results")).toArray())
            listed = listed || p.toObject().value(QStringLiteral("id")).toString() == id;
        QVERIFY(listed);
        QCOMPARE(m_admin.del(path(id)).status, 200); // retired already: nothing to do
        QCOMPARE(auditRows("entity=position&action=delete").size(), 1);
    }

    void nobodyCanRemoveTheLastPermissionAdministrator()
    {
        QString id;
        for (const QJsonValue &p : m_admin.get("/api/position-permissions").json().value(QStringLiteral("results")).toArray())
            if (p.toObject().value(QStringLiteral("code")).toString() == QLatin1String("system_admin"))
                id = p.toObject().value(QStringLiteral("id")).toString();
        QVERIFY(!id.isEmpty());
        const QJsonObject before = m_admin.get(path(id)).json();

        const QJsonObject narrowed = matrix("system", "position", {QStringLiteral("view")});
        for (const QJsonObject &change : {QJsonObject{{QStringLiteral("permissions"), narrowed}},
                                          QJsonObject{{QStringLiteral("active"), 0}}}) {
            const HttpReply reply = m_admin.put(path(id), change);
            QCOMPARE(reply.status, 400);
            QCOMPARE(reply.json().value(QStringLiteral("code")).toString(), QStringLiteral("BUSINESS_ERROR"));
        }
        QCOMPARE(m_admin.get(path(id)).json(), before);
        // Harmless changes to it still work.
        QCOMPARE(m_admin.put(path(id), QJsonObject{{QStringLiteral("description"), QStringLiteral("全部权限")}}).status, 200);
    }
};

QTEST_GUILESS_MAIN(ApiPositionsTest)
#include "tst_api_positions.moc"
