// The organisation as an office sets it up through a real server: projects (/api/departments),
// their sites, the org departments (teams) inside them with the modules and positions they
// allow, and the position lists the onboarding form reads.
#include "support/ApiClient.h"
#include "support/TestServer.h"

#include <QJsonArray>
#include <QTest>
#include <QUuid>

namespace {

const QString Password = QStringLiteral("staff-password-1");

QByteArray under(const char *path, const QString &id) { return QByteArray(path) + '/' + id.toUtf8(); }

QString messageOf(const HttpReply &reply) { return reply.json().value(QStringLiteral("error")).toString(); }

} // namespace

class ApiOrganisationTest : public QObject {
    Q_OBJECT

private:
    TestServer m_server;
    ApiClient m_admin{0};
    QString m_east;           // a project made through the API
    QString m_hqPosition;     // level 1
    QString m_teamPosition;   // level 3
    QString m_leadPosition;   // level 2

    // POSTs `body` to `path` as the admin: the new record, or empty (and a warning).
    QJsonObject create(const char *path, const QJsonObject &body)
    {
        const HttpReply reply = m_admin.post(path, body);
        if (reply.status != 200)
            qWarning("POST %s: %d %s", path, reply.status, reply.body.constData());
        return reply.status == 200 ? reply.json() : QJsonObject{};
    }
    QString createId(const char *path, const QJsonObject &body) { return create(path, body).value(QStringLiteral("id")).toString(); }

    QString project(const QString &name) { return createId("/api/departments", QJsonObject{{QStringLiteral("name"), name}}); }
    QString site(const QString &projectId, const QString &name)
    {
        return createId("/api/sites", QJsonObject{{QStringLiteral("departmentId"), projectId}, {QStringLiteral("name"), name}});
    }
    QString team(const QJsonValue &projectId, const QString &name, const QJsonObject &more = {})
    {
        QJsonObject body = more;
        body.insert(QStringLiteral("projectId"), projectId);
        body.insert(QStringLiteral("name"), name);
        return createId("/api/org-departments", body);
    }

    // A 400 whose details.path is `field`.
    static bool namesField(const HttpReply &reply, const QString &field)
    {
        if (reply.status == 400 && errorCode(reply) == QLatin1String("VALIDATION_ERROR") && errorPath(reply) == field)
            return true;
        qWarning("expected a 400 naming %s, got %d %s", qPrintable(field), reply.status, reply.body.constData());
        return false;
    }
    // A 400 BUSINESS_ERROR whose message says `words`.
    static bool refusedFor(const HttpReply &reply, const QString &words)
    {
        if (reply.status == 400 && errorCode(reply) == QLatin1String("BUSINESS_ERROR") && messageOf(reply).contains(words))
            return true;
        qWarning("expected a refusal about %s, got %d %s", qPrintable(words), reply.status, reply.body.constData());
        return false;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_server.startCaiwu(), m_server.output().constData());
        m_admin = signInAdmin(m_server);
        QVERIFY(!m_admin.token().isEmpty());
        const QJsonObject none;
        m_hqPosition = addPosition(m_server, QStringLiteral("hq_clerk"), 1, QStringLiteral("all"), none);
        m_leadPosition = addPosition(m_server, QStringLiteral("project_lead"), 2, QStringLiteral("project"), none);
        m_teamPosition = addPosition(m_server, QStringLiteral("team_engineer"), 3, QStringLiteral("self"),
                                     permissionMatrix(QStringLiteral("site"), QStringLiteral("info"), {QStringLiteral("view")}));
        QVERIFY(!m_hqPosition.isEmpty() && !m_leadPosition.isEmpty() && !m_teamPosition.isEmpty());
    }

    void cleanupTestCase()
    {
        m_server.signal(SIGTERM);
        QCOMPARE(m_server.waitForExit(), 0);
    }

    void projectsAreCreatedUnderTheHeadquarters()
    {
        const QJsonObject east = create("/api/departments", QJsonObject{{QStringLiteral("name"), QStringLiteral("东区项目")},
                                                                        {QStringLiteral("code"), QStringLiteral("E1")}});
        m_east = east.value(QStringLiteral("id")).toString();
        QVERIFY(!m_east.isEmpty());
        QCOMPARE(east.value(QStringLiteral("hqId")).toString(), QStringLiteral("hq"));
        QCOMPARE(east.value(QStringLiteral("hqName")).toString(), QStringLiteral("总部"));
        QCOMPARE(east.value(QStringLiteral("active")).toInt(), 1);
        QCOMPARE(east.value(QStringLiteral("version")).toInt(), 1);
        QCOMPARE(rowWhere(resultsOf(m_admin.get("/api/departments")), QStringLiteral("id"), m_east), east);
        QCOMPARE(resultsOf(m_admin.get("/api/departments?search=E1")).size(), 1);
        QCOMPARE(auditRows(m_admin, QStringLiteral("department"), QStringLiteral("create"), m_east).size(), 1);
    }

    void projectInputIsChecked()
    {
        QVERIFY(namesField(m_admin.post("/api/departments", QJsonObject{{QStringLiteral("code"), QStringLiteral("X")}}), QStringLiteral("name")));
        QVERIFY(namesField(m_admin.post("/api/departments", QJsonObject{{QStringLiteral("name"), QStringLiteral("西区")},
                                                                        {QStringLiteral("hqId"), QStringLiteral("nope")}}),
                           QStringLiteral("hqId")));
        const HttpReply twin = m_admin.post("/api/departments", QJsonObject{{QStringLiteral("name"), QStringLiteral("东区项目")}});
        QCOMPARE(twin.status, 409);
        QCOMPARE(errorCode(twin), QStringLiteral("DUPLICATE"));
        const QString west = project(QStringLiteral("西区项目"));
        QCOMPARE(m_admin.put(under("/api/departments", west), QJsonObject{{QStringLiteral("name"), QStringLiteral("东区项目")}}).status, 409);
    }

    void projectsChangeWithOptimisticLocking()
    {
        const QByteArray path = under("/api/departments", m_east);
        const HttpReply renamed = m_admin.put(path, QJsonObject{{QStringLiteral("code"), QStringLiteral("E-1")}, {QStringLiteral("version"), 1}});
        QCOMPARE(renamed.json(), (QJsonObject{{QStringLiteral("ok"), true}, {QStringLiteral("version"), 2}}));
        const HttpReply stale = m_admin.put(path, QJsonObject{{QStringLiteral("code"), QStringLiteral("E9")}, {QStringLiteral("version"), 1}});
        QCOMPARE(stale.status, 409);
        QCOMPARE(errorCode(stale), QStringLiteral("CONFLICT"));
        QCOMPARE(m_admin.put("/api/departments/nope", QJsonObject{{QStringLiteral("code"), QStringLiteral("x")}}).status, 404);
        QCOMPARE(m_admin.del("/api/departments/nope").status, 404);
    }

    void aProjectWithoutHeadquartersGetsADefaultOne()
    {
        QVERIFY(execSql(m_server, QStringLiteral("UPDATE headquarters SET active = 0")));
        const QJsonObject north = create("/api/departments", QJsonObject{{QStringLiteral("name"), QStringLiteral("北区项目")}});
        QVERIFY(execSql(m_server, QStringLiteral("UPDATE headquarters SET active = 1 WHERE id = 'hq'")));
        QVERIFY(north.value(QStringLiteral("hqId")).toString() != QLatin1String("hq"));
        QCOMPARE(north.value(QStringLiteral("hqName")).toString(), QStringLiteral("Default HQ"));
    }

    void aProjectInUseIsNotDeleted()
    {
        const QString withSite = project(QStringLiteral("有站点的项目"));
        QVERIFY(!site(withSite, QStringLiteral("站点甲")).isEmpty());
        QVERIFY(refusedFor(m_admin.del(under("/api/departments", withSite)), QStringLiteral("1 个站点")));

        const QString withStaff = project(QStringLiteral("有员工的项目"));
        QVERIFY(!addStaffMember(m_server, {QStringLiteral("p1@office.test"), Password, m_leadPosition, withStaff, {}, {}, true}).isEmpty());
        QVERIFY(refusedFor(m_admin.del(under("/api/departments", withStaff)), QStringLiteral("1 名员工")));

        const QString withTeam = project(QStringLiteral("有部门的项目"));
        QVERIFY(!team(withTeam, QStringLiteral("甲组")).isEmpty());
        QVERIFY(refusedFor(m_admin.del(under("/api/departments", withTeam)), QStringLiteral("1 个部门")));

        const QString empty = project(QStringLiteral("空项目"));
        QCOMPARE(m_admin.del(under("/api/departments", empty)).status, 200);
        QVERIFY(rowWhere(resultsOf(m_admin.get("/api/departments")), QStringLiteral("id"), empty).isEmpty());
        QCOMPARE(auditRows(m_admin, QStringLiteral("department"), QStringLiteral("delete"), empty).size(), 1);

        // Retired instead: kept, and out of the active list.
        QCOMPARE(m_admin.put(under("/api/departments", withSite), QJsonObject{{QStringLiteral("active"), false}}).status, 200);
        QVERIFY(rowWhere(resultsOf(m_admin.get("/api/departments?activeOnly=true")), QStringLiteral("id"), withSite).isEmpty());
    }

    void sitesKeepTheirCode()
    {
        const QJsonObject one = create("/api/sites", QJsonObject{{QStringLiteral("departmentId"), m_east},
                                                                 {QStringLiteral("name"), QStringLiteral("一号站")},
                                                                 {QStringLiteral("siteCode"), QStringLiteral("S-001")}});
        QCOMPARE(one.value(QStringLiteral("siteCode")).toString(), QStringLiteral("S-001"));
        QCOMPARE(one.value(QStringLiteral("departmentName")).toString(), QStringLiteral("东区项目"));
        QCOMPARE(one.value(QStringLiteral("active")).toInt(), 1);
        const QJsonArray listed = resultsOf(m_admin.get("/api/sites?departmentId=" + m_east.toUtf8()));
        QCOMPARE(listed.size(), 1);
        QCOMPARE(listed.first().toObject(), one);
        QCOMPARE(resultsOf(m_admin.get("/api/sites?search=S-00")).size(), 1);
        QVERIFY(one.contains(QStringLiteral("createdAt")) && one.contains(QStringLiteral("updatedAt")));
    }

    void aSiteNeedsAnActiveProject()
    {
        QVERIFY(namesField(m_admin.post("/api/sites", QJsonObject{{QStringLiteral("name"), QStringLiteral("无项目")}}),
                           QStringLiteral("departmentId")));
        QVERIFY(namesField(m_admin.post("/api/sites", QJsonObject{{QStringLiteral("departmentId"), QStringLiteral("nope")},
                                                                  {QStringLiteral("name"), QStringLiteral("x")}}),
                           QStringLiteral("departmentId")));
        const QString dormant = project(QStringLiteral("休眠项目"));
        QCOMPARE(m_admin.put(under("/api/departments", dormant), QJsonObject{{QStringLiteral("active"), 0}}).status, 200);
        QVERIFY(namesField(m_admin.post("/api/sites", QJsonObject{{QStringLiteral("departmentId"), dormant},
                                                                  {QStringLiteral("name"), QStringLiteral("x")}}),
                           QStringLiteral("departmentId")));
        const QString moving = site(m_east, QStringLiteral("待迁站点"));
        QVERIFY(namesField(m_admin.put(under("/api/sites", moving), QJsonObject{{QStringLiteral("departmentId"), dormant}}),
                           QStringLiteral("departmentId")));
        QVERIFY(namesField(m_admin.post("/api/sites", QJsonObject{{QStringLiteral("departmentId"), m_east}}), QStringLiteral("name")));
    }

    void siteNamesAreUniqueAmongAProjectsActiveSites()
    {
        const QString first = site(m_east, QStringLiteral("二号站"));
        QVERIFY(!first.isEmpty());
        const HttpReply twin = m_admin.post("/api/sites", QJsonObject{{QStringLiteral("departmentId"), m_east},
                                                                      {QStringLiteral("name"), QStringLiteral("二号站")}});
        QCOMPARE(twin.status, 409);
        QCOMPARE(errorCode(twin), QStringLiteral("DUPLICATE"));
        QVERIFY(!site(project(QStringLiteral("南区项目")), QStringLiteral("二号站")).isEmpty()); // another project may

        QCOMPARE(m_admin.put(under("/api/sites", first), QJsonObject{{QStringLiteral("active"), 0}, {QStringLiteral("version"), 1}}).status, 200);
        QVERIFY(!site(m_east, QStringLiteral("二号站")).isEmpty()); // the retired one's name is free
        QCOMPARE(m_admin.put(under("/api/sites", first), QJsonObject{{QStringLiteral("active"), 1}}).status, 409);
        QCOMPARE(m_admin.put(under("/api/sites", first), QJsonObject{{QStringLiteral("name"), QStringLiteral("x")},
                                                                     {QStringLiteral("version"), 1}})
                     .status,
                 409);
        QCOMPARE(m_admin.put("/api/sites/nope", QJsonObject{{QStringLiteral("name"), QStringLiteral("x")}}).status, 404);
        QVERIFY(rowWhere(resultsOf(m_admin.get("/api/sites?activeOnly=1")), QStringLiteral("id"), first).isEmpty());
    }

    void aSiteInUseIsNotDeleted()
    {
        const QString used = site(m_east, QStringLiteral("三号站"));
        const QString billed = site(m_east, QStringLiteral("四号站"));
        QVERIFY(execSql(m_server, QStringLiteral("INSERT INTO accounts (id, name, type, currency) VALUES ('site-cash', '站点现金', 'cash', 'CNY')")));
        QVERIFY(execSql(m_server, QStringLiteral("INSERT INTO cash_flows (id, biz_date, type, account_id, amount_cents, site_id, created_at) "
                                                 "VALUES ('site-flow', '2026-02-01', 'income', 'site-cash', 100, ?, 1)"),
                        {used}));
        QVERIFY(execSql(m_server, QStringLiteral("INSERT INTO site_bills (id, site_id, bill_date, bill_type, amount_cents, currency, status, "
                                                 "created_at) VALUES ('site-bill', ?, '2026-02-01', 'expense', 100, 'CNY', 'pending', 1)"),
                        {billed}));
        QVERIFY(refusedFor(m_admin.del(under("/api/sites", used)), QStringLiteral("1 笔资金流水")));
        QVERIFY(refusedFor(m_admin.del(under("/api/sites", billed)), QStringLiteral("1 张站点账单")));

        const QString unused = site(m_east, QStringLiteral("五号站"));
        QCOMPARE(m_admin.del(under("/api/sites", unused)).status, 200);
        QCOMPARE(m_admin.del(under("/api/sites", unused)).status, 404);
        QCOMPARE(auditRows(m_admin, QStringLiteral("site"), QStringLiteral("delete"), unused).size(), 1);
    }

    void orgDepartmentsAtHeadquartersAndInProjects()
    {
        const QJsonObject office = create("/api/org-departments", QJsonObject{{QStringLiteral("projectId"), QStringLiteral("hq")},
                                                                              {QStringLiteral("name"), QStringLiteral("总部办公室")}});
        QVERIFY(office.value(QStringLiteral("project_id")).isNull());
        QCOMPARE(office.value(QStringLiteral("allowed_modules")).toArray(), QJsonArray{QStringLiteral("*")});
        QVERIFY(office.value(QStringLiteral("allowed_positions")).isNull());
        QCOMPARE(office.value(QStringLiteral("active")).toInt(), 1);

        const QJsonObject teamA = create("/api/org-departments",
                                         QJsonObject{{QStringLiteral("projectId"), m_east},
                                                     {QStringLiteral("name"), QStringLiteral("A组")},
                                                     {QStringLiteral("code"), QStringLiteral("A")},
                                                     {QStringLiteral("allowedModules"), QJsonArray{QStringLiteral("site"), QStringLiteral("hr.*")}},
                                                     {QStringLiteral("allowedPositions"), QJsonArray{m_teamPosition, m_leadPosition}},
                                                     {QStringLiteral("defaultPositionId"), m_teamPosition},
                                                     {QStringLiteral("sortOrder"), 2}});
        const QString id = teamA.value(QStringLiteral("id")).toString();
        QCOMPARE(teamA.value(QStringLiteral("project_id")).toString(), m_east);
        QCOMPARE(teamA.value(QStringLiteral("project_name")).toString(), QStringLiteral("东区项目"));
        QCOMPARE(teamA.value(QStringLiteral("allowed_modules")).toArray(), (QJsonArray{QStringLiteral("site"), QStringLiteral("hr.*")}));
        QCOMPARE(teamA.value(QStringLiteral("allowed_positions")).toArray(), (QJsonArray{m_teamPosition, m_leadPosition}));
        QCOMPARE(teamA.value(QStringLiteral("default_position_name")).toString(), QStringLiteral("team_engineer"));
        QCOMPARE(teamA.value(QStringLiteral("sortOrder")).toInt(), 2);

        const QJsonObject sub = create("/api/org-departments", QJsonObject{{QStringLiteral("projectId"), m_east},
                                                                           {QStringLiteral("parentId"), id},
                                                                           {QStringLiteral("name"), QStringLiteral("A组一班")}});
        QCOMPARE(sub.value(QStringLiteral("parentId")).toString(), id);
        QCOMPARE(sub.value(QStringLiteral("parent_name")).toString(), QStringLiteral("A组"));

        QCOMPARE(m_admin.get(under("/api/org-departments", id)).json(), teamA);
        QCOMPARE(m_admin.get("/api/org-departments/nope").status, 404);
        const QJsonArray atHq = resultsOf(m_admin.get("/api/org-departments?project_id=hq"));
        QVERIFY(!rowWhere(atHq, QStringLiteral("id"), office.value(QStringLiteral("id")).toString()).isEmpty());
        QVERIFY(rowWhere(atHq, QStringLiteral("id"), id).isEmpty());
        const QJsonArray inEast = resultsOf(m_admin.get("/api/org-departments?project_id=" + m_east.toUtf8()));
        QCOMPARE(inEast.size(), 2);
        QCOMPARE(inEast.first().toObject().value(QStringLiteral("id")).toString(), sub.value(QStringLiteral("id")).toString()); // sort order 0 first
        QCOMPARE(auditRows(m_admin, QStringLiteral("org_department"), QStringLiteral("create"), id).size(), 1);
    }

    void orgDepartmentInputIsChecked_data()
    {
        QTest::addColumn<QJsonObject>("body");
        QTest::addColumn<QString>("path");
        const auto body = [this](const char *field, const QJsonValue &value) {
            QJsonObject b{{QStringLiteral("projectId"), m_east}, {QStringLiteral("name"), QStringLiteral("坏部门")}};
            b.insert(QLatin1String(field), value);
            return b;
        };
        QTest::newRow("no name") << QJsonObject{{QStringLiteral("projectId"), QStringLiteral("hq")}} << QStringLiteral("name");
        QTest::newRow("unknown project") << body("projectId", QStringLiteral("nope")) << QStringLiteral("projectId");
        QTest::newRow("unknown parent") << body("parentId", QStringLiteral("nope")) << QStringLiteral("parentId");
        QTest::newRow("modules not a list") << body("allowedModules", QStringLiteral("finance")) << QStringLiteral("allowedModules");
        QTest::newRow("module prefix") << body("allowedModules", QJsonArray{QStringLiteral("site"), QStringLiteral("fin")})
                                       << QStringLiteral("allowedModules[1]");
        QTest::newRow("module sub") << body("allowedModules", QJsonArray{QStringLiteral("finance.flow")}) << QStringLiteral("allowedModules[0]");
        QTest::newRow("empty module") << body("allowedModules", QJsonArray{QStringLiteral(" ")}) << QStringLiteral("allowedModules[0]");
        QTest::newRow("unknown position") << body("allowedPositions", QJsonArray{QStringLiteral("nope")}) << QStringLiteral("allowedPositions[0]");
        QTest::newRow("HQ position in a project") << body("allowedPositions", QJsonArray{m_teamPosition, m_hqPosition})
                                                  << QStringLiteral("allowedPositions[1]");
        QTest::newRow("default not allowed") << [&] {
            QJsonObject b = body("allowedPositions", QJsonArray{m_teamPosition});
            b.insert(QStringLiteral("defaultPositionId"), m_leadPosition);
            return b;
        }() << QStringLiteral("defaultPositionId");
        QTest::newRow("project position at HQ") << QJsonObject{{QStringLiteral("projectId"), QStringLiteral("hq")},
                                                               {QStringLiteral("name"), QStringLiteral("x")},
                                                               {QStringLiteral("defaultPositionId"), m_teamPosition}}
                                                << QStringLiteral("defaultPositionId");
    }
    void orgDepartmentInputIsChecked()
    {
        QFETCH(QJsonObject, body);
        QFETCH(QString, path);
        QVERIFY(namesField(m_admin.post("/api/org-departments", body), path));
    }

    void orgDepartmentTreesStayInOneProject()
    {
        const QString parent = team(m_east, QStringLiteral("B组"));
        const QString child = team(m_east, QStringLiteral("B组一班"), QJsonObject{{QStringLiteral("parentId"), parent}});
        const QString elsewhere = team(QStringLiteral("hq"), QStringLiteral("总部财务"));
        QVERIFY(!parent.isEmpty() && !child.isEmpty() && !elsewhere.isEmpty());
        QVERIFY(namesField(m_admin.post("/api/org-departments", QJsonObject{{QStringLiteral("projectId"), m_east},
                                                                            {QStringLiteral("parentId"), elsewhere},
                                                                            {QStringLiteral("name"), QStringLiteral("x")}}),
                           QStringLiteral("parentId")));
        QVERIFY(namesField(m_admin.put(under("/api/org-departments", parent), QJsonObject{{QStringLiteral("parentId"), child}}),
                           QStringLiteral("parentId")));
        QVERIFY(namesField(m_admin.put(under("/api/org-departments", parent), QJsonObject{{QStringLiteral("parentId"), parent}}),
                           QStringLiteral("parentId")));
        // A department with sub-departments does not move to another project.
        QVERIFY(refusedFor(m_admin.put(under("/api/org-departments", parent), QJsonObject{{QStringLiteral("projectId"), QStringLiteral("hq")}}),
                           QStringLiteral("下级部门")));
        QCOMPARE(m_admin.put(under("/api/org-departments", child), QJsonObject{{QStringLiteral("parentId"), QJsonValue::Null}}).status, 200);
        QCOMPARE(m_admin.put(under("/api/org-departments", child), QJsonObject{{QStringLiteral("projectId"), QStringLiteral("hq")},
                                                                              {QStringLiteral("version"), 2}})
                     .status,
                 200);
        QCOMPARE(m_admin.get(under("/api/org-departments", child)).json().value(QStringLiteral("project_id")), QJsonValue(QJsonValue::Null));
        const HttpReply stale = m_admin.put(under("/api/org-departments", child), QJsonObject{{QStringLiteral("name"), QStringLiteral("x")},
                                                                                             {QStringLiteral("version"), 2}});
        QCOMPARE(stale.status, 409);
        QCOMPARE(errorCode(stale), QStringLiteral("CONFLICT"));
        QCOMPARE(m_admin.put("/api/org-departments/nope", QJsonObject{{QStringLiteral("name"), QStringLiteral("x")}}).status, 404);
    }

    void anOccupiedOrgDepartmentStays()
    {
        const QString occupied = team(m_east, QStringLiteral("C组"));
        QVERIFY(!addStaffMember(m_server, {QStringLiteral("c1@office.test"), Password, m_teamPosition, m_east, occupied, {}, true}).isEmpty());
        QVERIFY(!addStaffMember(m_server, {QStringLiteral("c2@office.test"), Password, m_teamPosition, m_east, occupied, {}, false}).isEmpty());
        QVERIFY(refusedFor(m_admin.del(under("/api/org-departments", occupied)), QStringLiteral("1 名在职员工")));
        QVERIFY(refusedFor(m_admin.put(under("/api/org-departments", occupied), QJsonObject{{QStringLiteral("active"), 0}}),
                           QStringLiteral("1 名在职员工")));
        QVERIFY(refusedFor(m_admin.put(under("/api/org-departments", occupied), QJsonObject{{QStringLiteral("projectId"), QStringLiteral("hq")}}),
                           QStringLiteral("1 名在职员工")));

        const QString parent = team(m_east, QStringLiteral("D组"));
        QVERIFY(!team(m_east, QStringLiteral("D组一班"), QJsonObject{{QStringLiteral("parentId"), parent}}).isEmpty());
        QVERIFY(refusedFor(m_admin.del(under("/api/org-departments", parent)), QStringLiteral("1 个启用的下级部门")));

        const QString empty = team(m_east, QStringLiteral("E组"));
        QCOMPARE(m_admin.del(under("/api/org-departments", empty)).status, 200);
        QVERIFY(rowWhere(resultsOf(m_admin.get("/api/org-departments")), QStringLiteral("id"), empty).isEmpty());
        QCOMPARE(rowWhere(resultsOf(m_admin.get("/api/org-departments?activeOnly=false")), QStringLiteral("id"), empty)
                     .value(QStringLiteral("active"))
                     .toInt(),
                 0);
        QCOMPARE(auditRows(m_admin, QStringLiteral("org_department"), QStringLiteral("delete"), empty).size(), 1);
        QCOMPARE(m_admin.del("/api/org-departments/nope").status, 404);
    }

    // The modules a department allows gate its members' requests; a change applies to their very next one.
    void allowedModulesApplyAtOnce()
    {
        const QString gated = team(m_east, QStringLiteral("F组"), QJsonObject{{QStringLiteral("allowedModules"), QJsonArray{QStringLiteral("hr.*")}}});
        const ApiClient member = signInStaff(m_server, {QStringLiteral("f1@office.test"), Password, m_teamPosition, m_east, gated, {}, true});
        QVERIFY(!member.token().isEmpty());
        QCOMPARE(member.get("/api/sites").status, 403);

        const QByteArray path = under("/api/org-departments", gated);
        QCOMPARE(m_admin.put(path, QJsonObject{{QStringLiteral("allowedModules"), QJsonArray{QStringLiteral("hr.*"), QStringLiteral("site")}}})
                     .status,
                 200);
        QCOMPARE(member.get("/api/sites").status, 200);
        QCOMPARE(m_admin.put(path, QJsonObject{{QStringLiteral("allowedModules"), QJsonValue::Null}}).status, 200); // back to all
        QCOMPARE(member.get("/api/sites").status, 200);
        QCOMPARE(m_admin.put(path, QJsonObject{{QStringLiteral("allowedModules"), QJsonArray{QStringLiteral("self")}}}).status, 200);
        QCOMPARE(member.get("/api/sites").status, 403);

        const QJsonObject change = auditRows(m_admin, QStringLiteral("org_department"), QStringLiteral("update"), gated).first().toObject();
        const QJsonObject modules = change.value(QStringLiteral("detail")).toObject().value(QStringLiteral("changes")).toObject()
                                        .value(QStringLiteral("allowedModules")).toObject();
        QVERIFY(modules.value(QStringLiteral("from")).isNull());
        QCOMPARE(modules.value(QStringLiteral("to")).toArray(), QJsonArray{QStringLiteral("self")});
    }

    void positionsListTheActiveOnes()
    {
        QVERIFY(execSql(m_server, QStringLiteral("INSERT INTO positions (id, code, name, level, function_role, active, created_at) "
                                                 "VALUES ('retired-pos', 'retired', '旧职位', 2, 'member', 0, 0)")));
        const QJsonArray positions = resultsOf(m_admin.get("/api/positions"));
        QVERIFY(!rowWhere(positions, QStringLiteral("code"), QStringLiteral("system_admin")).isEmpty());
        QVERIFY(!rowWhere(positions, QStringLiteral("id"), m_teamPosition).isEmpty());
        QVERIFY(rowWhere(positions, QStringLiteral("id"), QStringLiteral("retired-pos")).isEmpty());
    }

    void positionsAvailableFollowTheDepartment()
    {
        const QString office = team(QStringLiteral("hq"), QStringLiteral("总部行政"));
        HttpReply reply = m_admin.get("/api/positions/available?orgDepartmentId=" + office.toUtf8());
        QCOMPARE(reply.status, 200);
        for (const QJsonValue &p : resultsOf(reply))
            QCOMPARE(p.toObject().value(QStringLiteral("level")).toInt(), 1);
        QVERIFY(!rowWhere(resultsOf(reply), QStringLiteral("id"), m_hqPosition).isEmpty());
        QVERIFY(reply.json().value(QStringLiteral("grouped")).toObject().contains(QStringLiteral("总部职位")));
        QJsonObject info = reply.json().value(QStringLiteral("department_info")).toObject();
        QCOMPARE(info.value(QStringLiteral("project_id")).toString(), QStringLiteral("hq"));
        QCOMPARE(info.value(QStringLiteral("is_hq")).toBool(), true);
        QCOMPARE(info.value(QStringLiteral("department_name")).toString(), QStringLiteral("总部行政"));

        const QString limited = team(m_east, QStringLiteral("G组"), QJsonObject{{QStringLiteral("allowedPositions"), QJsonArray{m_teamPosition}}});
        reply = m_admin.get("/api/positions/available?orgDepartmentId=" + limited.toUtf8());
        QCOMPARE(resultsOf(reply).size(), 1);
        QCOMPARE(resultsOf(reply).first().toObject().value(QStringLiteral("id")).toString(), m_teamPosition);
        QCOMPARE(reply.json().value(QStringLiteral("grouped")).toObject().value(QStringLiteral("组级职位")).toArray().size(), 1);
        info = reply.json().value(QStringLiteral("department_info")).toObject();
        QCOMPARE(info.value(QStringLiteral("project_id")).toString(), m_east);
        QCOMPARE(info.value(QStringLiteral("project_name")).toString(), QStringLiteral("东区项目"));
        QCOMPARE(info.value(QStringLiteral("is_hq")).toBool(), false);

        const QString open = team(m_east, QStringLiteral("H组"));
        const QJsonArray any = resultsOf(m_admin.get("/api/positions/available?orgDepartmentId=" + open.toUtf8()));
        QVERIFY(!rowWhere(any, QStringLiteral("id"), m_leadPosition).isEmpty());
        QVERIFY(rowWhere(any, QStringLiteral("id"), m_hqPosition).isEmpty());
        QVERIFY(rowWhere(any, QStringLiteral("id"), QStringLiteral("retired-pos")).isEmpty());

        QVERIFY(namesField(m_admin.get("/api/positions/available"), QStringLiteral("orgDepartmentId")));
        QCOMPARE(m_admin.get("/api/positions/available?orgDepartmentId=nope").status, 404);
    }
};

QTEST_GUILESS_MAIN(ApiOrganisationTest)
#include "tst_api_organisation.moc"
