#pragma once

#include "MasterRecords.h"
#include "storage/ReadCache.h"

namespace caiwu {

// The office's money accounts (reference §1.2): cash, bank, Alipay, WeChat or other, each in one
// active currency, with an opening balance in whole cents. Changing the opening balance moves
// every ledger row with it; the currency is fixed once money has moved. Deleted only while no
// flow or transfer touched the account; otherwise retired.
class AccountService : public MasterRecords {
public:
    AccountService(Database &db, AuditTrail &audit);

    struct Filter {
        ListOptions options;
        QString type;           // cash | bank | alipay | wechat | other; empty: all
        QString currency;       // upper-cased code; empty: all
    };
    // [{id, name, type, currency, alias, accountNumber, openingCents, active, version,
    //   currencyName, balanceCents}] by name, in one query: the web client asks on every page.
    Result<QJsonArray> list(const Filter &filter) const;
    // {results: list(filter)} serialised, kept until the database changes: the hot path.
    Result<QByteArray> listDocument(const Filter &filter);
    // The running ledger, newest first (Ledger::entries); 404 for an unknown account.
    Result<QJsonArray> transactions(const QString &id, int limit, int offset) const;

    static const QStringList Types;

protected:
    Result<void> prepare(const QSqlDatabase &db, const QString &key, QJsonObject &row, const QJsonObject &before) override;
    // A new opening balance re-bases every ledger row by the difference.
    Result<void> written(const QSqlDatabase &db, const QString &key, const QJsonObject &changes) override;

private:
    ReadCache m_lists;
};

} // namespace caiwu
