#include "LoanRules.h"

#include "auth/AuthSession.h"
#include "storage/Sql.h"

#include <QStringList>

namespace caiwu::LoanRules {

Permissions::Filter visibleTo(const AuthSession &who)
{
    return Permissions::rowFilter(who.principal, QStringLiteral("e.department_id"), QStringLiteral("e.org_department_id"),
                                  QStringLiteral("b.user_id"));
}

namespace {

const QStringList LentStatuses = {QStringLiteral("outstanding"), QStringLiteral("partial"), QStringLiteral("repaid")};

} // namespace

bool isLent(const QString &status)
{
    return LentStatuses.contains(status);
}

QString lentStatusesSql()
{
    return QStringLiteral("('%1')").arg(LentStatuses.join(QStringLiteral("', '")));
}

QString statusAfterRepayments(qint64 repaidCents, qint64 amountCents)
{
    if (repaidCents <= 0)
        return QStringLiteral("outstanding");
    return repaidCents < amountCents ? QStringLiteral("partial") : QStringLiteral("repaid");
}

Result<void> checkAccount(const QSqlDatabase &db, const QString &accountId, const QString &currency)
{
    auto account = Sql::run(db, QStringLiteral("SELECT currency, active FROM accounts WHERE id = ?"), {accountId},
                            QStringLiteral("read the account"));
    if (!account)
        return account.error();
    if (!account->next())
        return AppError::field(QStringLiteral("accountId"), QStringLiteral("no account with id %1").arg(accountId));
    if (account->value(1).toInt() != 1)
        return AppError::field(QStringLiteral("accountId"), QStringLiteral("the account is no longer in use"));
    if (account->value(0).toString() != currency)
        return AppError::field(QStringLiteral("currency"), QStringLiteral("the account is kept in %1, not %2")
                                                               .arg(account->value(0).toString(), currency));
    return {};
}

} // namespace caiwu::LoanRules
