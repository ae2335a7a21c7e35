#pragma once

#include "core/Result.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>

namespace caiwu {

// An employee as login sees them: who, whether they may log in, their password hash and
// authenticator, and whether their position is active.
struct LoginAccount {
    QString id;
    QString name;
    QString email;       // the login (personal) address
    bool active = false;
    QString status;
    QString passwordHash;
    QString totpSecret;
    qint64 totpLastStep = -1;
    QString positionId;
    bool positionActive = false;

    // The SELECT list and joins that from() reads; append a WHERE clause.
    static const char *const Select;
    static LoginAccount from(const QSqlQuery &q);
    // By employee id; 404 when there is none.
    static Result<LoginAccount> read(const QSqlDatabase &db, const QString &employeeId);
};

} // namespace caiwu
