// The permission matrix of an office as its staff meet it: two teams in one project, an
// HR-only team, an HQ director. Who sees which audit rows (data scope), who may read but not
// write the settings (view vs update), the org department's module gate (levels 2 and 3 only),
// and a position change that applies on the holders' very next request.
#include "support/ApiClient.h"
#include "support/TestServer.h"

#include <QJsonArray>
#include <QTest>

namespace {

QJsonObject grants(const char *module, const char *sub, const QStringList &actions)
{
    return permissionMatrix(QLatin1String(module), QLatin1String(sub), actions);
}

const QString Password = QStringLiteral("staff-password-1");

} // namespace

class PermissionMatrixTest : public QObject {
    Q_OBJECT

private:
    TestServer m_server;
    ApiClient m_admin{0};
    QString m_teamAuditor;           // position: level 3, scope group, system.audit.view
    QHash<QString, QString> m_ids;   // staff name → employee id
    QHash<QString, ApiClient> m_staff;

    void hire(const QString &name, const QString &position, const QString &project, const QString &team)
    {
        QString id;
        const ApiClient client = signInStaff(m_server, {name + QStringLiteral("@office.test"), Password, position, project, team, {}, true}, &id);
        QVERIFY2(!id.isEmpty() && !client.token().isEmpty(), qPrintable(name));
        m_ids.insert(name, id);
        m_staff.insert(name, client);
    }

    ApiClient as(const QString &name) const { return m_staff.value(name, ApiClient(0)); }

    QSet<QString> idsOf(const QStringList &names) const
    {
        QSet<QString> ids;
        for (const QString &n : names)
            ids << m_ids.value(n);
        return ids;
    }

    // The actors of the login rows `name` may see.
    QSet<QString> loginActorsSeenBy(const QString &name)
    {
        const HttpReply reply = as(name).get("/api/audit-logs?action=login&limit=1000");
        if (reply.status != 200)
            qWarning("%s: %d %s", qPrintable(name), reply.status, reply.body.constData());
        QSet<QString> actors;
        for (const QJsonValue &row : reply.json().value(QStringLiteral("results")).toArray())
            actors << row.toObject().value(QStringLiteral("actorId")).toString();
        return actors;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_server.startCaiwu(), m_server.output().constData());
        m_admin = signInAdmin(m_server);
        QVERIFY(!m_admin.token().isEmpty());

        const QString project = addProject(m_server, QStringLiteral("东区项目"));
        const QString teamA = addOrgDepartment(m_server, project, QStringLiteral("A组"));
        const QString teamB = addOrgDepartment(m_server, project, QStringLiteral("B组"));
        const QString hrTeam = addOrgDepartment(m_server, project, QStringLiteral("人事组"), {QStringLiteral("hr.*")});
        const QString hqOffice = addOrgDepartment(m_server, {}, QStringLiteral("总部办公室"));
        QVERIFY(!project.isEmpty() && !teamA.isEmpty() && !teamB.isEmpty() && !hrTeam.isEmpty() && !hqOffice.isEmpty());

        const QJsonObject configView = grants("system", "config", {QStringLiteral("view")});
        m_teamAuditor = addPosition(m_server, QStringLiteral("team_auditor"), 3, QStringLiteral("group"),
                                    grants("system", "audit", {QStringLiteral("view")}));
        const QString member = addPosition(m_server, QStringLiteral("team_member"), 3, QStringLiteral("self"),
                                           grants("self", "profile", {QStringLiteral("view")}));
        const QString teamConfig = addPosition(m_server, QStringLiteral("team_config"), 3, QStringLiteral("self"), configView);
        const QString projectConfig = addPosition(m_server, QStringLiteral("project_config"), 2, QStringLiteral("project"), configView);
        const QString hqConfig = addPosition(m_server, QStringLiteral("hq_config"), 1, QStringLiteral("self"), configView);
        const QJsonObject everythingInSystem{
            {QStringLiteral("user"), QJsonArray{QStringLiteral("view"), QStringLiteral("update")}},
            {QStringLiteral("position"), QJsonArray{QStringLiteral("view"), QStringLiteral("create"), QStringLiteral("update"),
                                                    QStringLiteral("delete")}},
            {QStringLiteral("audit"), QJsonArray{QStringLiteral("view"), QStringLiteral("export")}},
            {QStringLiteral("config"), QJsonArray{QStringLiteral("view"), QStringLiteral("update")}}};
        const QString director = addPosition(m_server, QStringLiteral("hq_director"), 1, QStringLiteral("all"),
                                             QJsonObject{{QStringLiteral("system"), everythingInSystem}});

        hire(QStringLiteral("alice"), m_teamAuditor, project, teamA);
        hire(QStringLiteral("carol"), member, project, teamA);
        hire(QStringLiteral("dave"), teamConfig, project, teamA);
        hire(QStringLiteral("bob"), m_teamAuditor, project, teamB);
        hire(QStringLiteral("brian"), member, project, teamB);
        hire(QStringLiteral("erin"), projectConfig, project, hrTeam);
        hire(QStringLiteral("gina"), teamConfig, project, hrTeam);
        hire(QStringLiteral("frank"), hqConfig, project, hrTeam);
        hire(QStringLiteral("dirk"), director, QStringLiteral("hq"), hqOffice);
    }

    void cleanupTestCase()
    {
        m_server.signal(SIGTERM);
        QCOMPARE(m_server.waitForExit(), 0);
    }

    void aTeamAuditorSeesOnlyTheirOwnTeam()
    {
        QCOMPARE(loginActorsSeenBy(QStringLiteral("alice")), idsOf({QStringLiteral("alice"), QStringLiteral("carol"), QStringLiteral("dave")}));
        QCOMPARE(loginActorsSeenBy(QStringLiteral("bob")), idsOf({QStringLiteral("bob"), QStringLiteral("brian")}));
        // Naming someone of the other team does not reveal their rows.
        QCOMPARE(as(QStringLiteral("alice")).get("/api/audit-logs?actorId=" + m_ids.value(QStringLiteral("bob")).toUtf8())
                     .json().value(QStringLiteral("total")).toInt(),
                 0);
        // Nor rows of the appliance itself, or of the administrator at HQ.
        const QJsonObject page = as(QStringLiteral("alice")).get("/api/audit-logs?limit=1000").json();
        for (const QJsonValue &row : page.value(QStringLiteral("results")).toArray())
            QVERIFY(idsOf({QStringLiteral("alice"), QStringLiteral("carol"), QStringLiteral("dave")})
                        .contains(row.toObject().value(QStringLiteral("actorId")).toString()));
        QSet<QString> actors;
        for (const QJsonValue &a : as(QStringLiteral("alice")).get("/api/audit-logs/options").json().value(QStringLiteral("actors")).toArray())
            actors << a.toObject().value(QStringLiteral("id")).toString();
        QCOMPARE(actors, idsOf({QStringLiteral("alice"), QStringLiteral("carol"), QStringLiteral("dave")}));
    }

    void viewingTheSettingsIsNotChangingThem()
    {
        const ApiClient dave = as(QStringLiteral("dave"));
        QCOMPARE(dave.get("/api/system-config").status, 200);
        const HttpReply write = dave.put("/api/system-config/2fa_enabled", QJsonObject{{QStringLiteral("value"), false}});
        QCOMPARE(write.status, 403);
        QCOMPARE(write.json().value(QStringLiteral("code")).toString(), QStringLiteral("FORBIDDEN"));
        QCOMPARE(dave.get("/api/audit-logs").status, 403); // nor reading anything else
        QCOMPARE(m_admin.get("/api/system-config/2fa_enabled").json().value(QStringLiteral("value")).toBool(), true);
    }

    void theTeamsModuleGateBindsLevelsTwoAndThreeOnly()
    {
        // The HR team admits hr.* only: its project- and team-level staff lose their system rights…
        for (const char *name : {"erin", "gina"}) {
            const HttpReply reply = as(QLatin1String(name)).get("/api/system-config");
            QCOMPARE(reply.status, 403);
            QCOMPARE(reply.json().value(QStringLiteral("code")).toString(), QStringLiteral("FORBIDDEN"));
        }
        // …while an HQ-level position placed in the same team is not gated.
        QCOMPARE(as(QStringLiteral("frank")).get("/api/system-config").status, 200);
    }

    void theHqDirectorSeesEverythingAndMayWrite()
    {
        const ApiClient dirk = as(QStringLiteral("dirk"));
        const QSet<QString> logins = loginActorsSeenBy(QStringLiteral("dirk"));
        QVERIFY(logins.contains(idsOf({QStringLiteral("alice"), QStringLiteral("bob"), QStringLiteral("erin"), QStringLiteral("dirk")})));
        QVERIFY(dirk.get("/api/audit-logs?actorId=system").json().value(QStringLiteral("total")).toInt() >= 1);
        QCOMPARE(dirk.get("/api/audit-logs").json().value(QStringLiteral("total")),
                 m_admin.get("/api/audit-logs").json().value(QStringLiteral("total")));
        QCOMPARE(dirk.put("/api/system-config/2fa_enabled", QJsonObject{{QStringLiteral("value"), true}}).status, 200);
        QCOMPARE(dirk.get("/api/audit-logs/export").status, 200);
        QCOMPARE(dirk.get("/api/position-permissions").status, 200);
    }

    void aPositionChangeAppliesOnTheHoldersNextRequest()
    {
        const ApiClient alice = as(QStringLiteral("alice"));
        QCOMPARE(alice.get("/api/audit-logs").status, 200);
        QCOMPARE(alice.get("/api/audit-logs/export").status, 403);

        // The director takes the audit right away from the team auditors: refused at once.
        const QByteArray position = "/api/position-permissions/" + m_teamAuditor.toUtf8();
        HttpReply change = as(QStringLiteral("dirk")).put(position, QJsonObject{{QStringLiteral("permissions"), QJsonObject{}}});
        QCOMPARE(change.status, 200);
        QCOMPARE(alice.get("/api/audit-logs").status, 403);
        QCOMPARE(as(QStringLiteral("bob")).get("/api/audit-logs").status, 403);

        // And gives back more than before: the export works on the next request, no new login.
        change = as(QStringLiteral("dirk")).put(position, QJsonObject{{QStringLiteral("permissions"),
                                                                      grants("system", "audit", {QStringLiteral("view"),
                                                                                                 QStringLiteral("export")})}});
        QCOMPARE(change.status, 200);
        const HttpReply csv = alice.get("/api/audit-logs/export?action=login");
        QCOMPARE(csv.status, 200);
        QVERIFY(csv.body.contains("alice@office.test") && !csv.body.contains("bob@office.test")); // still her team only

        // Widening the scope applies at once too.
        change = as(QStringLiteral("dirk")).put(position, QJsonObject{{QStringLiteral("dataScope"), QStringLiteral("project")}});
        QCOMPARE(change.status, 200);
        QVERIFY(loginActorsSeenBy(QStringLiteral("alice")).contains(m_ids.value(QStringLiteral("bob"))));
    }
};

QTEST_GUILESS_MAIN(PermissionMatrixTest)
#include "tst_permission_matrix.moc"
