#pragma once

#include "MasterRecords.h"

namespace caiwu {

// Currencies, keyed by their code (reference §1.2): 3 to 8 characters of A–Z and 0–9, stored
// upper-cased (USDT has 4; the reference's "3 letters" was too narrow). A code is unique (409)
// and never changes; a currency is deleted only while no account, flow or payment uses it.
class CurrencyService : public MasterRecords {
public:
    CurrencyService(Database &db, AuditTrail &audit);

    // [{code, name, symbol, active, version}] by code.
    Result<QJsonArray> list(const ListOptions &options) const;

protected:
    Result<void> prepare(const QSqlDatabase &db, const QString &key, QJsonObject &row, const QJsonObject &before) override;
};

} // namespace caiwu
