#include "LoanRoutes.h"

#include "LoanService.h"
#include "RepaymentService.h"
#include "core/Json.h"
#include "core/JsonFields.h"
#include "http/Router.h"
#include "modules/ModuleContext.h"
#include "modules/QueryParams.h"

#include <limits>
#include <memory>

namespace caiwu {

namespace {

const QString Tag = QStringLiteral("borrowings");

} // namespace

void installLoanRoutes(Router &router, ModuleContext &context)
{
    auto loans = std::make_shared<LoanService>(context.database, context.audit);
    auto repayments = std::make_shared<RepaymentService>(context.database, context.audit);

    router.add({"GET", QStringLiteral("/api/borrowings"), QStringLiteral("Employee loans (latest 200) with what has been repaid"), Tag,
                Access::Authenticated, QStringLiteral("finance.borrowing.view")},
               [loans](HttpRequest &request) -> Result<HttpResponse> {
                   QueryParams params(request);
                   LoanQuery query;
                   query.userId = params.text(QStringLiteral("userId"));
                   query.status = params.choice(QStringLiteral("status"),
                                                {QStringLiteral("outstanding"), QStringLiteral("partial"), QStringLiteral("repaid"),
                                                 QStringLiteral("pending"), QStringLiteral("approved"), QStringLiteral("rejected")});
                   query.currency = params.text(QStringLiteral("currency"));
                   query.from = params.date({QStringLiteral("startDate"), QStringLiteral("from")});
                   query.to = params.date({QStringLiteral("endDate"), QStringLiteral("to")});
                   query.page = params.page();
                   if (!params.ok())
                       return params.error();
                   auto list = loans->list(query, *request.session);
                   if (!list)
                       return list.error();
                   return HttpResponse::json(*list);
               });

    router.add({"POST", QStringLiteral("/api/borrowings"), QStringLiteral("Record a loan paid out to an employee"), Tag,
                Access::Authenticated, QStringLiteral("finance.borrowing.create")},
               [loans](HttpRequest &request) -> Result<HttpResponse> {
                   auto body = Json::parseObject(request.body);
                   if (!body)
                       return body.error();
                   JsonFields in(*body);
                   NewLoan loan;
                   loan.userId = in.requiredString(QStringLiteral("userId"), 64);
                   loan.accountId = in.requiredString(QStringLiteral("accountId"), 64);
                   loan.amountCents = in.requiredCents(QStringLiteral("amount"), QStringLiteral("amountCents"));
                   loan.currency = in.requiredString(QStringLiteral("currency"), 8);
                   loan.borrowDate = in.requiredString(QStringLiteral("borrowDate"), 10);
                   loan.memo = in.optionalString(QStringLiteral("memo"), 1000).value_or(QString());
                   if (!in.ok())
                       return in.error();
                   auto recorded = loans->record(loan, *request.session, request.clientAddress);
                   if (!recorded)
                       return recorded.error();
                   return HttpResponse::json(*recorded);
               });

    router.add({"GET", QStringLiteral("/api/borrowings/balance"), QStringLiteral("What each employee still owes, per currency"), Tag,
                Access::Authenticated, QStringLiteral("finance.borrowing.view")},
               [loans](HttpRequest &request) -> Result<HttpResponse> {
                   auto balances = loans->balances(request.queryValue(QStringLiteral("userId")).trimmed(), *request.session);
                   if (!balances)
                       return balances.error();
                   return HttpResponse::json(*balances);
               });

    router.add({"PUT", QStringLiteral("/api/borrowings/{id}/status"),
                QStringLiteral("Approve or reject a pending loan request (a manager of the borrower)"), Tag, Access::Authenticated,
                QStringLiteral("finance.borrowing.approve")},
               [loans](HttpRequest &request) -> Result<HttpResponse> {
                   auto body = Json::parseObject(request.body);
                   if (!body)
                       return body.error();
                   JsonFields in(*body);
                   LoanDecision decision;
                   decision.loanId = request.params.value(QStringLiteral("id"));
                   decision.status = in.requiredString(QStringLiteral("status"), 16);
                   decision.memo = in.optionalString(QStringLiteral("memo"), 1000).value_or(QString());
                   decision.expectedVersion = in.optionalInteger(QStringLiteral("version"), 1, std::numeric_limits<qint32>::max());
                   if (!in.ok())
                       return in.error();
                   auto version = loans->decide(decision, *request.session, request.clientAddress);
                   if (!version)
                       return version.error();
                   return HttpResponse::json(QJsonObject{{QStringLiteral("ok"), true}, {QStringLiteral("version"), *version}});
               });

    router.add({"GET", QStringLiteral("/api/repayments"), QStringLiteral("Repayments of loans, newest first"), Tag, Access::Authenticated,
                QStringLiteral("finance.borrowing.view")},
               [repayments](HttpRequest &request) -> Result<HttpResponse> {
                   QueryParams params(request);
                   RepaymentQuery query;
                   query.borrowingId = params.text(QStringLiteral("borrowingId"));
                   query.userId = params.text(QStringLiteral("userId"));
                   query.from = params.date({QStringLiteral("startDate"), QStringLiteral("from")});
                   query.to = params.date({QStringLiteral("endDate"), QStringLiteral("to")});
                   query.page = params.page();
                   if (!params.ok())
                       return params.error();
                   auto list = repayments->list(query, *request.session);
                   if (!list)
                       return list.error();
                   return HttpResponse::json(*list);
               });

    router.add({"POST", QStringLiteral("/api/repayments"), QStringLiteral("Record a repayment of a loan"), Tag, Access::Authenticated,
                QStringLiteral("finance.borrowing.create")},
               [repayments](HttpRequest &request) -> Result<HttpResponse> {
                   auto body = Json::parseObject(request.body);
                   if (!body)
                       return body.error();
                   JsonFields in(*body);
                   NewRepayment repayment;
                   repayment.borrowingId = in.requiredString(QStringLiteral("borrowingId"), 64);
                   repayment.accountId = in.requiredString(QStringLiteral("accountId"), 64);
                   repayment.amountCents = in.requiredCents(QStringLiteral("amount"), QStringLiteral("amountCents"));
                   repayment.currency = in.requiredString(QStringLiteral("currency"), 8);
                   repayment.repayDate = in.requiredString(QStringLiteral("repayDate"), 10);
                   repayment.memo = in.optionalString(QStringLiteral("memo"), 1000).value_or(QString());
                   if (!in.ok())
                       return in.error();
                   auto recorded = repayments->record(repayment, *request.session, request.clientAddress);
                   if (!recorded)
                       return recorded.error();
                   return HttpResponse::json(*recorded);
               });
}

} // namespace caiwu
