#include "InUse.h"

#include "MasterTable.h"
#include "storage/References.h"

#include <QHash>
#include <QStringList>

namespace caiwu::InUse {

namespace {

// How a message counts the rows of each table ("3 笔资金流水").
QString counted(const QString &table, qint64 rows)
{
    static const QHash<QString, QString> units = {
        {QStringLiteral("accounts"), QStringLiteral("个账户")},
        {QStringLiteral("account_transactions"), QStringLiteral("条账户明细")},
        {QStringLiteral("account_transfers"), QStringLiteral("笔账户转账")},
        {QStringLiteral("allowance_payments"), QStringLiteral("条补贴发放记录")},
        {QStringLiteral("ar_ap_docs"), QStringLiteral("张应收应付单")},
        {QStringLiteral("borrowings"), QStringLiteral("笔借款")},
        {QStringLiteral("cash_flows"), QStringLiteral("笔资金流水")},
        {QStringLiteral("categories"), QStringLiteral("个子类别")},
        {QStringLiteral("departments"), QStringLiteral("个项目")},
        {QStringLiteral("dormitory_allocations"), QStringLiteral("条宿舍分配")},
        {QStringLiteral("employee_allowances"), QStringLiteral("条补贴标准")},
        {QStringLiteral("employee_salaries"), QStringLiteral("条薪资标准")},
        {QStringLiteral("employees"), QStringLiteral("名员工")},
        {QStringLiteral("expense_reimbursements"), QStringLiteral("条报销")},
        {QStringLiteral("fixed_asset_changes"), QStringLiteral("条资产变动记录")},
        {QStringLiteral("fixed_assets"), QStringLiteral("项固定资产")},
        {QStringLiteral("opening_balances"), QStringLiteral("条期初余额")},
        {QStringLiteral("org_departments"), QStringLiteral("个部门")},
        {QStringLiteral("rental_payable_bills"), QStringLiteral("张应付租金账单")},
        {QStringLiteral("rental_payments"), QStringLiteral("笔租金付款")},
        {QStringLiteral("rental_properties"), QStringLiteral("处租赁物业")},
        {QStringLiteral("repayments"), QStringLiteral("笔还款")},
        {QStringLiteral("salary_payment_allocations"), QStringLiteral("条工资分配")},
        {QStringLiteral("salary_payments"), QStringLiteral("条工资发放")},
        {QStringLiteral("site_bills"), QStringLiteral("张站点账单")},
        {QStringLiteral("sites"), QStringLiteral("个站点")},
    };
    return QString::number(rows) + QLatin1Char(' ') + units.value(table, QStringLiteral("条 %1 记录").arg(table));
}

} // namespace

Result<QString> describe(const QSqlDatabase &db, const MasterTable &table, const QString &key)
{
    auto uses = References::to(db, table.table, key);
    if (!uses)
        return uses.error();
    QHash<QString, qint64> perTable; // a table may point here through two columns (transfers: from, to)
    QStringList order;
    for (const References::Use &use : *uses) {
        if (!perTable.contains(use.table))
            order << use.table;
        perTable[use.table] += use.rows;
    }
    QStringList parts;
    for (const QString &t : order)
        parts << counted(t, perTable.value(t));
    return parts.join(QStringLiteral("、"));
}

Result<void> refuseDeleting(const QSqlDatabase &db, const MasterTable &table, const QString &key)
{
    auto uses = describe(db, table, key);
    if (!uses)
        return uses.error();
    if (uses->isEmpty())
        return {};
    // Every table deleted this way has an active flag: retiring keeps the history intact.
    return AppError::business(QStringLiteral("不能删除：该%1仍被 %2 使用。可改为停用。").arg(table.noun, *uses));
}

AppError stillReferenced(const MasterTable &table)
{
    return AppError::business(QStringLiteral("不能删除：该%1仍被其他记录引用。可改为停用。").arg(table.noun));
}

} // namespace caiwu::InUse
