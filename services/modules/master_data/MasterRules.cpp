#include "MasterRules.h"

#include "storage/Sql.h"

namespace caiwu::MasterRules {

AppError invalid(const QString &field, const QString &message)
{
    return AppError::validation(message, QJsonObject{{QStringLiteral("path"), field}});
}

bool changed(const QJsonObject &row, const QJsonObject &before, const QString &field)
{
    return before.isEmpty() || row.value(field) != before.value(field);
}

Result<void> requireActive(const QSqlDatabase &db, const QString &table, const QString &keyColumn, const QString &key,
                           const QString &field, const QString &what)
{
    auto n = Sql::number(db, QStringLiteral("SELECT count(*) FROM %1 WHERE %2 = ? AND active = 1").arg(table, keyColumn), {key},
                         QStringLiteral("check a %1").arg(what));
    if (!n)
        return n.error();
    if (*n == 0)
        return invalid(field, QStringLiteral("%1: no active %2 with id %3").arg(field, what, key));
    return {};
}

Result<void> requireParent(const QSqlDatabase &db, const QString &table, const QString &id, const QString &parentId,
                           const QString &field, const QString &sharedColumn, const QString &sharedValue, const QString &mismatch)
{
    if (auto ok = requireActive(db, table, QStringLiteral("id"), parentId, field, QStringLiteral("parent")); !ok)
        return ok;
    auto q = Sql::run(db, QStringLiteral("SELECT %1 FROM %2 WHERE id = ?").arg(sharedColumn, table), {parentId},
                      QStringLiteral("read the parent"));
    if (!q)
        return q.error();
    if (q->next() && q->value(0).toString() != sharedValue)
        return invalid(field, QStringLiteral("%1: %2").arg(field, mismatch));
    return refuseCycle(db, table, id, parentId, field);
}

Result<void> refuseCycle(const QSqlDatabase &db, const QString &table, const QString &id, const QString &parentId,
                         const QString &field)
{
    if (id.isEmpty())
        return {}; // a new record has no descendants
    if (parentId == id)
        return invalid(field, QStringLiteral("%1: a record cannot be its own parent").arg(field));
    // The parent and its ancestors; UNION (not UNION ALL) ends the walk even on a damaged tree.
    auto n = Sql::number(db, QStringLiteral("WITH RECURSIVE up(id) AS (SELECT ? UNION SELECT t.parent_id FROM %1 t JOIN up ON t.id = up.id "
                                            "WHERE t.parent_id IS NOT NULL) SELECT count(*) FROM up WHERE id = ?").arg(table),
                         {parentId, id}, QStringLiteral("check the %1 tree").arg(table));
    if (!n)
        return n.error();
    if (*n > 0)
        return invalid(field, QStringLiteral("%1: %2 lies below this record; it cannot also be its parent").arg(field, parentId));
    return {};
}

} // namespace caiwu::MasterRules
