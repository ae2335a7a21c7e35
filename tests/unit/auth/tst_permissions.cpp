// Permissions: who may do what (module.sub.action behind the org department's module gate) and
// which rows they see (positions.data_scope).
#include "auth/Permissions.h"

#include <QJsonDocument>
#include <QTest>

using namespace caiwu;

Q_DECLARE_METATYPE(caiwu::Principal)
Q_DECLARE_METATYPE(caiwu::DataScope)

namespace {

QJsonObject matrix(const char *json)
{
    return QJsonDocument::fromJson(QByteArray(json)).object();
}

// The full matrix an HQ director holds (with the reference's fixed report rights).
const char *FullMatrix = R"({
  "finance": {"flow": ["view","create","update","delete"], "transfer": ["view","create"]},
  "hr": {"employee": ["view","create","update","delete"], "salary": ["view","create"]},
  "report": {"finance": ["view"], "salary": ["view"], "hr": ["view"]},
  "system": {"position": ["view","create","update","delete"]}
})";

Principal hqDirector()
{
    Principal p;
    p.employeeId = QStringLiteral("e-hq");
    p.level = 1;
    p.scope = DataScope::All;
    p.permissions = matrix(FullMatrix);
    p.allowedModules = {QStringLiteral("self.*")}; // ignored at level 1
    return p;
}

Principal projectFinance(QStringList allowed = {QStringLiteral("finance.*"), QStringLiteral("self.*")})
{
    Principal p;
    p.employeeId = QStringLiteral("e-pf");
    p.departmentId = QStringLiteral("proj-a");
    p.orgDepartmentId = QStringLiteral("team-a1");
    p.level = 2;
    p.scope = DataScope::Project;
    p.permissions = matrix(R"({"finance":{"flow":["view","create"]},"hr":{"employee":["view"]}})");
    p.allowedModules = std::move(allowed);
    return p;
}

Principal teamMember(const QString &id = QStringLiteral("e-tm"), const QString &team = QStringLiteral("team-a1"),
                     DataScope scope = DataScope::Self)
{
    Principal p;
    p.employeeId = id;
    p.departmentId = QStringLiteral("proj-a");
    p.orgDepartmentId = team;
    p.level = 3;
    p.scope = scope;
    p.permissions = matrix(R"({"finance":{"flow":["view"]},"site":{"bill":["view"]}})");
    p.allowedModules = {QStringLiteral("*")};
    return p;
}

Principal withModules(Principal p, QStringList allowed)
{
    p.allowedModules = std::move(allowed);
    return p;
}

// Evaluates a rowFilter result on one row by hand, with SQL's NULL semantics (empty = NULL).
bool evaluate(const Permissions::Filter &filter, const QHash<QString, QString> &row)
{
    if (filter.sql == QLatin1String("1=1"))
        return true;
    if (filter.sql == QLatin1String("0=1"))
        return false;
    const QString suffix = QStringLiteral(" = ?");
    if (!filter.sql.endsWith(suffix) || filter.values.size() != 1)
        return (qFatal("unexpected filter %s", qPrintable(filter.sql)), false);
    const QString value = row.value(filter.sql.chopped(suffix.size()));
    return !value.isEmpty() && value == filter.values.first().toString();
}

} // namespace

class TestPermissions : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void allowsMatrix_data();
    void allowsMatrix();
    void dottedAndSplitFormsAgree();
    void requireAnswersForbidden();
    void parseMatrix_data();
    void parseMatrix();
    void parseScope_data();
    void parseScope();
    void rowFilter_data();
    void rowFilter();
    void canSeeAgreesWithRowFilter();
    void teamMemberCannotSeeAnotherTeam();
};

void TestPermissions::allowsMatrix_data()
{
    QTest::addColumn<Principal>("who");
    QTest::addColumn<QString>("permission");
    QTest::addColumn<bool>("allowed");

    const Principal hq = hqDirector();
    QTest::newRow("hq finance.flow.delete") << hq << "finance.flow.delete" << true;
    QTest::newRow("hq hr.employee.create (module not in allowedModules)") << hq << "hr.employee.create" << true;
    QTest::newRow("hq system.position.update") << hq << "system.position.update" << true;
    QTest::newRow("hq report.finance.view") << hq << "report.finance.view" << true;
    QTest::newRow("hq not granted: finance.transfer.delete") << hq << "finance.transfer.delete" << false;
    QTest::newRow("hq not granted: asset.fixed.view") << hq << "asset.fixed.view" << false;

    const Principal pf = projectFinance();
    QTest::newRow("project finance.flow.create") << pf << "finance.flow.create" << true;
    QTest::newRow("project finance.flow.view") << pf << "finance.flow.view" << true;
    QTest::newRow("project finance.flow.delete") << pf << "finance.flow.delete" << false;
    QTest::newRow("project hr.employee.view gated") << pf << "hr.employee.view" << false;
    QTest::newRow("project gate hr.* only") << projectFinance({QStringLiteral("hr.*")}) << "finance.flow.create" << false;
    QTest::newRow("project gate *") << projectFinance({QStringLiteral("*")}) << "hr.employee.view" << true;
    QTest::newRow("project gate exact module") << projectFinance({QStringLiteral("finance")}) << "finance.flow.create" << true;
    QTest::newRow("project gate module.sub entry") << projectFinance({QStringLiteral("finance.flow")}) << "finance.flow.create" << true;
    QTest::newRow("project gate no string prefix: fin") << projectFinance({QStringLiteral("fin")}) << "finance.flow.create" << false;
    QTest::newRow("project gate no string prefix: fin*") << projectFinance({QStringLiteral("fin*")}) << "finance.flow.create" << false;
    QTest::newRow("project gate no string prefix: fin.*") << projectFinance({QStringLiteral("fin.*")}) << "finance.flow.create" << false;
    QTest::newRow("project gate longer name: finances.*") << projectFinance({QStringLiteral("finances.*")}) << "finance.flow.create" << false;
    QTest::newRow("project gate empty list = [*]") << projectFinance({}) << "hr.employee.view" << true;
    QTest::newRow("project gate case-sensitive") << projectFinance({QStringLiteral("Finance.*")}) << "finance.flow.create" << false;

    const Principal tm = teamMember();
    QTest::newRow("team view") << tm << "finance.flow.view" << true;
    QTest::newRow("team create") << tm << "finance.flow.create" << false;
    QTest::newRow("team update") << tm << "finance.flow.update" << false;
    QTest::newRow("team delete") << tm << "finance.flow.delete" << false;
    QTest::newRow("team site.bill.create (unchecked in the reference)") << tm << "site.bill.create" << false;
    QTest::newRow("level 3 gated too") << withModules(tm, {QStringLiteral("self.*")}) << "finance.flow.view" << false;

    Principal empty = projectFinance({QStringLiteral("*")});
    empty.permissions = {};
    QTest::newRow("no permissions") << empty << "finance.flow.view" << false;
    Principal hqEmpty = hqDirector();
    hqEmpty.permissions = {};
    QTest::newRow("hq without permissions") << hqEmpty << "finance.flow.view" << false;
    Principal emptyActions = empty;
    emptyActions.permissions = matrix(R"({"finance":{"flow":[]}})");
    QTest::newRow("empty action list") << emptyActions << "finance.flow.view" << false;
    Principal wrongShape = empty;
    wrongShape.permissions = matrix(R"({"finance":{"flow":"view"},"hr":["employee"]})");
    QTest::newRow("wrong shape: string instead of array") << wrongShape << "finance.flow.view" << false;
    QTest::newRow("wrong shape: array instead of object") << wrongShape << "hr.employee.view" << false;
    Principal noWildcard = empty;
    noWildcard.permissions = matrix(R"({"finance":{"flow":["*"]}})");
    QTest::newRow("no action wildcard") << noWildcard << "finance.flow.view" << false;

    Principal seedQuirk = hqDirector();
    seedQuirk.permissions = matrix(R"({"report":{"view":["finance","salary"]}})");
    QTest::newRow("report.view seed does not grant report.finance.view") << seedQuirk << "report.finance.view" << false;
    QTest::newRow("report.view seed grants nothing for report.salary.view") << seedQuirk << "report.salary.view" << false;

    QTest::newRow("malformed two parts") << hq << "finance.flow" << false;
    QTest::newRow("malformed four parts") << hq << "a.b.c.d" << false;
    QTest::newRow("malformed four parts (real prefix)") << hq << "finance.flow.view.x" << false;
    QTest::newRow("malformed empty") << hq << "" << false;
    QTest::newRow("malformed empty part") << hq << "finance..view" << false;
    QTest::newRow("malformed trailing dot") << hq << "finance.flow." << false;
    QTest::newRow("malformed spaces") << hq << " finance.flow.view" << false;
}

void TestPermissions::allowsMatrix()
{
    QFETCH(Principal, who);
    QFETCH(QString, permission);
    QFETCH(bool, allowed);
    QCOMPARE(Permissions::allows(who, permission), allowed);
}

void TestPermissions::dottedAndSplitFormsAgree()
{
    const QList<Principal> people{hqDirector(), projectFinance(), projectFinance({QStringLiteral("hr.*")}), teamMember()};
    const QStringList modules{"finance", "hr", "report", "system", "site", ""};
    const QStringList subs{"flow", "employee", "finance", "position", "bill", ""};
    const QStringList actions{"view", "create", "update", "delete", ""};
    for (const Principal &who : people)
        for (const QString &m : modules)
            for (const QString &s : subs)
                for (const QString &a : actions) {
                    const QString dotted = m + '.' + s + '.' + a;
                    QVERIFY2(Permissions::allows(who, m, s, a) == Permissions::allows(who, dotted), qPrintable(dotted));
                }
    QVERIFY(!Permissions::allows(hqDirector(), QString(), QStringLiteral("flow"), QStringLiteral("view")));
}

void TestPermissions::requireAnswersForbidden()
{
    QVERIFY(Permissions::require(projectFinance(), QStringLiteral("finance.flow.create")).ok());
    const Result<void> denied = Permissions::require(projectFinance(), QStringLiteral("finance.flow.delete"));
    QVERIFY(!denied.ok());
    QCOMPARE(denied.error().status, 403);
    const QJsonObject body = denied.error().toJson();
    QCOMPARE(body.value("code").toString(), QStringLiteral("FORBIDDEN"));
    QVERIFY(body.value("error").toString().contains(QStringLiteral("finance.flow.delete")));
}

void TestPermissions::parseMatrix_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QString>("path");

    QTest::newRow("empty object") << QByteArray("{}") << true << QString();
    QTest::newRow("full matrix") << QByteArray(FullMatrix) << true << QString();
    QTest::newRow("empty action list") << QByteArray(R"({"finance":{"flow":[]}})") << true << QString();
    QTest::newRow("not JSON") << QByteArray("{finance:") << false << "permissions";
    QTest::newRow("empty text") << QByteArray("") << false << "permissions";
    QTest::newRow("array") << QByteArray(R"([{"finance":{}}])") << false << "permissions";
    QTest::newRow("string") << QByteArray(R"("finance")") << false << "permissions";
    QTest::newRow("sub not an object") << QByteArray(R"({"finance":["flow"]})") << false << "permissions.finance";
    QTest::newRow("module null") << QByteArray(R"({"finance":null})") << false << "permissions.finance";
    QTest::newRow("actions not an array") << QByteArray(R"({"finance":{"flow":"view"}})") << false << "permissions.finance.flow";
    QTest::newRow("action not a string") << QByteArray(R"({"hr":{},"finance":{"flow":["view",3]}})") << false << "permissions.finance.flow[1]";
    QTest::newRow("action empty") << QByteArray(R"({"finance":{"flow":[""]}})") << false << "permissions.finance.flow[0]";
    QTest::newRow("dotted module") << QByteArray(R"({"report.finance":{"x":["view"]}})") << false << "permissions.report.finance";
    QTest::newRow("empty sub name") << QByteArray(R"({"finance":{"":["view"]}})") << false << "permissions.finance.";
}

void TestPermissions::parseMatrix()
{
    QFETCH(QByteArray, json);
    QFETCH(bool, valid);
    QFETCH(QString, path);

    const Result<QJsonObject> parsed = Permissions::parseMatrix(json);
    QCOMPARE(parsed.ok(), valid);
    if (valid) {
        QCOMPARE(*parsed, QJsonDocument::fromJson(json).object());
        return;
    }
    QCOMPARE(parsed.error().status, 400);
    QCOMPARE(parsed.error().code, QByteArray("VALIDATION_ERROR"));
    QCOMPARE(parsed.error().details.value("path").toString(), path);
    QVERIFY2(parsed.error().message.startsWith(path + ':'), qPrintable(parsed.error().message));
}

void TestPermissions::parseScope_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<DataScope>("scope");
    QTest::newRow("all") << "all" << true << DataScope::All;
    QTest::newRow("project") << "project" << true << DataScope::Project;
    QTest::newRow("group") << "group" << true << DataScope::Group;
    QTest::newRow("self") << "self" << true << DataScope::Self;
    QTest::newRow("ALL") << "ALL" << false << DataScope::Self;
    QTest::newRow("empty") << "" << false << DataScope::Self;
    QTest::newRow("department") << "department" << false << DataScope::Self;
}

void TestPermissions::parseScope()
{
    QFETCH(QString, text);
    QFETCH(bool, ok);
    QFETCH(DataScope, scope);
    bool parsedOk = !ok;
    QCOMPARE(Permissions::parseScope(text, &parsedOk), scope);
    QCOMPARE(parsedOk, ok);
    if (ok)
        QCOMPARE(Permissions::scopeName(scope), text);
}

void TestPermissions::rowFilter_data()
{
    QTest::addColumn<Principal>("who");
    QTest::addColumn<QString>("projectColumn");
    QTest::addColumn<QString>("groupColumn");
    QTest::addColumn<QString>("ownerColumn");
    QTest::addColumn<QString>("sql");
    QTest::addColumn<QVariantList>("values");

    const Principal hq = hqDirector();
    const Principal project = projectFinance();
    const Principal group = teamMember(QStringLiteral("e-lead"), QStringLiteral("team-a1"), DataScope::Group);
    const Principal self = teamMember();
    const QVariantList none;

    QTest::newRow("all") << hq << "department_id" << "org_department_id" << "created_by" << "1=1" << none;
    QTest::newRow("all, no columns") << hq << "" << "" << "" << "1=1" << none;
    QTest::newRow("project") << project << "department_id" << "org_department_id" << "created_by"
                             << "department_id = ?" << QVariantList{"proj-a"};
    QTest::newRow("project, qualified column") << project << "cf.department_id" << "" << "cf.created_by"
                                               << "cf.department_id = ?" << QVariantList{"proj-a"};
    Principal homeless = project;
    homeless.departmentId.clear();
    QTest::newRow("project without a department") << homeless << "department_id" << "org_department_id" << "created_by"
                                                  << "0=1" << none;
    QTest::newRow("project, table without project column → owner") << project << "" << "org_department_id" << "created_by"
                                                                  << "created_by = ?" << QVariantList{"e-pf"};
    QTest::newRow("project, table without project or owner column") << project << "" << "org_department_id" << ""
                                                                   << "0=1" << none;
    QTest::newRow("group") << group << "department_id" << "org_department_id" << "created_by"
                           << "org_department_id = ?" << QVariantList{"team-a1"};
    QTest::newRow("group fallback to owner") << group << "department_id" << "" << "created_by"
                                             << "created_by = ?" << QVariantList{"e-lead"};
    QTest::newRow("group, no group or owner column") << group << "department_id" << "" << "" << "0=1" << none;
    Principal teamless = group;
    teamless.orgDepartmentId.clear();
    QTest::newRow("group without an org department") << teamless << "department_id" << "org_department_id" << "created_by"
                                                     << "0=1" << none;
    QTest::newRow("self") << self << "department_id" << "org_department_id" << "created_by"
                          << "created_by = ?" << QVariantList{"e-tm"};
    QTest::newRow("self, no owner column") << self << "department_id" << "org_department_id" << "" << "0=1" << none;
    Principal anonymous = self;
    anonymous.employeeId.clear();
    QTest::newRow("self without an employee id") << anonymous << "" << "" << "created_by" << "0=1" << none;

    QTest::newRow("invalid column: injection") << project << "department_id OR 1=1" << "" << "created_by" << "0=1" << none;
    QTest::newRow("invalid column: upper case") << hq << "DepartmentId" << "" << "" << "0=1" << none;
    QTest::newRow("invalid column: quote") << self << "" << "" << "created_by'" << "0=1" << none;
    QTest::newRow("invalid column: leading digit") << group << "" << "1org" << "created_by" << "0=1" << none;
    QTest::newRow("invalid unused column still refused") << self << "dept;drop" << "" << "created_by" << "0=1" << none;
}

void TestPermissions::rowFilter()
{
    QFETCH(Principal, who);
    QFETCH(QString, projectColumn);
    QFETCH(QString, groupColumn);
    QFETCH(QString, ownerColumn);
    QFETCH(QString, sql);
    QFETCH(QVariantList, values);

    const auto valid = QRegularExpression(QStringLiteral("^[a-z_][a-z0-9_.]*$"));
    for (const QString &column : {projectColumn, groupColumn, ownerColumn})
        if (!column.isEmpty() && !valid.match(column).hasMatch())
            QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("refusing column name")));

    const Permissions::Filter filter = Permissions::rowFilter(who, projectColumn, groupColumn, ownerColumn);
    QCOMPARE(filter.sql, sql);
    QCOMPARE(filter.values, values);
}

void TestPermissions::canSeeAgreesWithRowFilter()
{
    QList<Principal> people{hqDirector(), projectFinance(),
                            teamMember(QStringLiteral("e-lead"), QStringLiteral("team-a1"), DataScope::Group),
                            teamMember(QStringLiteral("e-tm"), QStringLiteral("team-a1"), DataScope::Self),
                            teamMember(QStringLiteral("e-b"), QStringLiteral("team-b1"), DataScope::Group)};
    Principal homeless = projectFinance();
    homeless.departmentId.clear();
    homeless.orgDepartmentId.clear();
    for (DataScope scope : {DataScope::All, DataScope::Project, DataScope::Group, DataScope::Self}) {
        homeless.scope = scope;
        people << homeless;
    }

    const QStringList projects{"proj-a", "proj-b", ""};
    const QStringList groups{"team-a1", "team-b1", ""};
    const QStringList owners{"e-tm", "e-lead", "e-pf", "e-b", ""};
    int checked = 0;
    for (const Principal &who : people) {
        const Permissions::Filter filter = Permissions::rowFilter(who, "department_id", "org_department_id", "created_by");
        for (const QString &p : projects)
            for (const QString &g : groups)
                for (const QString &o : owners) {
                    const QHash<QString, QString> row{{"department_id", p}, {"org_department_id", g}, {"created_by", o}};
                    const bool byFilter = evaluate(filter, row);
                    QVERIFY2(Permissions::canSee(who, p, g, o) == byFilter,
                             qPrintable(QStringLiteral("%1 (%2) row %3/%4/%5")
                                            .arg(who.employeeId, Permissions::scopeName(who.scope), p, g, o)));
                    ++checked;
                }
    }
    QCOMPARE(checked, people.size() * 3 * 3 * 5);
}

void TestPermissions::teamMemberCannotSeeAnotherTeam()
{
    const Principal leadA = teamMember(QStringLiteral("e-lead"), QStringLiteral("team-a1"), DataScope::Group);
    const Principal memberA = teamMember(QStringLiteral("e-tm"), QStringLiteral("team-a1"), DataScope::Self);
    const Principal hq = hqDirector();
    // A row of team B, in the same project, created by team B's member.
    const QString project = QStringLiteral("proj-a"), team = QStringLiteral("team-b1"), owner = QStringLiteral("e-b");

    QVERIFY(!Permissions::canSee(leadA, project, team, owner));
    QVERIFY(!Permissions::canSee(memberA, project, team, owner));
    QVERIFY(Permissions::canSee(hq, project, team, owner));
    QVERIFY(Permissions::canSee(leadA, project, QStringLiteral("team-a1"), owner));

    const QHash<QString, QString> row{{"department_id", project}, {"org_department_id", team}, {"created_by", owner}};
    const auto filterOf = [](const Principal &who) {
        return Permissions::rowFilter(who, "department_id", "org_department_id", "created_by");
    };
    QVERIFY(!evaluate(filterOf(leadA), row));
    QVERIFY(!evaluate(filterOf(memberA), row));
    QVERIFY(evaluate(filterOf(hq), row));
}

QTEST_APPLESS_MAIN(TestPermissions)
#include "tst_permissions.moc"
