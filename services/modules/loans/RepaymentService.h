#pragma once

#include "core/Result.h"
#include "modules/ListPage.h"

#include <QJsonObject>
#include <QString>

#include <optional>

namespace caiwu {

class AuditTrail;
class Database;
struct AuthSession;

// Money an employee pays back on one loan, into one of the office's accounts.
struct NewRepayment {
    QString borrowingId;
    QString accountId;
    qint64 amountCents = 0;
    QString currency;     // the loan's currency
    QString repayDate;    // YYYY-MM-DD, not before the loan was paid out
    QString memo;
};

struct RepaymentQuery {
    QString borrowingId;
    QString userId;
    std::optional<QString> from, to;   // repay_date, inclusive
    ListPage page;
};

// Repayments (reference §1.8, with its gaps closed): a repayment cannot exceed what is still
// owed, and it moves the loan outstanding → partial → repaid in the same transaction (the
// reference never updated the loan). Seen by whoever may see the loan.
class RepaymentService {
public:
    RepaymentService(Database &db, AuditTrail &audit) : m_db(db), m_audit(audit) {}

    // Answers the stored repayment as list() shows it.
    Result<QJsonObject> record(const NewRepayment &repayment, const AuthSession &who, const QString &ip);
    // {results:[…]} newest repay date first (+ total, limit, offset when a page was asked for).
    Result<QJsonObject> list(const RepaymentQuery &query, const AuthSession &who);

private:
    Database &m_db;
    AuditTrail &m_audit;
};

} // namespace caiwu
