#pragma once

#include "auth/Permissions.h"
#include "core/Result.h"

#include <QSqlDatabase>
#include <QString>

namespace caiwu {

struct AuthSession;

// What loans and repayments agree on (reference §1.8, §6.6 with its gaps closed).
namespace LoanRules {

// The loans `who` may see, on a query that reads borrowings as `b` joined to the borrowing
// employee as `e`: the data scope of the borrower (project, team or the borrower themselves).
Permissions::Filter visibleTo(const AuthSession &who);

// Money has left the office: a loan finance recorded, or one that repayments have reached.
// Requests (pending, approved, rejected) are not debts yet.
bool isLent(const QString &status);
// "('outstanding', 'partial', 'repaid')", for SQL that sums what is owed.
QString lentStatusesSql();

// outstanding → partial → repaid by what has been repaid of `amountCents`.
QString statusAfterRepayments(qint64 repaidCents, qint64 amountCents);

// The account money is lent from or repaid into: it exists, is in use and keeps `currency`
// (a loan is booked in one currency end to end). 400s naming accountId or currency.
Result<void> checkAccount(const QSqlDatabase &db, const QString &accountId, const QString &currency);

} // namespace LoanRules
} // namespace caiwu
