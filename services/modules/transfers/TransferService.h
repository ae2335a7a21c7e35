#pragma once

#include "core/Result.h"
#include "modules/ListPage.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

namespace caiwu {

class AuditTrail;
class Database;
struct AuthSession;

struct NewTransfer {
    QString transferDate;
    QString fromAccountId;
    QString toAccountId;
    qint64 fromAmountCents = 0;
    qint64 toAmountCents = 0;   // in the receiving account's currency
    std::optional<double> exchangeRate; // informational; both amounts are what is booked
    QString memo;
    QStringList voucherUrls;
};

struct TransferQuery {
    QString fromAccountId, toAccountId;
    std::optional<QString> from, to;
    ListPage page;
};

// Moving money between two of the office's accounts (reference §1.14): the transfer row and
// both ledger legs (transfer_out, transfer_in) in one transaction — the reference wrote them
// one by one. Across currencies both amounts are given; they must agree with the rate when
// one is given, to the cent.
class TransferService {
public:
    TransferService(Database &db, AuditTrail &audit) : m_db(db), m_audit(audit) {}

    Result<QString> create(const NewTransfer &transfer, const AuthSession &who, const QString &ip);
    Result<QJsonObject> list(const TransferQuery &query);
    Result<QJsonObject> find(const QString &id);

private:
    Database &m_db;
    AuditTrail &m_audit;
};

} // namespace caiwu
