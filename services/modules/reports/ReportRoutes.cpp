#include "ReportRoutes.h"

#include "FinanceReports.h"
#include "auth/AuthSession.h"
#include "http/Router.h"
#include "modules/ModuleContext.h"
#include "modules/QueryParams.h"

#include <QJsonArray>

#include <memory>

namespace caiwu {

namespace {

const QString Tag = QStringLiteral("reports");
const QString ReportRight = QStringLiteral("report.finance.view");

// start/end (default: this month so far) and the project, held to the caller's scope.
Result<ReportRange> rangeOf(const HttpRequest &request, QueryParams &params, const FinanceReports &reports)
{
    ReportRange range;
    const QString today = reports.today();
    range.start = params.date({QStringLiteral("start"), QStringLiteral("startDate")}).value_or(today.left(8) + QStringLiteral("01"));
    range.end = params.date({QStringLiteral("end"), QStringLiteral("endDate")}).value_or(today);
    const QString asked = params.text(QStringLiteral("departmentId"));
    if (!params.ok())
        return params.error();
    if (range.end < range.start)
        return AppError::field(QStringLiteral("end"), QStringLiteral("end is before start"));
    auto department = FinanceReports::scopedDepartment(*request.session, asked);
    if (!department)
        return department.error();
    range.departmentId = *department;
    return range;
}

using Report = std::function<Result<QJsonValue>(HttpRequest &, QueryParams &, const ReportRange &)>;

// Adds a report under each of its names; every report reads its range and scope the same way.
void addReport(Router &router, const std::shared_ptr<FinanceReports> &reports, const QStringList &paths, const QString &summary,
               Report report)
{
    for (const QString &path : paths)
        router.add({"GET", path, summary, Tag, Access::Authenticated, ReportRight},
                   [reports, report](HttpRequest &request) -> Result<HttpResponse> {
                       QueryParams params(request);
                       auto range = rangeOf(request, params, *reports);
                       if (!range)
                           return range.error();
                       auto answer = report(request, params, *range);
                       if (!answer)
                           return answer.error();
                       if (!params.ok())
                           return params.error();
                       return answer->isArray() ? HttpResponse::json(answer->toArray()) : HttpResponse::json(answer->toObject());
                   });
}

// ?kind=AR|AP; receivables when not given.
QString documentKind(QueryParams &params)
{
    const QString kind = params.choice(QStringLiteral("kind"), {QStringLiteral("AR"), QStringLiteral("AP")});
    return kind.isEmpty() ? QStringLiteral("AR") : kind;
}

// Loans run for years: without a start, a loan report covers everything up to the end.
ReportRange allTimeUnlessAsked(const QueryParams &params, ReportRange range)
{
    if (!params.has(QStringLiteral("start")) && !params.has(QStringLiteral("startDate")))
        range.start = QStringLiteral("1900-01-01");
    return range;
}

template<typename T>
Result<QJsonValue> value(Result<T> result)
{
    if (!result)
        return result.error();
    return QJsonValue(*result);
}

} // namespace

void installReportRoutes(Router &router, ModuleContext &context)
{
    auto reports = std::make_shared<FinanceReports>(context.database, context.config.string(QStringLiteral("office.timezone")));
    FinanceReports *r = reports.get();

    addReport(router, reports, {QStringLiteral("/api/reports/dashboard/stats"), QStringLiteral("/api/dashboard/stats")},
              QStringLiteral("Dashboard: today and this month, balances, receivables and payables, loans, recent flows"),
              [r](HttpRequest &, QueryParams &, const ReportRange &range) { return value(r->dashboard(range.departmentId)); });

    addReport(router, reports, {QStringLiteral("/api/reports/department-cash")}, QStringLiteral("Income and expense per project"),
              [r](HttpRequest &, QueryParams &params, const ReportRange &range) {
                  QStringList ids;
                  for (const QString &id : params.text(QStringLiteral("departmentIds")).split(QLatin1Char(','), Qt::SkipEmptyParts))
                      ids << id.trimmed();
                  return value(r->departmentCash(range, ids));
              });

    addReport(router, reports, {QStringLiteral("/api/reports/site-growth")},
              QStringLiteral("Per site: this period against the one before"),
              [r](HttpRequest &, QueryParams &, const ReportRange &range) { return value(r->siteGrowth(range)); });

    addReport(router, reports, {QStringLiteral("/api/reports/new-site-revenue")}, QStringLiteral("Revenue of recently opened sites"),
              [r](HttpRequest &, QueryParams &params, const ReportRange &range) {
                  return value(r->newSiteRevenue(range, int(params.integer(QStringLiteral("days"), 1, 3650).value_or(30))));
              });

    for (const QString &kind : {QStringLiteral("AR"), QStringLiteral("AP")}) {
        const QString lower = kind.toLower();
        addReport(router, reports, {QStringLiteral("/api/reports/%1-summary").arg(lower)},
                  QStringLiteral("%1 summary (the front end's name)").arg(kind),
                  [r, kind](HttpRequest &, QueryParams &, const ReportRange &range) { return value(r->arApSummary(kind, range)); });
        addReport(router, reports, {QStringLiteral("/api/reports/%1-detail").arg(lower)},
                  QStringLiteral("%1 detail (the front end's name)").arg(kind),
                  [r, kind](HttpRequest &, QueryParams &, const ReportRange &range) { return value(r->arApDetail(kind, range)); });
    }
    addReport(router, reports, {QStringLiteral("/api/reports/ar-ap/summary")}, QStringLiteral("Receivables or payables: totals by status"),
              [r](HttpRequest &, QueryParams &params, const ReportRange &range) {
                  return value(r->arApSummary(documentKind(params), range));
              });
    addReport(router, reports, {QStringLiteral("/api/reports/ar-ap/detail")}, QStringLiteral("Receivables or payables with what is settled"),
              [r](HttpRequest &, QueryParams &params, const ReportRange &range) {
                  return value(r->arApDetail(documentKind(params), range));
              });

    addReport(router, reports, {QStringLiteral("/api/reports/expense/summary"), QStringLiteral("/api/reports/expense-summary")},
              QStringLiteral("Expense per category"),
              [r](HttpRequest &, QueryParams &, const ReportRange &range) { return value(r->expenseSummary(range)); });
    addReport(router, reports, {QStringLiteral("/api/reports/expense/detail"), QStringLiteral("/api/reports/expense-detail")},
              QStringLiteral("Expense flows, optionally of one category"),
              [r](HttpRequest &, QueryParams &params, const ReportRange &range) {
                  QString category = params.text(QStringLiteral("category_id"));
                  if (category.isEmpty())
                      category = params.text(QStringLiteral("categoryId"));
                  return value(r->expenseDetail(range, category));
              });

    addReport(router, reports, {QStringLiteral("/api/reports/account/balance"), QStringLiteral("/api/reports/account-balance")},
              QStringLiteral("Every account's balance as of a day (opening, the day's movements, closing)"),
              [r](HttpRequest &, QueryParams &params, const ReportRange &) {
                  return value(r->accountBalance(params.date({QStringLiteral("asOf")}).value_or(r->today())));
              });

    addReport(router, reports, {QStringLiteral("/api/reports/borrowing/summary"), QStringLiteral("/api/reports/borrowing-summary")},
              QStringLiteral("Loans per employee and currency"),
              [r](HttpRequest &, QueryParams &params, const ReportRange &range) {
                  return value(r->loanSummary(params.text(QStringLiteral("userId")), allTimeUnlessAsked(params, range)));
              });
    addReport(router, reports, {QStringLiteral("/api/reports/borrowing/detail/{id}"), QStringLiteral("/api/reports/borrowing-detail/{id}")},
              QStringLiteral("One employee's loans and repayments"),
              [r](HttpRequest &request, QueryParams &params, const ReportRange &range) {
                  return value(r->loanDetail(request.params.value(QStringLiteral("id")), allTimeUnlessAsked(params, range)));
              });
}

} // namespace caiwu
