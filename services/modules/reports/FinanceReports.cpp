#include "FinanceReports.h"

#include "auth/AuthSession.h"
#include "core/BusinessDate.h"
#include "storage/Database.h"
#include "storage/Sql.h"

#include <QDate>
#include <QDateTime>
#include <QJsonArray>
#include <QTimeZone>

namespace caiwu {

namespace {

// Income and expense net of reversals (a reversal keeps the original's category and site).
const QString NetIncome = QStringLiteral(
    "COALESCE(SUM(CASE WHEN f.type = 'income' AND f.is_reversal = 0 THEN f.amount_cents "
    "WHEN f.type = 'expense' AND f.is_reversal = 1 THEN -f.amount_cents ELSE 0 END), 0)");
const QString NetExpense = QStringLiteral(
    "COALESCE(SUM(CASE WHEN f.type = 'expense' AND f.is_reversal = 0 THEN f.amount_cents "
    "WHEN f.type = 'income' AND f.is_reversal = 1 THEN -f.amount_cents ELSE 0 END), 0)");
const QString IncomeCount = QStringLiteral("COALESCE(SUM(f.type = 'income' AND f.is_reversal = 0), 0)");
const QString ExpenseCount = QStringLiteral("COALESCE(SUM(f.type = 'expense' AND f.is_reversal = 0), 0)");
// Matches no project: what a caller without one sees (the reference's placeholder id).
const QString NoProject = QStringLiteral("00000000-0000-0000-0000-000000000000");

// "AND f.department_id = ?" when the report is held to one project.
QString projectFilter(const QString &column, const QString &departmentId, QVariantList &values)
{
    if (departmentId.isEmpty())
        return {};
    values << departmentId;
    return QStringLiteral(" AND %1 = ?").arg(column);
}

QJsonValue text(const QSqlQuery &q, int i) { return q.value(i).isNull() ? QJsonValue() : QJsonValue(q.value(i).toString()); }

// The period of equal length just before [start, end].
std::pair<QString, QString> previousPeriod(const QString &start, const QString &end)
{
    const QDate s = QDate::fromString(start, Qt::ISODate);
    const QDate e = QDate::fromString(end, Qt::ISODate);
    const qint64 days = s.daysTo(e);
    const QDate prevEnd = s.addDays(-1);
    return {prevEnd.addDays(-days).toString(Qt::ISODate), prevEnd.toString(Qt::ISODate)};
}

} // namespace

Result<QString> FinanceReports::scopedDepartment(const AuthSession &who, const QString &asked)
{
    if (who.principal.scope == DataScope::All)
        return asked;
    const QString own = who.principal.departmentId;
    if (!asked.isEmpty() && asked != own)
        return AppError::forbidden(QStringLiteral("you may only see reports of your own project"));
    return own.isEmpty() ? NoProject : own;
}

QString FinanceReports::today() const
{
    return BusinessDate::today(m_timeZone);
}

Result<QJsonObject> FinanceReports::dashboard(const QString &departmentId)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    const QString day = today();
    const QString monthStart = day.left(8) + QStringLiteral("01");
    auto sums = [&](const QString &from, const QString &to) -> Result<QJsonObject> {
        QVariantList values{from, to};
        const QString filter = projectFilter(QStringLiteral("f.department_id"), departmentId, values);
        auto q = Sql::run(*db, QStringLiteral("SELECT %1, %2, %3 + %4 FROM cash_flows f WHERE f.biz_date BETWEEN ? AND ?%5")
                                   .arg(NetIncome, NetExpense, IncomeCount, ExpenseCount, filter),
                          values, QStringLiteral("sum the flows"));
        if (!q)
            return q.error();
        q->next();
        return QJsonObject{{QStringLiteral("incomeCents"), q->value(0).toLongLong()},
                           {QStringLiteral("expenseCents"), q->value(1).toLongLong()},
                           {QStringLiteral("count"), q->value(2).toLongLong()}};
    };
    auto todaySums = sums(day, day);
    if (!todaySums)
        return todaySums.error();
    auto monthSums = sums(monthStart, day);
    if (!monthSums)
        return monthSums.error();

    // Accounts with their current balance: the ledger's last row, else the opening balance.
    auto accounts = Sql::run(*db, QStringLiteral(
        "SELECT a.id, a.name, a.currency, a.type, COALESCE((SELECT t.balance_after_cents FROM account_transactions t "
        "WHERE t.account_id = a.id ORDER BY t.transaction_date DESC, t.created_at DESC, t.id DESC LIMIT 1), a.opening_cents) "
        "FROM accounts a WHERE a.active = 1 ORDER BY a.name"),
        {}, QStringLiteral("read the balances"));
    if (!accounts)
        return accounts.error();
    QJsonArray balances;
    while (accounts->next())
        balances.append(QJsonObject{{QStringLiteral("accountId"), accounts->value(0).toString()},
                                    {QStringLiteral("accountName"), accounts->value(1).toString()},
                                    {QStringLiteral("currency"), accounts->value(2).toString()},
                                    {QStringLiteral("accountType"), accounts->value(3).toString()},
                                    {QStringLiteral("balanceCents"), accounts->value(4).toLongLong()}});

    QVariantList arValues{monthStart, day, monthStart, day};
    const QString arFilter = projectFilter(QStringLiteral("d.department_id"), departmentId, arValues);
    auto arAp = Sql::run(*db, QStringLiteral(
        "SELECT d.kind, SUM(d.issue_date BETWEEN ? AND ?), SUM(CASE WHEN d.issue_date BETWEEN ? AND ? THEN d.amount_cents ELSE 0 END), "
        "SUM(CASE WHEN d.status IN ('open', 'partially_settled') THEN d.amount_cents - "
        "(SELECT COALESCE(SUM(s.settle_amount_cents), 0) FROM settlements s WHERE s.doc_id = d.id) ELSE 0 END) "
        "FROM ar_ap_docs d WHERE 1 = 1%1 GROUP BY d.kind").arg(arFilter),
        arValues, QStringLiteral("sum receivables and payables"));
    if (!arAp)
        return arAp.error();
    QJsonObject arApFigures;
    for (const char *kind : {"AR", "AP"})
        arApFigures.insert(QLatin1String(kind), QJsonObject{{QStringLiteral("count"), 0}, {QStringLiteral("totalCents"), 0},
                                                            {QStringLiteral("openCents"), 0}});
    while (arAp->next())
        arApFigures.insert(arAp->value(0).toString(), QJsonObject{{QStringLiteral("count"), arAp->value(1).toLongLong()},
                                                                  {QStringLiteral("totalCents"), arAp->value(2).toLongLong()},
                                                                  {QStringLiteral("openCents"), arAp->value(3).toLongLong()}});

    auto loans = Sql::run(*db, QStringLiteral(
        "SELECT COUNT(DISTINCT b.user_id), COALESCE(SUM(b.amount_cents), 0), "
        "COALESCE(SUM((SELECT COALESCE(SUM(r.amount_cents), 0) FROM repayments r WHERE r.borrowing_id = b.id)), 0) "
        "FROM borrowings b WHERE b.status IN ('outstanding', 'partial', 'repaid')"),
        {}, QStringLiteral("sum the loans"));
    if (!loans)
        return loans.error();
    loans->next();
    const qint64 borrowed = loans->value(1).toLongLong();
    const qint64 repaid = loans->value(2).toLongLong();

    QVariantList recentValues;
    const QString recentFilter = projectFilter(QStringLiteral("f.department_id"), departmentId, recentValues);
    auto recent = Sql::run(*db, QStringLiteral(
        "SELECT f.id, f.voucher_no, f.biz_date, f.type, f.amount_cents, f.account_id, a.name, a.currency, c.name, f.counterparty, "
        "f.memo, f.is_reversal, f.is_reversed "
        // The ten newest first, by the date index; joining before limiting made the planner
        // start from the accounts and sort every flow.
        "FROM (SELECT * FROM cash_flows f WHERE 1 = 1%1 ORDER BY f.biz_date DESC, f.created_at DESC, f.id DESC LIMIT 10) f "
        "JOIN accounts a ON a.id = f.account_id LEFT JOIN categories c ON c.id = f.category_id "
        "ORDER BY f.biz_date DESC, f.created_at DESC, f.id DESC").arg(recentFilter),
        recentValues, QStringLiteral("read the recent flows"));
    if (!recent)
        return recent.error();
    QJsonArray recentFlows;
    while (recent->next())
        recentFlows.append(QJsonObject{{QStringLiteral("id"), recent->value(0).toString()},
                                       {QStringLiteral("voucherNo"), text(*recent, 1)},
                                       {QStringLiteral("bizDate"), recent->value(2).toString()},
                                       {QStringLiteral("type"), recent->value(3).toString()},
                                       {QStringLiteral("amountCents"), recent->value(4).toLongLong()},
                                       {QStringLiteral("accountId"), recent->value(5).toString()},
                                       {QStringLiteral("accountName"), recent->value(6).toString()},
                                       {QStringLiteral("currency"), recent->value(7).toString()},
                                       {QStringLiteral("categoryName"), text(*recent, 8)},
                                       {QStringLiteral("counterparty"), text(*recent, 9)},
                                       {QStringLiteral("memo"), text(*recent, 10)},
                                       {QStringLiteral("isReversal"), recent->value(11).toInt() == 1},
                                       {QStringLiteral("isReversed"), recent->value(12).toInt() == 1}});

    return QJsonObject{{QStringLiteral("today"), *todaySums},
                       {QStringLiteral("month"), *monthSums},
                       {QStringLiteral("accounts"), QJsonObject{{QStringLiteral("total"), balances.size()}}},
                       {QStringLiteral("accountBalances"), balances},
                       {QStringLiteral("arAp"), arApFigures},
                       {QStringLiteral("borrowings"), QJsonObject{{QStringLiteral("borrowerCount"), loans->value(0).toLongLong()},
                                                                  {QStringLiteral("totalBorrowedCents"), borrowed},
                                                                  {QStringLiteral("totalRepaidCents"), repaid},
                                                                  {QStringLiteral("balanceCents"), borrowed - repaid}}},
                       {QStringLiteral("recentFlows"), recentFlows},
                       {QStringLiteral("date"), day}};
}

Result<QJsonArray> FinanceReports::departmentCash(const ReportRange &range, const QStringList &departmentIds)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    QVariantList values{range.start, range.end};
    QString filter = projectFilter(QStringLiteral("d.id"), range.departmentId, values);
    if (!departmentIds.isEmpty()) {
        filter += QStringLiteral(" AND d.id IN (%1)").arg(QStringList(departmentIds.size(), QStringLiteral("?")).join(QLatin1Char(',')));
        for (const QString &id : departmentIds)
            values << id;
    }
    auto q = Sql::run(*db, QStringLiteral("SELECT d.id, d.name, %1, %2, %3, %4 FROM departments d "
                                          "LEFT JOIN cash_flows f ON f.department_id = d.id AND f.biz_date BETWEEN ? AND ? "
                                          "WHERE d.active = 1%5 GROUP BY d.id ORDER BY d.name")
                               .arg(NetIncome, NetExpense, IncomeCount, ExpenseCount, filter),
                      values, QStringLiteral("sum cash per project"));
    if (!q)
        return q.error();
    QJsonArray rows;
    while (q->next())
        rows.append(QJsonObject{{QStringLiteral("departmentId"), q->value(0).toString()},
                                {QStringLiteral("departmentName"), q->value(1).toString()},
                                {QStringLiteral("incomeCents"), q->value(2).toLongLong()},
                                {QStringLiteral("expenseCents"), q->value(3).toLongLong()},
                                {QStringLiteral("incomeCount"), q->value(4).toLongLong()},
                                {QStringLiteral("expenseCount"), q->value(5).toLongLong()},
                                {QStringLiteral("netCents"), q->value(2).toLongLong() - q->value(3).toLongLong()}});
    return rows;
}

Result<QJsonObject> FinanceReports::siteGrowth(const ReportRange &range)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    const auto [prevStart, prevEnd] = previousPeriod(range.start, range.end);
    QVariantList values{range.start, range.end, prevStart, prevEnd};
    const QString filter = projectFilter(QStringLiteral("s.department_id"), range.departmentId, values);
    auto q = Sql::run(*db, QStringLiteral(
        "SELECT s.id, s.name, cur.income, cur.expense, prev.income FROM sites s "
        "LEFT JOIN (SELECT f.site_id, %1 AS income, %2 AS expense FROM cash_flows f WHERE f.biz_date BETWEEN ? AND ? "
        "GROUP BY f.site_id) cur ON cur.site_id = s.id "
        "LEFT JOIN (SELECT f.site_id, %1 AS income FROM cash_flows f WHERE f.biz_date BETWEEN ? AND ? GROUP BY f.site_id) prev "
        "ON prev.site_id = s.id WHERE 1 = 1%3 ORDER BY s.name").arg(NetIncome, NetExpense, filter),
        values, QStringLiteral("compare the sites"));
    if (!q)
        return q.error();
    QJsonArray rows;
    while (q->next()) {
        const qint64 income = q->value(2).toLongLong(), expense = q->value(3).toLongLong(), previous = q->value(4).toLongLong();
        const double growth = previous != 0 ? double(income - previous) / double(previous) : (income > 0 ? 1.0 : 0.0);
        rows.append(QJsonObject{{QStringLiteral("siteId"), q->value(0).toString()},
                                {QStringLiteral("siteName"), q->value(1).toString()},
                                {QStringLiteral("incomeCents"), income},
                                {QStringLiteral("expenseCents"), expense},
                                {QStringLiteral("netCents"), income - expense},
                                {QStringLiteral("prevIncomeCents"), previous},
                                {QStringLiteral("growthRate"), growth}});
    }
    return QJsonObject{{QStringLiteral("rows"), rows},
                       {QStringLiteral("prevRange"), QJsonObject{{QStringLiteral("start"), prevStart}, {QStringLiteral("end"), prevEnd}}}};
}

Result<QJsonObject> FinanceReports::newSiteRevenue(const ReportRange &range, int days)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    // Sites opened within `days` before the end of the range (sites.created_at is epoch ms).
    const QTimeZone zone(m_timeZone.toLatin1());
    const QDate end = QDate::fromString(range.end, Qt::ISODate);
    const qint64 endMs = QDateTime(end.addDays(1), QTime(0, 0), zone).toMSecsSinceEpoch();
    const qint64 sinceMs = QDateTime(end.addDays(1 - days), QTime(0, 0), zone).toMSecsSinceEpoch();
    QVariantList values{range.start, range.end, sinceMs, endMs};
    const QString filter = projectFilter(QStringLiteral("s.department_id"), range.departmentId, values);
    auto q = Sql::run(*db, QStringLiteral(
        "SELECT s.id, s.name, s.created_at, %1, %2, %3 FROM sites s "
        "LEFT JOIN cash_flows f ON f.site_id = s.id AND f.biz_date BETWEEN ? AND ? "
        "WHERE s.created_at >= ? AND s.created_at < ?%4 GROUP BY s.id ORDER BY s.created_at DESC").arg(NetIncome, NetExpense, IncomeCount, filter),
        values, QStringLiteral("sum the new sites"));
    if (!q)
        return q.error();
    QJsonArray rows;
    while (q->next())
        rows.append(QJsonObject{{QStringLiteral("site_id"), q->value(0).toString()},
                                {QStringLiteral("site_name"), q->value(1).toString()},
                                {QStringLiteral("site_created_at"), q->value(2).toLongLong()},
                                {QStringLiteral("income_cents"), q->value(3).toLongLong()},
                                {QStringLiteral("expense_cents"), q->value(4).toLongLong()},
                                {QStringLiteral("income_count"), q->value(5).toLongLong()},
                                {QStringLiteral("net_cents"), q->value(3).toLongLong() - q->value(4).toLongLong()}});
    return QJsonObject{{QStringLiteral("rows"), rows}};
}

Result<QJsonObject> FinanceReports::arApDetail(const QString &kind, const ReportRange &range)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    QVariantList values{kind, range.start, range.end};
    const QString filter = projectFilter(QStringLiteral("d.department_id"), range.departmentId, values);
    auto q = Sql::run(*db, QStringLiteral(
        "SELECT d.id, d.kind, d.doc_no, d.party_id, d.site_id, s.name, d.department_id, d.issue_date, d.due_date, d.amount_cents, "
        "d.status, d.memo, (SELECT COALESCE(SUM(st.settle_amount_cents), 0) FROM settlements st WHERE st.doc_id = d.id) "
        "FROM ar_ap_docs d LEFT JOIN sites s ON s.id = d.site_id WHERE d.kind = ? AND d.issue_date BETWEEN ? AND ?%1 "
        "ORDER BY d.issue_date DESC, d.created_at DESC").arg(filter),
        values, QStringLiteral("list the documents"));
    if (!q)
        return q.error();
    QJsonArray rows;
    while (q->next())
        rows.append(QJsonObject{{QStringLiteral("id"), q->value(0).toString()},
                                {QStringLiteral("kind"), q->value(1).toString()},
                                {QStringLiteral("docNo"), text(*q, 2)},
                                {QStringLiteral("partyId"), text(*q, 3)},
                                {QStringLiteral("siteId"), text(*q, 4)},
                                {QStringLiteral("siteName"), text(*q, 5)},
                                {QStringLiteral("departmentId"), text(*q, 6)},
                                {QStringLiteral("issueDate"), q->value(7).toString()},
                                {QStringLiteral("dueDate"), text(*q, 8)},
                                {QStringLiteral("amountCents"), q->value(9).toLongLong()},
                                {QStringLiteral("status"), q->value(10).toString()},
                                {QStringLiteral("memo"), text(*q, 11)},
                                {QStringLiteral("settledCents"), q->value(12).toLongLong()}});
    return QJsonObject{{QStringLiteral("rows"), rows}};
}

Result<QJsonObject> FinanceReports::arApSummary(const QString &kind, const ReportRange &range)
{
    auto detail = arApDetail(kind, range);
    if (!detail)
        return detail.error();
    qint64 total = 0, settled = 0;
    QJsonObject byStatus;
    for (const QJsonValue &v : detail->value(QStringLiteral("rows")).toArray()) {
        const QJsonObject row = v.toObject();
        const qint64 amount = row.value(QStringLiteral("amountCents")).toInteger();
        total += amount;
        settled += row.value(QStringLiteral("settledCents")).toInteger();
        const QString status = row.value(QStringLiteral("status")).toString();
        byStatus.insert(status, byStatus.value(status).toInteger() + amount);
    }
    return QJsonObject{{QStringLiteral("totalCents"), total},
                       {QStringLiteral("settledCents"), settled},
                       {QStringLiteral("remainingCents"), total - settled},
                       {QStringLiteral("byStatus"), byStatus},
                       {QStringLiteral("rows"), detail->value(QStringLiteral("rows"))}};
}

Result<QJsonObject> FinanceReports::expenseSummary(const ReportRange &range)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    QVariantList values{range.start, range.end};
    const QString filter = projectFilter(QStringLiteral("f.department_id"), range.departmentId, values);
    auto q = Sql::run(*db, QStringLiteral("SELECT c.id, c.name, c.kind, %1, %2 FROM categories c "
                                          "LEFT JOIN cash_flows f ON f.category_id = c.id AND f.biz_date BETWEEN ? AND ?%3 "
                                          "WHERE c.kind = 'expense' GROUP BY c.id ORDER BY c.sort_order, c.name")
                               .arg(NetExpense, ExpenseCount, filter),
                      values, QStringLiteral("sum the expenses"));
    if (!q)
        return q.error();
    QJsonArray rows;
    while (q->next())
        rows.append(QJsonObject{{QStringLiteral("categoryId"), q->value(0).toString()},
                                {QStringLiteral("categoryName"), q->value(1).toString()},
                                {QStringLiteral("kind"), q->value(2).toString()},
                                {QStringLiteral("totalCents"), q->value(3).toLongLong()},
                                {QStringLiteral("count"), q->value(4).toLongLong()}});
    return QJsonObject{{QStringLiteral("rows"), rows}};
}

Result<QJsonObject> FinanceReports::expenseDetail(const ReportRange &range, const QString &categoryId)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    QVariantList values{range.start, range.end};
    QString filter = projectFilter(QStringLiteral("f.department_id"), range.departmentId, values);
    if (!categoryId.isEmpty()) {
        filter += QStringLiteral(" AND f.category_id = ?");
        values << categoryId;
    }
    // Expenses, and the reversals of expenses (which show as negative amounts).
    auto q = Sql::run(*db, QStringLiteral(
        "SELECT f.id, f.voucher_no, f.biz_date, f.amount_cents * (CASE WHEN f.is_reversal = 1 THEN -1 ELSE 1 END), f.account_id, "
        "a.name, a.currency, f.category_id, c.name, f.department_id, d.name, f.site_id, s.name, f.counterparty, f.memo, "
        "f.is_reversal, f.is_reversed FROM cash_flows f JOIN accounts a ON a.id = f.account_id "
        "LEFT JOIN categories c ON c.id = f.category_id LEFT JOIN departments d ON d.id = f.department_id "
        "LEFT JOIN sites s ON s.id = f.site_id "
        "WHERE ((f.type = 'expense' AND f.is_reversal = 0) OR (f.type = 'income' AND f.is_reversal = 1 AND c.kind = 'expense')) "
        "AND f.biz_date BETWEEN ? AND ?%1 ORDER BY f.biz_date DESC, f.created_at DESC LIMIT 10000").arg(filter),
        values, QStringLiteral("list the expenses"));
    if (!q)
        return q.error();
    QJsonArray rows;
    while (q->next())
        rows.append(QJsonObject{{QStringLiteral("id"), q->value(0).toString()},
                                {QStringLiteral("voucherNo"), text(*q, 1)},
                                {QStringLiteral("bizDate"), q->value(2).toString()},
                                {QStringLiteral("amountCents"), q->value(3).toLongLong()},
                                {QStringLiteral("accountId"), q->value(4).toString()},
                                {QStringLiteral("accountName"), q->value(5).toString()},
                                {QStringLiteral("accountCurrency"), q->value(6).toString()},
                                {QStringLiteral("categoryId"), text(*q, 7)},
                                {QStringLiteral("categoryName"), text(*q, 8)},
                                {QStringLiteral("departmentId"), text(*q, 9)},
                                {QStringLiteral("departmentName"), text(*q, 10)},
                                {QStringLiteral("siteId"), text(*q, 11)},
                                {QStringLiteral("siteName"), text(*q, 12)},
                                {QStringLiteral("counterparty"), text(*q, 13)},
                                {QStringLiteral("memo"), text(*q, 14)},
                                {QStringLiteral("isReversal"), q->value(15).toInt() == 1},
                                {QStringLiteral("isReversed"), q->value(16).toInt() == 1}});
    return QJsonObject{{QStringLiteral("rows"), rows}};
}

Result<QJsonObject> FinanceReports::accountBalance(const QString &asOf)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    // One pass over the ledger index per account: the balance before the day, and the day's rows.
    auto q = Sql::run(*db, QStringLiteral(
        "SELECT a.id, a.name, a.type, a.currency, a.account_number, "
        "COALESCE((SELECT t.balance_after_cents FROM account_transactions t WHERE t.account_id = a.id AND t.transaction_date < ? "
        "          ORDER BY t.transaction_date DESC, t.created_at DESC, t.id DESC LIMIT 1), a.opening_cents), "
        "COALESCE(SUM(CASE WHEN d.transaction_type = 'income' THEN d.amount_cents END), 0), "
        "COALESCE(SUM(CASE WHEN d.transaction_type = 'expense' THEN d.amount_cents END), 0), "
        "COALESCE(SUM(CASE WHEN d.transaction_type = 'transfer_in' THEN d.amount_cents END), 0), "
        "COALESCE(SUM(CASE WHEN d.transaction_type = 'transfer_out' THEN -d.amount_cents END), 0) "
        "FROM accounts a LEFT JOIN account_transactions d ON d.account_id = a.id AND d.transaction_date = ? "
        "GROUP BY a.id ORDER BY a.active DESC, a.name"),
        {asOf, asOf}, QStringLiteral("compute the balances"));
    if (!q)
        return q.error();
    QJsonArray rows;
    while (q->next()) {
        const qint64 opening = q->value(5).toLongLong(), income = q->value(6).toLongLong(), expense = q->value(7).toLongLong();
        const qint64 in = q->value(8).toLongLong(), out = q->value(9).toLongLong();
        rows.append(QJsonObject{{QStringLiteral("accountId"), q->value(0).toString()},
                                {QStringLiteral("accountName"), q->value(1).toString()},
                                {QStringLiteral("accountType"), q->value(2).toString()},
                                {QStringLiteral("currency"), q->value(3).toString()},
                                {QStringLiteral("accountNumber"), text(*q, 4)},
                                {QStringLiteral("openingCents"), opening},
                                {QStringLiteral("incomeCents"), income},
                                {QStringLiteral("expenseCents"), expense},
                                {QStringLiteral("transferInCents"), in},
                                {QStringLiteral("transferOutCents"), out},
                                {QStringLiteral("closingCents"), opening + income - expense + in - out}});
    }
    return QJsonObject{{QStringLiteral("rows"), rows}, {QStringLiteral("asOf"), asOf}};
}

Result<QJsonObject> FinanceReports::loanSummary(const QString &userId, const ReportRange &range)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    QVariantList values{range.start, range.end};
    QString filter;
    if (!userId.isEmpty()) {
        filter = QStringLiteral(" AND b.user_id = ?");
        values << userId;
    }
    filter += projectFilter(QStringLiteral("e.department_id"), range.departmentId, values);
    // Borrowed and repaid summed separately: joining repayments to loans would count a loan
    // once per repayment (the reference's inflated sums).
    auto q = Sql::run(*db, QStringLiteral(
        "SELECT b.user_id, e.name, COALESCE(e.personal_email, e.email), b.currency, SUM(b.amount_cents), "
        "SUM((SELECT COALESCE(SUM(r.amount_cents), 0) FROM repayments r WHERE r.borrowing_id = b.id)) "
        "FROM borrowings b JOIN employees e ON e.id = b.user_id "
        "WHERE b.status IN ('outstanding', 'partial', 'repaid') AND b.borrow_date BETWEEN ? AND ?%1 "
        "GROUP BY b.user_id, b.currency ORDER BY e.name").arg(filter),
        values, QStringLiteral("sum the loans"));
    if (!q)
        return q.error();
    QJsonArray results;
    while (q->next())
        results.append(QJsonObject{{QStringLiteral("userId"), q->value(0).toString()},
                                   {QStringLiteral("borrowerName"), q->value(1).toString()},
                                   {QStringLiteral("borrowerEmail"), q->value(2).toString()},
                                   {QStringLiteral("currency"), q->value(3).toString()},
                                   {QStringLiteral("totalBorrowedCents"), q->value(4).toLongLong()},
                                   {QStringLiteral("totalRepaidCents"), q->value(5).toLongLong()},
                                   {QStringLiteral("balanceCents"), q->value(4).toLongLong() - q->value(5).toLongLong()}});
    return QJsonObject{{QStringLiteral("results"), results}};
}

Result<QJsonObject> FinanceReports::loanDetail(const QString &userId, const ReportRange &range)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    QVariantList values{userId};
    const QString filter = projectFilter(QStringLiteral("department_id"), range.departmentId, values);
    auto user = Sql::run(*db, QStringLiteral("SELECT id, name, COALESCE(personal_email, email) FROM employees WHERE id = ?%1").arg(filter),
                         values, QStringLiteral("read the borrower"));
    if (!user)
        return user.error();
    if (!user->next())
        return AppError::notFound(QStringLiteral("no employee with id %1").arg(userId));
    const QJsonObject who{{QStringLiteral("id"), user->value(0).toString()},
                          {QStringLiteral("name"), user->value(1).toString()},
                          {QStringLiteral("email"), user->value(2).toString()}};
    auto loans = Sql::run(*db, QStringLiteral("SELECT b.id, b.account_id, a.name, b.amount_cents, b.currency, b.borrow_date, b.memo, "
                                              "b.status, b.created_at FROM borrowings b LEFT JOIN accounts a ON a.id = b.account_id "
                                              "WHERE b.user_id = ? AND b.borrow_date BETWEEN ? AND ? ORDER BY b.borrow_date DESC"),
                          {userId, range.start, range.end}, QStringLiteral("list the loans"));
    if (!loans)
        return loans.error();
    QJsonArray borrowings;
    while (loans->next())
        borrowings.append(QJsonObject{{QStringLiteral("id"), loans->value(0).toString()},
                                      {QStringLiteral("accountId"), text(*loans, 1)},
                                      {QStringLiteral("accountName"), text(*loans, 2)},
                                      {QStringLiteral("amountCents"), loans->value(3).toLongLong()},
                                      {QStringLiteral("currency"), loans->value(4).toString()},
                                      {QStringLiteral("borrowDate"), loans->value(5).toString()},
                                      {QStringLiteral("memo"), text(*loans, 6)},
                                      {QStringLiteral("status"), loans->value(7).toString()},
                                      {QStringLiteral("createdAt"), loans->value(8).toLongLong()}});
    auto paid = Sql::run(*db, QStringLiteral("SELECT r.id, r.borrowing_id, r.account_id, a.name, r.amount_cents, r.currency, r.repay_date, "
                                             "r.memo, r.created_at FROM repayments r JOIN borrowings b ON b.id = r.borrowing_id "
                                             "LEFT JOIN accounts a ON a.id = r.account_id "
                                             "WHERE b.user_id = ? AND r.repay_date BETWEEN ? AND ? ORDER BY r.repay_date DESC"),
                         {userId, range.start, range.end}, QStringLiteral("list the repayments"));
    if (!paid)
        return paid.error();
    QJsonArray repayments;
    while (paid->next())
        repayments.append(QJsonObject{{QStringLiteral("id"), paid->value(0).toString()},
                                      {QStringLiteral("borrowingId"), paid->value(1).toString()},
                                      {QStringLiteral("accountId"), paid->value(2).toString()},
                                      {QStringLiteral("accountName"), text(*paid, 3)},
                                      {QStringLiteral("amountCents"), paid->value(4).toLongLong()},
                                      {QStringLiteral("currency"), paid->value(5).toString()},
                                      {QStringLiteral("repayDate"), paid->value(6).toString()},
                                      {QStringLiteral("memo"), text(*paid, 7)},
                                      {QStringLiteral("createdAt"), paid->value(8).toLongLong()}});
    return QJsonObject{{QStringLiteral("user"), who}, {QStringLiteral("borrowings"), borrowings}, {QStringLiteral("repayments"), repayments}};
}

} // namespace caiwu
