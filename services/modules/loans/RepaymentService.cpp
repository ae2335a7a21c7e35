#include "RepaymentService.h"

#include "LoanRules.h"
#include "auth/AuthSession.h"
#include "core/BusinessDate.h"
#include "core/Clock.h"
#include "modules/ListQuery.h"
#include "modules/audit/AuditTrail.h"
#include "storage/Database.h"
#include "storage/Sql.h"
#include "storage/Transaction.h"

#include <QUuid>

namespace caiwu {

namespace {

const char *const RepaymentColumns =
    "p.id, p.borrowing_id, p.account_id, p.amount_cents, p.currency, p.repay_date, p.memo, p.created_by, p.created_at, "
    "b.user_id, e.name, e.email, a.name, c.name";
// b and e as LoanRules::visibleTo expects them: a repayment is seen by who may see its loan.
const char *const RepaymentTables =
    "repayments p JOIN borrowings b ON b.id = p.borrowing_id JOIN employees e ON e.id = b.user_id "
    "LEFT JOIN accounts a ON a.id = p.account_id LEFT JOIN employees c ON c.id = p.created_by";

QJsonObject repaymentJson(const QSqlQuery &q)
{
    auto text = [&q](int i) { return q.value(i).isNull() ? QJsonValue() : QJsonValue(q.value(i).toString()); };
    return QJsonObject{{QStringLiteral("id"), q.value(0).toString()},
                       {QStringLiteral("borrowingId"), q.value(1).toString()},
                       {QStringLiteral("accountId"), q.value(2).toString()},
                       {QStringLiteral("amountCents"), q.value(3).toLongLong()},
                       {QStringLiteral("currency"), q.value(4).toString()},
                       {QStringLiteral("repayDate"), q.value(5).toString()},
                       {QStringLiteral("memo"), text(6)},
                       {QStringLiteral("createdBy"), text(7)},
                       {QStringLiteral("createdAt"), q.value(8).toLongLong()},
                       {QStringLiteral("userId"), q.value(9).toString()},
                       {QStringLiteral("borrower_name"), q.value(10).toString()},
                       {QStringLiteral("borrower_email"), q.value(11).toString()},
                       {QStringLiteral("accountName"), text(12)},
                       {QStringLiteral("creator_name"), text(13)}};
}

} // namespace

Result<QJsonObject> RepaymentService::record(const NewRepayment &r, const AuthSession &who, const QString &ip)
{
    if (!BusinessDate::isValid(r.repayDate))
        return AppError::field(QStringLiteral("repayDate"), QStringLiteral("repayDate must be a date, YYYY-MM-DD"));
    if (r.amountCents <= 0)
        return AppError::field(QStringLiteral("amount"), QStringLiteral("the amount must be more than zero"));

    auto tx = Transaction::begin(m_db);
    if (!tx)
        return tx.error();
    const QSqlDatabase &db = tx->db();
    // Read under the write lock: two repayments at once cannot both fit in one balance.
    const Permissions::Filter scope = LoanRules::visibleTo(who);
    auto loan = Sql::run(db, QStringLiteral("SELECT b.amount_cents, b.currency, b.borrow_date, b.status, "
                                            "(SELECT COALESCE(SUM(amount_cents), 0) FROM repayments WHERE borrowing_id = b.id) "
                                            "FROM borrowings b JOIN employees e ON e.id = b.user_id WHERE b.id = ? AND (%1)")
                                 .arg(scope.sql),
                         QVariantList{r.borrowingId} + scope.values, QStringLiteral("read the loan"));
    if (!loan)
        return loan.error();
    if (!loan->next())
        return AppError::notFound(QStringLiteral("no loan with id %1").arg(r.borrowingId));
    const qint64 amount = loan->value(0).toLongLong();
    const QString currency = loan->value(1).toString();
    const QString borrowDate = loan->value(2).toString();
    const QString status = loan->value(3).toString();
    const qint64 repaid = loan->value(4).toLongLong();
    loan->finish();
    if (!LoanRules::isLent(status))
        return AppError::business(QStringLiteral("the loan is %1: nothing has been paid out to repay").arg(status));
    if (r.currency != currency)
        return AppError::field(QStringLiteral("currency"), QStringLiteral("the loan is in %1; it is repaid in %1").arg(currency));
    if (r.repayDate < borrowDate)
        return AppError::field(QStringLiteral("repayDate"), QStringLiteral("repayDate is before the loan was paid out (%1)").arg(borrowDate));
    if (r.amountCents > amount - repaid)
        return AppError::field(QStringLiteral("amount"), QStringLiteral("only %1 cents are still owed on this loan").arg(amount - repaid));
    if (auto ok = LoanRules::checkAccount(db, r.accountId, r.currency); !ok)
        return ok.error();

    const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    const qint64 now = Clock::nowMs();
    auto q = Sql::run(db, QStringLiteral("INSERT INTO repayments (id, borrowing_id, account_id, amount_cents, currency, repay_date, memo, "
                                         "created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                      {id, r.borrowingId, r.accountId, r.amountCents, r.currency, r.repayDate, Sql::textOrNull(r.memo), who.userId, now, now},
                      QStringLiteral("record the repayment"));
    if (!q)
        return q.error();
    const QString loanStatus = LoanRules::statusAfterRepayments(repaid + r.amountCents, amount);
    auto mark = Sql::run(db, QStringLiteral("UPDATE borrowings SET status = ?, updated_at = ?, version = version + 1 WHERE id = ?"),
                         {loanStatus, now, r.borrowingId}, QStringLiteral("update the loan's status"));
    if (!mark)
        return mark.error();
    if (auto ok = m_audit.record({who.userId, QStringLiteral("create"), QStringLiteral("repayment"), id,
                                  QJsonObject{{QStringLiteral("borrowingId"), r.borrowingId},
                                              {QStringLiteral("accountId"), r.accountId},
                                              {QStringLiteral("amountCents"), r.amountCents},
                                              {QStringLiteral("currency"), r.currency},
                                              {QStringLiteral("loanStatus"), loanStatus}},
                                  ip});
        !ok)
        return ok.error();
    if (auto ok = tx->commit(); !ok)
        return ok.error();

    auto stored = Sql::run(db, QStringLiteral("SELECT %1 FROM %2 WHERE p.id = ?").arg(QLatin1String(RepaymentColumns), QLatin1String(RepaymentTables)),
                           {id}, QStringLiteral("read the repayment"));
    if (!stored)
        return stored.error();
    if (!stored->next())
        return AppError::internal(QStringLiteral("the repayment %1 was recorded but cannot be read back").arg(id));
    return repaymentJson(*stored);
}

Result<QJsonObject> RepaymentService::list(const RepaymentQuery &query, const AuthSession &who)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    ListQuery list(QLatin1String(RepaymentColumns), QLatin1String(RepaymentTables), LoanRules::visibleTo(who));
    list.where(QStringLiteral("p.borrowing_id = ?"), query.borrowingId)
        .where(QStringLiteral("b.user_id = ?"), query.userId)
        .where(QStringLiteral("p.repay_date >= ?"), query.from)
        .where(QStringLiteral("p.repay_date <= ?"), query.to);
    return list.run(*db, QStringLiteral("p.repay_date DESC, p.created_at DESC, p.id DESC"), query.page, repaymentJson,
                    QStringLiteral("list repayments"));
}

} // namespace caiwu
