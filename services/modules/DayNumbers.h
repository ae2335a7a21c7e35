#pragma once

#include "core/Result.h"

#include <QSqlDatabase>
#include <QString>

#include <optional>

namespace caiwu {

// Record numbers of the form <prefix><YYYYMMDD>-<NNN> (JZ vouchers, AR/AP documents): per
// day the highest number used plus one, at least three digits. next() runs under the
// caller's write lock, so two postings at once get different numbers; the table's unique
// index is the backstop.
namespace DayNumbers {

// "JZ" + "2024-05-10" + 7 → "JZ20240510-007".
QString format(const QString &prefix, const QString &date, qint64 number);

// The next free number of `date` in table.column (code constants, never user input).
Result<QString> next(const QSqlDatabase &db, const QString &table, const QString &column, const QString &prefix,
                     const QString &date);

// A number typed by hand: letters, digits, '-' and '_', at most 64. One in the automatic form
// may have at most 9 digits after the date, so the day's automatic numbering, which continues
// after the highest, stays within range. A VALIDATION_ERROR naming `field` otherwise.
std::optional<AppError> checkManual(const QString &field, const QString &number, const QString &prefix);

} // namespace DayNumbers
} // namespace caiwu
