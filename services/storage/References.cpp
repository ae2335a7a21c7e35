#include "References.h"

#include "Sql.h"

namespace caiwu::References {

namespace {

// Schema names come from sqlite_master, never from a caller; quoting keeps odd ones intact.
QString quoted(QString name)
{
    return QLatin1Char('"') + name.replace(QLatin1Char('"'), QLatin1String("\"\"")) + QLatin1Char('"');
}

} // namespace

Result<QList<Use>> to(const QSqlDatabase &db, const QString &table, const QVariant &key)
{
    auto keys = Sql::run(db, QStringLiteral(
        "SELECT m.name, k.\"from\" FROM sqlite_master m, pragma_foreign_key_list(m.name) k "
        "WHERE m.type = 'table' AND k.\"table\" = ? AND k.on_delete IN ('NO ACTION', 'RESTRICT') ORDER BY m.name, k.\"from\""),
        {table}, QStringLiteral("read the foreign keys"));
    if (!keys)
        return keys.error();
    QList<Use> candidates;
    while (keys->next())
        candidates.append({keys->value(0).toString(), keys->value(1).toString(), 0});
    keys->finish();

    QList<Use> uses;
    for (Use use : candidates) {
        auto n = Sql::number(db, QStringLiteral("SELECT count(*) FROM %1 WHERE %2 = ?").arg(quoted(use.table), quoted(use.column)),
                             {key}, QStringLiteral("count the rows that use a record"));
        if (!n)
            return n.error();
        use.rows = *n;
        if (use.rows > 0)
            uses.append(use);
    }
    return uses;
}

} // namespace caiwu::References
