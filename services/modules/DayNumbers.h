#pragma once

#include "core/Result.h"

#include <QSqlDatabase>
#include <QString>

#include <optional>

namespace caiwu {

// Record numbers of the form <prefix><YYYYMMDD>-<NNN> (JZ vouchers, AR/AP documents): per
// day the highest number used plus one, at least three digits, kept in day_counters. take()
// runs under the caller's write lock and in its transaction, so two postings at once get
// different numbers and a failed one uses none; the table's unique index is the backstop.
namespace DayNumbers {

// "JZ" + "2024-05-10" + 7 → "JZ20240510-007".
QString format(const QString &prefix, const QString &date, qint64 number);

// The next free number of `date` in table.column (code constants, never user input), recorded
// as used.
Result<QString> take(const QSqlDatabase &db, const QString &table, const QString &column, const QString &prefix,
                     const QString &date);
// The number take() would give now, without using it (the form's preview).
Result<QString> peek(const QSqlDatabase &db, const QString &table, const QString &column, const QString &prefix,
                     const QString &date);
// A record was stored under a number typed by hand: if it has the automatic form, the day's
// automatic numbering continues after it.
Result<void> noteUsed(const QSqlDatabase &db, const QString &prefix, const QString &number);

// A number typed by hand: letters, digits, '-' and '_', at most 64. One in the automatic form
// may have at most 9 digits after the date, so the day's automatic numbering, which continues
// after the highest, stays within range. A VALIDATION_ERROR naming `field` otherwise.
std::optional<AppError> checkManual(const QString &field, const QString &number, const QString &prefix);

} // namespace DayNumbers
} // namespace caiwu
