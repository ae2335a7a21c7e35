#include "Sql.h"

#include "core/Log.h"

#include <QJsonObject>
#include <QSqlError>

namespace caiwu::Sql {

Result<QSqlQuery> run(const QSqlDatabase &db, const QString &sql, const QVariantList &values, const QString &what)
{
    QSqlQuery q(db);
    q.setForwardOnly(true);
    bool ok = q.prepare(sql);
    if (ok) {
        for (const QVariant &v : values)
            q.addBindValue(v);
        ok = q.exec();
    }
    if (ok)
        return q;
    const QSqlError e = q.lastError();
    const QString code = e.nativeErrorCode();
    // 5 BUSY, 6 LOCKED, 10 IOERR, 13 FULL: the database cannot take it now; the client may retry.
    const int primary = code.toInt() & 0xff;
    const bool outage = primary == 5 || primary == 6 || primary == 10 || primary == 13;
    if (primary != 19) // constraints are the caller's to explain; anything else belongs in the log
        qCWarning(lcStorage).noquote() << "cannot" << what << ":" << e.text();
    AppError error = outage ? AppError::unavailable(QStringLiteral("the database is busy or unavailable; cannot %1").arg(what))
                            : AppError::internal(QStringLiteral("database error; cannot %1").arg(what));
    error.details.insert(QStringLiteral("sqlite"), code.toInt());
    return error;
}

bool isUniqueViolation(const AppError &error)
{
    const int code = error.details.value(QStringLiteral("sqlite")).toInt();
    return code == 2067 || code == 1555;
}

bool isForeignKeyViolation(const AppError &error)
{
    return error.details.value(QStringLiteral("sqlite")).toInt() == 787;
}

Result<qint64> number(const QSqlDatabase &db, const QString &sql, const QVariantList &values, const QString &what)
{
    auto q = run(db, sql, values, what);
    if (!q)
        return q.error();
    return q->next() ? q->value(0).toLongLong() : 0;
}

} // namespace caiwu::Sql
