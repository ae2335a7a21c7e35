#include "ProjectService.h"

#include "Conditions.h"
#include "MasterRules.h"
#include "storage/Sql.h"

#include <QUuid>

namespace caiwu {

namespace {

const QString Select = QStringLiteral(
    "SELECT d.id, d.hq_id AS hqId, d.name, d.code, d.active, d.created_at AS createdAt, d.updated_at AS updatedAt, "
    "d.version, h.name AS hqName FROM departments d LEFT JOIN headquarters h ON h.id = d.hq_id");

MasterTable projects()
{
    return {.table = QStringLiteral("departments"),
            .entity = QStringLiteral("department"),
            .noun = QStringLiteral("项目"),
            .stamped = true,
            .duplicateMessage = QStringLiteral("已有同名的项目"),
            .columns = {{QStringLiteral("name"), QStringLiteral("name")},
                        {QStringLiteral("hqId"), QStringLiteral("hq_id")},
                        {QStringLiteral("code"), QStringLiteral("code")},
                        {QStringLiteral("active"), QStringLiteral("active")}},
            .select = Select,
            .selectKey = QStringLiteral("d.id"),
            .order = QStringLiteral("ORDER BY d.name")};
}

// The headquarters a project lands under when the caller names none.
Result<QString> defaultHeadquarters(const QSqlDatabase &db)
{
    auto q = Sql::run(db, QStringLiteral("SELECT id FROM headquarters WHERE active = 1 ORDER BY rowid LIMIT 1"), {},
                      QStringLiteral("find the headquarters"));
    if (!q)
        return q.error();
    if (q->next())
        return q->value(0).toString();
    const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    auto insert = Sql::run(db, QStringLiteral("INSERT INTO headquarters (id, name, active) VALUES (?, 'Default HQ', 1)"), {id},
                           QStringLiteral("create the headquarters"));
    if (!insert)
        return insert.error();
    return id;
}

} // namespace

ProjectService::ProjectService(Database &db, AuditTrail &audit)
    : MasterRecords(db, audit, projects())
{
}

Result<QJsonArray> ProjectService::list(const ListOptions &options) const
{
    Conditions where;
    where.apply(options, QStringLiteral("d.active"), {QStringLiteral("d.name"), QStringLiteral("d.code")});
    return rows(where);
}

Result<void> ProjectService::prepare(const QSqlDatabase &db, const QString &, QJsonObject &row, const QJsonObject &before)
{
    const QString hq = QStringLiteral("hqId");
    if (before.isEmpty() && (row.value(hq).isNull() || row.value(hq).isUndefined())) {
        auto id = defaultHeadquarters(db);
        if (!id)
            return id.error();
        row.insert(hq, *id);
        return {};
    }
    if (MasterRules::changed(row, before, hq))
        return MasterRules::requireActive(db, QStringLiteral("headquarters"), QStringLiteral("id"), row.value(hq).toString(), hq,
                                          QStringLiteral("headquarters"));
    return {};
}

} // namespace caiwu
