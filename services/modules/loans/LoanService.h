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

// A loan finance pays out to an employee from one of the office's accounts.
struct NewLoan {
    QString userId;       // the borrowing employee
    QString accountId;    // the account the money left
    qint64 amountCents = 0;
    QString currency;     // the account's currency
    QString borrowDate;   // YYYY-MM-DD
    QString memo;
};

struct LoanQuery {
    QString userId;
    QString status;
    QString currency;
    std::optional<QString> from, to;   // borrow_date, inclusive
    ListPage page;
};

// An approver's answer to a self-service loan request.
struct LoanDecision {
    QString loanId;
    QString status;       // approved | rejected
    QString memo;         // the approver's reason; kept in the audit log, the request's memo stays
    std::optional<qint64> expectedVersion;
};

// Employee loans (reference §1.8, without its gaps): every loan is read with what has been
// repaid of it, summed in its own subquery (the reference's join of repayments multiplied the
// borrowed sums); data scope follows the borrower; a request is decided once, by a manager of
// the borrower who is not the borrower.
class LoanService {
public:
    LoanService(Database &db, AuditTrail &audit) : m_db(db), m_audit(audit) {}

    // Records a loan as outstanding; answers the stored row as list() shows it.
    Result<QJsonObject> record(const NewLoan &loan, const AuthSession &who, const QString &ip);
    // {results:[…]} newest borrow date first (+ total, limit, offset when a page was asked for).
    Result<QJsonObject> list(const LoanQuery &query, const AuthSession &who);
    Result<QJsonObject> find(const QString &loanId, const AuthSession &who);
    // What each employee still owes, per currency, non-zero only: {results:[…]}.
    Result<QJsonObject> balances(const QString &userId, const AuthSession &who);
    // pending → approved | rejected; answers the loan's new version.
    Result<qint64> decide(const LoanDecision &decision, const AuthSession &who, const QString &ip);

private:
    Database &m_db;
    AuditTrail &m_audit;
};

} // namespace caiwu
