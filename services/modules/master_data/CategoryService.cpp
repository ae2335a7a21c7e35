#include "CategoryService.h"

#include "Conditions.h"
#include "InUse.h"
#include "MasterRules.h"

namespace caiwu {

namespace {

const QString Select = QStringLiteral(
    "SELECT id, name, kind, parent_id AS parentId, sort_order AS sortOrder, active, version FROM categories");

MasterTable categories()
{
    return {.table = QStringLiteral("categories"),
            .entity = QStringLiteral("category"),
            .noun = QStringLiteral("类别"),
            .duplicateMessage = QStringLiteral("同一收支类型下已有同名的类别"),
            .columns = {{QStringLiteral("name"), QStringLiteral("name")},
                        {QStringLiteral("kind"), QStringLiteral("kind")},
                        {QStringLiteral("parentId"), QStringLiteral("parent_id")},
                        {QStringLiteral("sortOrder"), QStringLiteral("sort_order")},
                        {QStringLiteral("active"), QStringLiteral("active")}},
            .select = Select,
            .selectKey = QStringLiteral("id"),
            .order = QStringLiteral("ORDER BY kind, sort_order, name")};
}

} // namespace

const QStringList CategoryService::Kinds = {QStringLiteral("income"), QStringLiteral("expense")};

CategoryService::CategoryService(Database &db, AuditTrail &audit)
    : MasterRecords(db, audit, categories())
{
}

Result<QJsonArray> CategoryService::list(const Filter &filter) const
{
    Conditions where;
    where.apply(filter.options, QStringLiteral("active"), {QStringLiteral("name")});
    if (!filter.kind.isEmpty())
        where.add(QStringLiteral("kind = ?"), {filter.kind});
    return rows(where);
}

Result<void> CategoryService::prepare(const QSqlDatabase &db, const QString &key, QJsonObject &row, const QJsonObject &before)
{
    const QString kind = row.value(QStringLiteral("kind")).toString();
    if (!Kinds.contains(kind))
        return MasterRules::invalid(QStringLiteral("kind"), QStringLiteral("kind must be income or expense"));
    const bool kindChanged = MasterRules::changed(row, before, QStringLiteral("kind"));
    if (kindChanged && !before.isEmpty()) {
        // Flows booked under it, or sub-categories of the old kind, would end up on the wrong side.
        auto uses = InUse::describe(db, table(), key);
        if (!uses)
            return uses.error();
        if (!uses->isEmpty())
            return AppError::business(QStringLiteral("不能更改收支类型：该类别已被 %1 使用。").arg(*uses));
    }

    const QString field = QStringLiteral("parentId");
    const QString parent = row.value(field).toString();
    if (parent.isEmpty() || !(kindChanged || MasterRules::changed(row, before, field)))
        return {};
    return MasterRules::requireParent(db, QStringLiteral("categories"), key, parent, field, QStringLiteral("kind"), kind,
                                      QStringLiteral("the parent category is not of kind %1").arg(kind));
}

} // namespace caiwu
