#include "VendorService.h"

#include "Conditions.h"
#include "MasterRules.h"
#include "core/EmailAddress.h"
#include "storage/Sql.h"

namespace caiwu {

namespace {

const QString Select = QStringLiteral("SELECT id, name, contact, phone, email, address, memo, active, created_at AS createdAt, "
                                      "updated_at AS updatedAt, version FROM vendors");

MasterTable vendors()
{
    return {.table = QStringLiteral("vendors"),
            .entity = QStringLiteral("vendor"),
            .noun = QStringLiteral("供应商"),
            .stamped = true,
            .removal = MasterTable::Removal::Retire,
            .duplicateMessage = QStringLiteral("已有同名的启用供应商"),
            .columns = {{QStringLiteral("name"), QStringLiteral("name")},       {QStringLiteral("contact"), QStringLiteral("contact")},
                        {QStringLiteral("phone"), QStringLiteral("phone")},     {QStringLiteral("email"), QStringLiteral("email")},
                        {QStringLiteral("address"), QStringLiteral("address")}, {QStringLiteral("memo"), QStringLiteral("memo")},
                        {QStringLiteral("active"), QStringLiteral("active")}},
            .select = Select,
            .selectKey = QStringLiteral("id"),
            .order = QStringLiteral("ORDER BY name, id")};
}

} // namespace

VendorService::VendorService(Database &db, AuditTrail &audit)
    : MasterRecords(db, audit, vendors())
{
}

Result<QJsonArray> VendorService::list(const ListOptions &options) const
{
    Conditions where;
    where.apply(options, QStringLiteral("active"), {QStringLiteral("name"), QStringLiteral("contact"), QStringLiteral("phone")}, true);
    return rows(where);
}

Result<void> VendorService::prepare(const QSqlDatabase &db, const QString &key, QJsonObject &row, const QJsonObject &before)
{
    const QString email = row.value(QStringLiteral("email")).toString();
    if (!email.isEmpty() && MasterRules::changed(row, before, QStringLiteral("email")) && !EmailAddress::isValid(email))
        return MasterRules::invalid(QStringLiteral("email"), QStringLiteral("email must be one address, name@domain"));
    if (row.value(QStringLiteral("active")).toInteger(1) == 0)
        return {};
    // The write transaction holds the database's write lock, so no other create can slip in between.
    // IS NOT: on create the key is NULL, and "id <> NULL" would match nothing.
    auto twins = Sql::number(db, QStringLiteral("SELECT count(*) FROM vendors WHERE name = ? AND active = 1 AND id IS NOT ?"),
                             {row.value(QStringLiteral("name")).toString(), key}, QStringLiteral("look for a vendor of that name"));
    if (!twins)
        return twins.error();
    if (*twins > 0)
        return AppError::duplicate(table().duplicateMessage);
    return {};
}

} // namespace caiwu
