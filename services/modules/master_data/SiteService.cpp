#include "SiteService.h"

#include "Conditions.h"
#include "MasterRules.h"

namespace caiwu {

namespace {

const QString Select = QStringLiteral(
    "SELECT s.id, s.department_id AS departmentId, s.name, s.site_code AS siteCode, s.active, s.created_at AS createdAt, "
    "s.updated_at AS updatedAt, s.version, d.name AS departmentName FROM sites s LEFT JOIN departments d ON d.id = s.department_id");

MasterTable sites()
{
    return {.table = QStringLiteral("sites"),
            .entity = QStringLiteral("site"),
            .noun = QStringLiteral("站点"),
            .stamped = true,
            .duplicateMessage = QStringLiteral("该项目下已有同名的启用站点"),
            .columns = {{QStringLiteral("departmentId"), QStringLiteral("department_id")},
                        {QStringLiteral("name"), QStringLiteral("name")},
                        {QStringLiteral("siteCode"), QStringLiteral("site_code")},
                        {QStringLiteral("active"), QStringLiteral("active")}},
            .select = Select,
            .selectKey = QStringLiteral("s.id"),
            .order = QStringLiteral("ORDER BY s.name, s.id")};
}

} // namespace

SiteService::SiteService(Database &db, AuditTrail &audit)
    : MasterRecords(db, audit, sites())
{
}

Result<QJsonArray> SiteService::list(const Filter &filter) const
{
    Conditions where;
    where.apply(filter.options, QStringLiteral("s.active"), {QStringLiteral("s.name"), QStringLiteral("s.site_code")});
    if (!filter.departmentId.isEmpty())
        where.add(QStringLiteral("s.department_id = ?"), {filter.departmentId});
    return rows(where);
}

Result<void> SiteService::prepare(const QSqlDatabase &db, const QString &, QJsonObject &row, const QJsonObject &before)
{
    const QString project = QStringLiteral("departmentId");
    // Moving a site, or bringing it back, needs a project that is itself in use.
    const bool reactivated = !before.isEmpty() && row.value(QStringLiteral("active")).toInteger() == 1
        && before.value(QStringLiteral("active")).toInteger() == 0;
    if (MasterRules::changed(row, before, project) || reactivated)
        return MasterRules::requireActive(db, QStringLiteral("departments"), QStringLiteral("id"), row.value(project).toString(),
                                          project, QStringLiteral("project"));
    return {};
}

} // namespace caiwu
