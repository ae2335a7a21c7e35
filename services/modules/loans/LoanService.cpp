#include "LoanService.h"

#include "LoanRules.h"
#include "auth/AuthSession.h"
#include "auth/Subordinates.h"
#include "core/BusinessDate.h"
#include "core/Clock.h"
#include "modules/ListQuery.h"
#include "modules/audit/AuditTrail.h"
#include "storage/Database.h"
#include "storage/Sql.h"
#include "storage/Transaction.h"

#include <QJsonArray>
#include <QUuid>

namespace caiwu {

namespace {

const char *const LoanColumns =
    "b.id, b.user_id, b.borrower_id, b.account_id, b.amount_cents, b.currency, b.borrow_date, b.memo, b.created_at, "
    "e.name, e.email, a.name, a.currency, b.status, b.approved_by, b.approved_at, b.updated_at, b.version, "
    "(SELECT COALESCE(SUM(r.amount_cents), 0) FROM repayments r WHERE r.borrowing_id = b.id)";
const char *const LoanTables = "borrowings b JOIN employees e ON e.id = b.user_id LEFT JOIN accounts a ON a.id = b.account_id";

// The reference's field names (its mix of camelCase and snake_case included), then what it lacked.
QJsonObject loanJson(const QSqlQuery &q)
{
    auto text = [&q](int i) { return q.value(i).isNull() ? QJsonValue() : QJsonValue(q.value(i).toString()); };
    const qint64 amount = q.value(4).toLongLong();
    const qint64 repaid = q.value(18).toLongLong();
    const QString status = q.value(13).toString();
    return QJsonObject{{QStringLiteral("id"), q.value(0).toString()},
                       {QStringLiteral("userId"), q.value(1).toString()},
                       {QStringLiteral("borrower_id"), text(2)},
                       {QStringLiteral("accountId"), text(3)},
                       {QStringLiteral("amountCents"), amount},
                       {QStringLiteral("currency"), q.value(5).toString()},
                       {QStringLiteral("borrowDate"), q.value(6).toString()},
                       {QStringLiteral("memo"), text(7)},
                       {QStringLiteral("createdAt"), q.value(8).toLongLong()},
                       {QStringLiteral("borrower_name"), q.value(9).toString()},
                       {QStringLiteral("borrower_email"), q.value(10).toString()},
                       {QStringLiteral("accountName"), text(11)},
                       {QStringLiteral("account_currency"), text(12)},
                       {QStringLiteral("status"), status},
                       {QStringLiteral("approvedBy"), text(14)},
                       {QStringLiteral("approvedAt"), q.value(15).isNull() ? QJsonValue() : QJsonValue(q.value(15).toLongLong())},
                       {QStringLiteral("updatedAt"), q.value(16).isNull() ? QJsonValue() : QJsonValue(q.value(16).toLongLong())},
                       {QStringLiteral("version"), q.value(17).toLongLong()},
                       {QStringLiteral("repaidCents"), repaid},
                       // A request that was never paid out is owed by nobody.
                       {QStringLiteral("balanceCents"), LoanRules::isLent(status) ? amount - repaid : 0}};
}

} // namespace

Result<QJsonObject> LoanService::record(const NewLoan &loan, const AuthSession &who, const QString &ip)
{
    if (!BusinessDate::isValid(loan.borrowDate))
        return AppError::field(QStringLiteral("borrowDate"), QStringLiteral("borrowDate must be a date, YYYY-MM-DD"));
    if (loan.amountCents <= 0)
        return AppError::field(QStringLiteral("amount"), QStringLiteral("the amount must be more than zero"));

    auto tx = Transaction::begin(m_db);
    if (!tx)
        return tx.error();
    const QSqlDatabase &db = tx->db();
    auto employee = Sql::run(db, QStringLiteral("SELECT department_id, org_department_id, active FROM employees WHERE id = ?"),
                             {loan.userId}, QStringLiteral("read the employee"));
    if (!employee)
        return employee.error();
    if (!employee->next())
        return AppError::field(QStringLiteral("userId"), QStringLiteral("no employee with id %1").arg(loan.userId));
    if (employee->value(2).toInt() != 1)
        return AppError::field(QStringLiteral("userId"), QStringLiteral("the employee has left; a loan is only paid to current staff"));
    if (!Permissions::canSee(who.principal, employee->value(0).toString(), employee->value(1).toString(), loan.userId))
        return AppError::forbidden(QStringLiteral("you may only record loans to employees within your data scope"));
    employee->finish();
    if (auto ok = LoanRules::checkAccount(db, loan.accountId, loan.currency); !ok)
        return ok.error();

    const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    const qint64 now = Clock::nowMs();
    auto q = Sql::run(db, QStringLiteral("INSERT INTO borrowings (id, user_id, account_id, amount_cents, currency, borrow_date, memo, "
                                         "status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'outstanding', ?, ?)"),
                      {id, loan.userId, loan.accountId, loan.amountCents, loan.currency, loan.borrowDate, Sql::textOrNull(loan.memo),
                       now, now},
                      QStringLiteral("record the loan"));
    if (!q)
        return q.error();
    if (auto ok = m_audit.record({who.userId, QStringLiteral("create"), QStringLiteral("borrowing"), id,
                                  QJsonObject{{QStringLiteral("userId"), loan.userId},
                                              {QStringLiteral("accountId"), loan.accountId},
                                              {QStringLiteral("amountCents"), loan.amountCents},
                                              {QStringLiteral("currency"), loan.currency}},
                                  ip});
        !ok)
        return ok.error();
    if (auto ok = tx->commit(); !ok)
        return ok.error();
    return find(id, who);
}

Result<QJsonObject> LoanService::list(const LoanQuery &query, const AuthSession &who)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    ListQuery list(QLatin1String(LoanColumns), QLatin1String(LoanTables), LoanRules::visibleTo(who));
    list.where(QStringLiteral("b.user_id = ?"), query.userId)
        .where(QStringLiteral("b.status = ?"), query.status)
        .where(QStringLiteral("b.currency = ?"), query.currency)
        .where(QStringLiteral("b.borrow_date >= ?"), query.from)
        .where(QStringLiteral("b.borrow_date <= ?"), query.to);
    return list.run(*db, QStringLiteral("b.borrow_date DESC, b.created_at DESC, b.id DESC"), query.page, loanJson, QStringLiteral("list loans"));
}

Result<QJsonObject> LoanService::find(const QString &loanId, const AuthSession &who)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    const Permissions::Filter scope = LoanRules::visibleTo(who);
    auto q = Sql::run(*db, QStringLiteral("SELECT %1 FROM %2 WHERE b.id = ? AND (%3)").arg(QLatin1String(LoanColumns), QLatin1String(LoanTables), scope.sql),
                      QVariantList{loanId} + scope.values, QStringLiteral("read the loan"));
    if (!q)
        return q.error();
    if (!q->next())
        return AppError::notFound(QStringLiteral("no loan with id %1").arg(loanId));
    return loanJson(*q);
}

Result<QJsonObject> LoanService::balances(const QString &userId, const AuthSession &who)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    const Permissions::Filter scope = LoanRules::visibleTo(who);
    QString where = QStringLiteral("b.status IN %1 AND (%2)").arg(LoanRules::lentStatusesSql(), scope.sql);
    QVariantList values = scope.values;
    if (!userId.isEmpty()) {
        where += QStringLiteral(" AND b.user_id = ?");
        values << userId;
    }
    // Each loan's repayments are summed on their own, then per employee and currency: no join
    // multiplies a loan by its number of repayments.
    auto q = Sql::run(*db, QStringLiteral("SELECT b.user_id, e.name, e.email, b.currency, SUM(b.amount_cents) AS borrowed, "
                                          "SUM((SELECT COALESCE(SUM(r.amount_cents), 0) FROM repayments r WHERE r.borrowing_id = b.id)) AS repaid "
                                          "FROM borrowings b JOIN employees e ON e.id = b.user_id WHERE %1 "
                                          "GROUP BY b.user_id, b.currency HAVING borrowed <> repaid ORDER BY e.name, b.currency")
                               .arg(where),
                      values, QStringLiteral("sum the loan balances"));
    if (!q)
        return q.error();
    QJsonArray results;
    while (q->next()) {
        const qint64 borrowed = q->value(4).toLongLong();
        const qint64 repaid = q->value(5).toLongLong();
        results.append(QJsonObject{{QStringLiteral("userId"), q->value(0).toString()},
                                   {QStringLiteral("borrower_name"), q->value(1).toString()},
                                   {QStringLiteral("borrower_email"), q->value(2).toString()},
                                   {QStringLiteral("currency"), q->value(3).toString()},
                                   {QStringLiteral("total_borrowed_cents"), borrowed},
                                   {QStringLiteral("total_repaid_cents"), repaid},
                                   {QStringLiteral("balance_cents"), borrowed - repaid}});
    }
    return QJsonObject{{QStringLiteral("results"), results}};
}

Result<qint64> LoanService::decide(const LoanDecision &decision, const AuthSession &who, const QString &ip)
{
    if (decision.status != QLatin1String("approved") && decision.status != QLatin1String("rejected"))
        return AppError::field(QStringLiteral("status"), QStringLiteral("status must be approved or rejected"));

    auto tx = Transaction::begin(m_db);
    if (!tx)
        return tx.error();
    const QSqlDatabase &db = tx->db();
    auto loan = Sql::run(db, QStringLiteral("SELECT b.user_id, b.status, b.version, e.department_id, e.org_department_id, e.active "
                                            "FROM borrowings b JOIN employees e ON e.id = b.user_id WHERE b.id = ?"),
                         {decision.loanId}, QStringLiteral("read the loan"));
    if (!loan)
        return loan.error();
    if (!loan->next())
        return AppError::notFound(QStringLiteral("no loan with id %1").arg(decision.loanId));
    const Placement borrower{loan->value(0).toString(), loan->value(3).toString(), loan->value(4).toString(), loan->value(5).toInt() == 1};
    const QString status = loan->value(1).toString();
    const qint64 version = loan->value(2).toLongLong();
    loan->finish();
    if (borrower.employeeId == who.userId)
        return AppError::forbidden(QStringLiteral("无权审批: nobody decides on their own loan request"));
    if (!Subordinates::includes(who, borrower))
        return AppError::forbidden(QStringLiteral("无权审批: only a manager of the borrower decides on their request"));
    if (decision.expectedVersion && *decision.expectedVersion != version)
        return AppError::conflict(QStringLiteral("the loan was changed meanwhile (now version %1, you saw version %2); reload it")
                                      .arg(version).arg(*decision.expectedVersion));
    if (status != QLatin1String("pending"))
        return AppError::business(QStringLiteral("该记录已处理: the loan is %1, only a pending request is decided").arg(status));

    // Read and written under one write lock: nobody can decide in between.
    const qint64 now = Clock::nowMs();
    auto q = Sql::run(db, QStringLiteral("UPDATE borrowings SET status = ?, approved_by = ?, approved_at = ?, updated_at = ?, "
                                         "version = version + 1 WHERE id = ?"),
                      {decision.status, who.userId, now, now, decision.loanId}, QStringLiteral("decide on the loan"));
    if (!q)
        return q.error();
    QJsonObject detail{{QStringLiteral("status"), decision.status}, {QStringLiteral("userId"), borrower.employeeId}};
    if (!decision.memo.isEmpty())
        detail.insert(QStringLiteral("memo"), decision.memo);
    if (auto ok = m_audit.record({who.userId, decision.status == QLatin1String("approved") ? QStringLiteral("approve") : QStringLiteral("reject"),
                                  QStringLiteral("borrowing"), decision.loanId, detail, ip});
        !ok)
        return ok.error();
    if (auto ok = tx->commit(); !ok)
        return ok.error();
    return version + 1;
}

} // namespace caiwu
