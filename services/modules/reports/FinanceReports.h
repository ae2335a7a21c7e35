#pragma once

#include "core/Result.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

namespace caiwu {

class Database;
struct AuthSession;

// The period and project a report covers, already checked against the caller's scope.
struct ReportRange {
    QString start;         // YYYY-MM-DD, inclusive
    QString end;           // YYYY-MM-DD, inclusive
    QString departmentId;  // empty: every project (only for a caller whose scope is all)
};

// The finance reports (reference §1.5, §6.4), read straight from the books (read-only).
// Income and expense are net of reversals: a 红冲 of an income counts as minus income in the
// period it is dated in, not as an expense. Money is summed per report as the reference did;
// a row names its currency where it has one.
class FinanceReports {
public:
    explicit FinanceReports(Database &db, QString timeZone) : m_db(db), m_timeZone(std::move(timeZone)) {}

    // The project a report may cover: a caller whose scope is not all is held to their own
    // project (403 for another; no project → an empty report, as the reference).
    static Result<QString> scopedDepartment(const AuthSession &who, const QString &asked);

    Result<QJsonObject> dashboard(const QString &departmentId);
    Result<QJsonArray> departmentCash(const ReportRange &range, const QStringList &departmentIds);
    Result<QJsonObject> siteGrowth(const ReportRange &range);
    Result<QJsonObject> newSiteRevenue(const ReportRange &range, int days);
    Result<QJsonObject> arApSummary(const QString &kind, const ReportRange &range);
    Result<QJsonObject> arApDetail(const QString &kind, const ReportRange &range);
    Result<QJsonObject> expenseSummary(const ReportRange &range);
    Result<QJsonObject> expenseDetail(const ReportRange &range, const QString &categoryId);
    // Per account as of the end of `asOf`: opening (everything before that day, from the ledger:
    // opening balance and transfers included), that day's income, expense and transfers, closing.
    Result<QJsonObject> accountBalance(const QString &asOf);
    Result<QJsonObject> loanSummary(const QString &userId, const ReportRange &range);
    Result<QJsonObject> loanDetail(const QString &userId, const ReportRange &range);

    QString today() const;

private:
    Database &m_db;
    QString m_timeZone;
};

} // namespace caiwu
