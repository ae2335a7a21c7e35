#include "CurrencyService.h"

#include "Conditions.h"
#include "MasterRules.h"

#include <QRegularExpression>

namespace caiwu {

namespace {

const QString Select = QStringLiteral("SELECT code, name, symbol, active, version FROM currencies");

MasterTable currencies()
{
    return {.table = QStringLiteral("currencies"),
            .entity = QStringLiteral("currency"),
            .noun = QStringLiteral("币种"),
            .key = QStringLiteral("code"),
            .generatedKey = false,
            .duplicateMessage = QStringLiteral("币种代码已存在"),
            .columns = {{QStringLiteral("name"), QStringLiteral("name")},
                        {QStringLiteral("symbol"), QStringLiteral("symbol")},
                        {QStringLiteral("active"), QStringLiteral("active")}},
            .select = Select,
            .selectKey = QStringLiteral("code"),
            .order = QStringLiteral("ORDER BY code")};
}

} // namespace

CurrencyService::CurrencyService(Database &db, AuditTrail &audit)
    : MasterRecords(db, audit, currencies())
{
}

Result<QJsonArray> CurrencyService::list(const ListOptions &options) const
{
    Conditions where;
    where.apply(options, QStringLiteral("active"), {QStringLiteral("code"), QStringLiteral("name")});
    return rows(where);
}

Result<void> CurrencyService::prepare(const QSqlDatabase &, const QString &, QJsonObject &row, const QJsonObject &before)
{
    if (!before.isEmpty())
        return {}; // the code is the key: it never changes
    static const QRegularExpression shape(QStringLiteral("^[A-Z0-9]{3,8}$"));
    const QString code = row.value(QStringLiteral("code")).toString().toUpper();
    if (!shape.match(code).hasMatch())
        return MasterRules::invalid(QStringLiteral("code"), QStringLiteral("code must be 3 to 8 letters A-Z or digits (e.g. CNY, USDT)"));
    row.insert(QStringLiteral("code"), code);
    return {};
}

} // namespace caiwu
