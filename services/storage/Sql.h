#pragma once

#include "core/Result.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QVariant>
#include <QVariantList>

namespace caiwu::Sql {

// Prepares, binds and runs one statement. A failure is a 500 that names `what` the caller was
// doing (never the SQL or the values); details.sqlite holds SQLite's extended result code so a
// caller can tell a constraint from an outage (see isUniqueViolation).
Result<QSqlQuery> run(const QSqlDatabase &db, const QString &sql, const QVariantList &values, const QString &what);

// SQLITE_CONSTRAINT_UNIQUE or _PRIMARYKEY: a row with that key exists already.
bool isUniqueViolation(const AppError &error);

// SQLITE_CONSTRAINT_FOREIGNKEY: a row still references the one being deleted (or a referenced
// row is missing).
bool isForeignKeyViolation(const AppError &error);

// The first column of the first row as a number (0 when there is no row): counts and sums.
Result<qint64> number(const QSqlDatabase &db, const QString &sql, const QVariantList &values, const QString &what);

// A text column's value: NULL for an empty string (optional text columns hold NULL, not '').
inline QVariant textOrNull(const QString &s) { return s.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(s); }

} // namespace caiwu::Sql
