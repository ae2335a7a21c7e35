#include "HeadquartersService.h"

#include "Conditions.h"

namespace caiwu {

namespace {

const QString Select = QStringLiteral("SELECT id, name, active, version FROM headquarters");

MasterTable headquarters()
{
    return {.table = QStringLiteral("headquarters"),
            .entity = QStringLiteral("headquarters"),
            .noun = QStringLiteral("总部"),
            .removal = MasterTable::Removal::Retire,
            .columns = {{QStringLiteral("name"), QStringLiteral("name")}, {QStringLiteral("active"), QStringLiteral("active")}},
            .select = Select,
            .selectKey = QStringLiteral("id"),
            .order = QStringLiteral("ORDER BY name, id")};
}

} // namespace

HeadquartersService::HeadquartersService(Database &db, AuditTrail &audit)
    : MasterRecords(db, audit, headquarters())
{
}

Result<QJsonArray> HeadquartersService::list(const ListOptions &options) const
{
    Conditions where;
    where.apply(options, QStringLiteral("active"), {QStringLiteral("name")});
    return rows(where);
}

Result<void> HeadquartersService::prepare(const QSqlDatabase &, const QString &, QJsonObject &, const QJsonObject &)
{
    return {}; // a name and a flag: the field rules say it all
}

} // namespace caiwu
