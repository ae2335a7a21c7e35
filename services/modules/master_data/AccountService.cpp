#include "AccountService.h"

#include "Conditions.h"
#include "MasterRules.h"
#include "core/Json.h"
#include "modules/cash_flows/Ledger.h"
#include "storage/Database.h"
#include "storage/Sql.h"

namespace caiwu {

namespace {

// The balance is the latest ledger row's, found through the ledger index
// (account_id, transaction_date, created_at); an account without rows stands at its opening.
const QString Select = QStringLiteral(
    "SELECT a.id, a.name, a.type, a.currency, a.alias, a.account_number AS accountNumber, a.opening_cents AS openingCents, "
    "a.active, a.version, c.name AS currencyName, "
    "COALESCE((SELECT t.balance_after_cents FROM account_transactions t WHERE t.account_id = a.id "
    "ORDER BY t.transaction_date DESC, t.created_at DESC, t.id DESC LIMIT 1), a.opening_cents) AS balanceCents "
    "FROM accounts a LEFT JOIN currencies c ON c.code = a.currency");

MasterTable accounts()
{
    return {.table = QStringLiteral("accounts"),
            .entity = QStringLiteral("account"),
            .noun = QStringLiteral("账户"),
            .duplicateMessage = QStringLiteral("账户已存在"),
            .columns = {{QStringLiteral("name"), QStringLiteral("name")},
                        {QStringLiteral("type"), QStringLiteral("type")},
                        {QStringLiteral("currency"), QStringLiteral("currency")},
                        {QStringLiteral("alias"), QStringLiteral("alias")},
                        {QStringLiteral("accountNumber"), QStringLiteral("account_number")},
                        {QStringLiteral("openingCents"), QStringLiteral("opening_cents")},
                        {QStringLiteral("active"), QStringLiteral("active")}},
            .select = Select,
            .selectKey = QStringLiteral("a.id"),
            .order = QStringLiteral("ORDER BY a.name, a.id")};
}

} // namespace

const QStringList AccountService::Types = {QStringLiteral("cash"), QStringLiteral("bank"), QStringLiteral("alipay"),
                                           QStringLiteral("wechat"), QStringLiteral("other")};

AccountService::AccountService(Database &db, AuditTrail &audit)
    : MasterRecords(db, audit, accounts())
    , m_lists(db)
{
}

Result<QJsonArray> AccountService::list(const Filter &filter) const
{
    Conditions where;
    where.apply(filter.options, QStringLiteral("a.active"), {QStringLiteral("a.name"), QStringLiteral("a.alias"), QStringLiteral("a.account_number")});
    if (!filter.type.isEmpty())
        where.add(QStringLiteral("a.type = ?"), {filter.type});
    if (!filter.currency.isEmpty())
        where.add(QStringLiteral("a.currency = ?"), {filter.currency.toUpper()});
    return rows(where);
}

Result<QByteArray> AccountService::listDocument(const Filter &filter)
{
    const QString key = QStringList{filter.options.activeOnly ? QString::number(*filter.options.activeOnly) : QString(),
                                    filter.options.search, filter.type, filter.currency.toUpper()}
                            .join(QChar(0x1f)); // a separator no query text holds
    return m_lists.get(key, [this, &filter]() -> Result<QByteArray> {
        auto rows = list(filter);
        if (!rows)
            return rows.error();
        return Json::bytes(QJsonObject{{QStringLiteral("results"), *rows}});
    });
}

Result<QJsonArray> AccountService::transactions(const QString &id, int limit, int offset) const
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    auto known = Sql::number(*db, QStringLiteral("SELECT count(*) FROM accounts WHERE id = ?"), {id}, QStringLiteral("find the account"));
    if (!known)
        return known.error();
    if (*known == 0)
        return notFound(id);
    return Ledger::entries(*db, id, limit, offset);
}

Result<void> AccountService::prepare(const QSqlDatabase &db, const QString &key, QJsonObject &row, const QJsonObject &before)
{
    if (!Types.contains(row.value(QStringLiteral("type")).toString()))
        return MasterRules::invalid(QStringLiteral("type"), QStringLiteral("type must be one of %1").arg(Types.join(QStringLiteral(", "))));
    const QString field = QStringLiteral("currency");
    row.insert(field, row.value(field).toString().toUpper());
    if (!MasterRules::changed(row, before, field))
        return {};
    if (auto ok = MasterRules::requireActive(db, QStringLiteral("currencies"), QStringLiteral("code"), row.value(field).toString(),
                                             field, QStringLiteral("currency"));
        !ok)
        return ok;
    if (before.isEmpty())
        return {};
    // Every amount on the ledger is in the old currency; relabelling it would change its meaning.
    auto ledger = Ledger::entries(db, key, 1, 0);
    if (!ledger)
        return ledger.error();
    if (!ledger->isEmpty())
        return AppError::business(QStringLiteral("账户已有流水或转账，不能更改币种；请另开一个账户"));
    return {};
}

Result<void> AccountService::written(const QSqlDatabase &db, const QString &key, const QJsonObject &changes)
{
    const QJsonObject opening = changes.value(QStringLiteral("openingCents")).toObject();
    if (opening.isEmpty())
        return {};
    return Ledger::shiftAll(db, key, opening.value(QStringLiteral("to")).toInteger() - opening.value(QStringLiteral("from")).toInteger());
}

} // namespace caiwu
