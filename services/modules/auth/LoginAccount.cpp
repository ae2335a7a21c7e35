#include "LoginAccount.h"

#include "storage/Sql.h"

namespace caiwu {

const char *const LoginAccount::Select =
    "SELECT e.id, e.name, COALESCE(e.personal_email, e.email), e.active, e.status, e.password_hash, e.totp_secret, "
    "e.totp_last_step, e.position_id, p.active FROM employees e LEFT JOIN positions p ON p.id = e.position_id ";

LoginAccount LoginAccount::from(const QSqlQuery &q)
{
    LoginAccount a;
    a.id = q.value(0).toString();
    a.name = q.value(1).toString();
    a.email = q.value(2).toString();
    a.active = q.value(3).toInt() == 1;
    a.status = q.value(4).toString();
    a.passwordHash = q.value(5).toString();
    a.totpSecret = q.value(6).toString();
    a.totpLastStep = q.value(7).isNull() ? -1 : q.value(7).toLongLong();
    a.positionId = q.value(8).toString();
    a.positionActive = q.value(9).toInt() == 1;
    return a;
}

Result<LoginAccount> LoginAccount::read(const QSqlDatabase &db, const QString &employeeId)
{
    auto q = Sql::run(db, QLatin1String(Select) + QStringLiteral("WHERE e.id = ?"), {employeeId}, QStringLiteral("read the account"));
    if (!q)
        return q.error();
    if (!q->next())
        return AppError::notFound(QStringLiteral("no employee with id %1").arg(employeeId));
    return from(*q);
}

} // namespace caiwu
