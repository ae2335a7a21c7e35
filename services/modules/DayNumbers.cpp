#include "DayNumbers.h"

#include "storage/Sql.h"

#include <QRegularExpression>

namespace caiwu::DayNumbers {

namespace {

constexpr int MaxManualDigits = 9;

} // namespace

QString format(const QString &prefix, const QString &date, qint64 number)
{
    return QStringLiteral("%1%2-%3").arg(prefix, QString(date).remove(QLatin1Char('-'))).arg(number, 3, 10, QLatin1Char('0'));
}

Result<QString> next(const QSqlDatabase &db, const QString &table, const QString &column, const QString &prefix,
                     const QString &date)
{
    const QString dayPrefix = format(prefix, date, 0).chopped(3);    // "JZ20240510-"
    // The day's numbers as a range on the unique index: '.' sorts right after '-'.
    auto q = Sql::run(db, QStringLiteral("SELECT COALESCE(MAX(CAST(substr(%1, ?) AS INTEGER)), 0) FROM %2 WHERE %1 >= ? AND %1 < ?")
                              .arg(column, table),
                      {dayPrefix.size() + 1, dayPrefix, dayPrefix.chopped(1) + QLatin1Char('.')},
                      QStringLiteral("number the record"));
    if (!q)
        return q.error();
    // 64-bit: the highest may be a 9-digit number typed by hand (see checkManual).
    return format(prefix, date, (q->next() ? q->value(0).toLongLong() : 0) + 1);
}

std::optional<AppError> checkManual(const QString &field, const QString &number, const QString &prefix)
{
    static const QRegularExpression shape(QStringLiteral("^[A-Za-z0-9_-]{1,64}$"));
    if (!shape.match(number).hasMatch())
        return AppError::field(field, QStringLiteral("%1 may hold letters, digits, '-' and '_' (at most 64)").arg(field));
    const QRegularExpression automatic(QStringLiteral("^%1\\d{8}-(\\d+)$").arg(QRegularExpression::escape(prefix)));
    if (const auto m = automatic.match(number); m.hasMatch() && m.capturedLength(1) > MaxManualDigits)
        return AppError::field(field, QStringLiteral("%1: the number after the date may have at most %2 digits")
                                          .arg(field).arg(MaxManualDigits));
    return std::nullopt;
}

} // namespace caiwu::DayNumbers
