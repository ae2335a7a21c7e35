#include "OrgDepartmentService.h"

#include "Conditions.h"
#include "MasterRules.h"
#include "auth/PermissionCatalog.h"
#include "auth/SessionStore.h"
#include "modules/positions/PositionService.h"
#include "storage/Sql.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace caiwu {

namespace {

const QString Select = QStringLiteral(
    "SELECT o.id, o.project_id, o.parent_id AS parentId, o.name, o.code, o.description, o.allowed_modules, "
    "o.allowed_positions, o.default_position_id, o.active, o.sort_order AS sortOrder, o.created_at AS createdAt, "
    "o.updated_at AS updatedAt, o.version, p.name AS default_position_name, up.name AS parent_name, d.name AS project_name "
    "FROM org_departments o LEFT JOIN positions p ON p.id = o.default_position_id "
    "LEFT JOIN org_departments up ON up.id = o.parent_id LEFT JOIN departments d ON d.id = o.project_id");

const QString ProjectId = QStringLiteral("projectId");
const QString ParentId = QStringLiteral("parentId");
const QString AllowedModules = QStringLiteral("allowedModules");
const QString AllowedPositions = QStringLiteral("allowedPositions");
const QString DefaultPosition = QStringLiteral("defaultPositionId");

MasterTable orgDepartments()
{
    return {.table = QStringLiteral("org_departments"),
            .entity = QStringLiteral("org_department"),
            .noun = QStringLiteral("部门"),
            .stamped = true,
            .removal = MasterTable::Removal::Retire,
            .columns = {{ProjectId, QStringLiteral("project_id")},
                        {ParentId, QStringLiteral("parent_id")},
                        {QStringLiteral("name"), QStringLiteral("name")},
                        {QStringLiteral("code"), QStringLiteral("code")},
                        {QStringLiteral("description"), QStringLiteral("description")},
                        {AllowedModules, QStringLiteral("allowed_modules"), true},
                        {AllowedPositions, QStringLiteral("allowed_positions"), true},
                        {DefaultPosition, QStringLiteral("default_position_id")},
                        {QStringLiteral("sortOrder"), QStringLiteral("sort_order")},
                        {QStringLiteral("active"), QStringLiteral("active")}},
            .select = Select,
            .selectKey = QStringLiteral("o.id"),
            .order = QStringLiteral("ORDER BY o.sort_order, o.name, o.id")};
}

} // namespace

// The JSON arrays kept as text, as the API shows them: allowed_modules defaults to ["*"].
QJsonObject OrgDepartmentService::shown(QJsonObject row) const
{
    const auto parsed = [](const QJsonValue &text) {
        const QJsonDocument doc = QJsonDocument::fromJson(text.toString().toUtf8());
        return doc.isArray() ? QJsonValue(doc.array()) : QJsonValue(QJsonValue::Null);
    };
    const QJsonValue modules = parsed(row.value(QStringLiteral("allowed_modules")));
    row.insert(QStringLiteral("allowed_modules"), modules.isNull() ? QJsonArray{QStringLiteral("*")} : modules);
    row.insert(QStringLiteral("allowed_positions"), parsed(row.value(QStringLiteral("allowed_positions"))));
    return row;
}

namespace {

// "*", a catalogued module, or a module + ".*": what the access gate's module check understands.
bool isModuleEntry(const QString &entry)
{
    if (entry == QLatin1String("*"))
        return true;
    const QString module = entry.endsWith(QLatin1String(".*")) ? entry.chopped(2) : entry;
    return PermissionCatalog::isModule(module);
}

bool fitsLevel(int level, bool hq)
{
    return hq ? level == 1 : level == 2 || level == 3;
}

} // namespace

OrgDepartmentService::OrgDepartmentService(Database &db, AuditTrail &audit, SessionStore &sessions)
    : MasterRecords(db, audit, orgDepartments())
    , m_sessions(sessions)
{
}

Result<QJsonArray> OrgDepartmentService::list(const Filter &filter) const
{
    Conditions where;
    where.apply(filter.options, QStringLiteral("o.active"), {QStringLiteral("o.name"), QStringLiteral("o.code")}, true);
    if (filter.projectId)
        where.add(filter.projectId->isEmpty() ? QStringLiteral("o.project_id IS NULL") : QStringLiteral("o.project_id = ?"),
                  filter.projectId->isEmpty() ? QVariantList{} : QVariantList{*filter.projectId});
    return rows(where);
}

Result<OrgDepartmentService::Placement> OrgDepartmentService::placement(const QString &id) const
{
    auto row = find(id);
    if (!row)
        return row.error();
    Placement p{id, row->value(QStringLiteral("name")).toString(), row->value(QStringLiteral("project_id")).toString(),
                row->value(QStringLiteral("project_name")).toString(), {}};
    for (const QJsonValue &position : row->value(QStringLiteral("allowed_positions")).toArray())
        p.allowedPositions << position.toString();
    return p;
}

Result<void> OrgDepartmentService::prepare(const QSqlDatabase &db, const QString &key, QJsonObject &row, const QJsonObject &before)
{
    if (row.value(ProjectId).toString().compare(QLatin1String("hq"), Qt::CaseInsensitive) == 0)
        row.insert(ProjectId, QJsonValue::Null); // the reference's spelling of "at HQ"
    const bool moved = !before.isEmpty() && MasterRules::changed(row, before, ProjectId);
    const QString project = row.value(ProjectId).toString();
    if (!project.isEmpty() && MasterRules::changed(row, before, ProjectId))
        if (auto ok = MasterRules::requireActive(db, QStringLiteral("departments"), QStringLiteral("id"), project, ProjectId,
                                                 QStringLiteral("project"));
            !ok)
            return ok;
    if (moved)
        if (auto ok = checkEmpty(db, key, QStringLiteral("不能移到其他项目")); !ok)
            return ok;
    const bool retiring = !before.isEmpty() && row.value(QStringLiteral("active")).toInteger() == 0
        && before.value(QStringLiteral("active")).toInteger() == 1;
    if (retiring)
        if (auto ok = checkEmpty(db, key, QStringLiteral("不能停用")); !ok)
            return ok;
    if (MasterRules::changed(row, before, ParentId) || moved)
        if (auto ok = checkParent(db, key, row); !ok)
            return ok;

    const QJsonArray modules = row.value(AllowedModules).toArray();
    for (qsizetype i = 0; i < modules.size(); ++i)
        if (!isModuleEntry(modules[i].toString()))
            return MasterRules::invalid(QStringLiteral("%1[%2]").arg(AllowedModules).arg(i),
                                        QStringLiteral("allowedModules holds \"*\", a module (finance, hr, asset, report, system, "
                                                       "site, self) or a module followed by \".*\"; not %1").arg(modules[i].toString()));
    if (moved || MasterRules::changed(row, before, AllowedPositions) || MasterRules::changed(row, before, DefaultPosition))
        return checkPositions(row);
    return {};
}

Result<void> OrgDepartmentService::checkParent(const QSqlDatabase &db, const QString &key, const QJsonObject &row)
{
    const QString parent = row.value(ParentId).toString();
    if (parent.isEmpty())
        return {};
    return MasterRules::requireParent(db, QStringLiteral("org_departments"), key, parent, ParentId, QStringLiteral("project_id"),
                                      row.value(ProjectId).toString(), QStringLiteral("the parent department belongs to another project"));
}

Result<void> OrgDepartmentService::checkPositions(const QJsonObject &row) const
{
    const bool hq = row.value(ProjectId).toString().isEmpty();
    const QString levels = hq ? QStringLiteral("level 1 (HQ)") : QStringLiteral("level 2 or 3 (project)");
    PositionService positions(m_db, m_audit, m_sessions);
    auto check = [&](const QString &field, const QString &id) -> Result<void> {
        auto position = positions.find(id);
        if (!position)
            return position.error().status == 404 ? MasterRules::invalid(field, QStringLiteral("%1: no position with id %2").arg(field, id))
                                                  : position.error();
        if (!position->active)
            return MasterRules::invalid(field, QStringLiteral("%1: the position %2 is retired").arg(field, position->name));
        if (!fitsLevel(position->level, hq))
            return MasterRules::invalid(field, QStringLiteral("%1: the position %2 is level %3; this department takes %4 positions")
                                                   .arg(field, position->name)
                                                   .arg(position->level)
                                                   .arg(levels));
        return {};
    };
    QStringList allowed;
    const QJsonArray list = row.value(AllowedPositions).toArray();
    for (qsizetype i = 0; i < list.size(); ++i) {
        if (auto ok = check(QStringLiteral("%1[%2]").arg(AllowedPositions).arg(i), list[i].toString()); !ok)
            return ok;
        allowed << list[i].toString();
    }
    const QString defaultPosition = row.value(DefaultPosition).toString();
    if (defaultPosition.isEmpty())
        return {};
    if (!allowed.isEmpty() && !allowed.contains(defaultPosition))
        return MasterRules::invalid(DefaultPosition, QStringLiteral("defaultPositionId must be one of allowedPositions"));
    return check(DefaultPosition, defaultPosition);
}

Result<void> OrgDepartmentService::checkEmpty(const QSqlDatabase &db, const QString &key, const QString &refusal) const
{
    // Active members and sub-departments; the employees table has no service of its own to ask yet.
    auto q = Sql::run(db, QStringLiteral("SELECT (SELECT count(*) FROM employees WHERE org_department_id = ? AND active = 1), "
                                         "(SELECT count(*) FROM org_departments WHERE parent_id = ? AND active = 1)"),
                      {key, key}, QStringLiteral("count the department's members"));
    if (!q)
        return q.error();
    const qint64 members = q->next() ? q->value(0).toLongLong() : 0;
    const qint64 teams = q->value(1).toLongLong();
    if (members == 0 && teams == 0)
        return {};
    QStringList parts;
    if (members > 0)
        parts << QStringLiteral("%1 名在职员工").arg(members);
    if (teams > 0)
        parts << QStringLiteral("%1 个启用的下级部门").arg(teams);
    return AppError::business(QStringLiteral("%1：该部门下还有 %2，请先调走或停用。").arg(refusal, parts.join(QStringLiteral("、"))));
}

Result<void> OrgDepartmentService::removable(const QSqlDatabase &db, const QString &key, const QJsonObject &)
{
    return checkEmpty(db, key, QStringLiteral("不能删除"));
}

void OrgDepartmentService::committed(const QJsonObject &changes)
{
    // Sessions cache each member's allowed modules; drop them so the change applies at once.
    if (changes.contains(AllowedModules) || changes.contains(QStringLiteral("active")) || changes.contains(ProjectId))
        m_sessions.forgetAll();
}

} // namespace caiwu
