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

// The day's highest number counted from the records: a range on the unique index ('.' sorts
// right after '-'). Only for a day the counter does not know yet.
static Result<qint64> highestRecorded(const QSqlDatabase &db, const QString &table, const QString &column, const QString &dayPrefix)
{
    auto q = Sql::run(db, QStringLiteral("SELECT COALESCE(MAX(CAST(substr(%1, ?) AS INTEGER)), 0) FROM %2 WHERE %1 >= ? AND %1 < ?")
                              .arg(column, table),
                      {dayPrefix.size() + 1, dayPrefix, dayPrefix.chopped(1) + QLatin1Char('.')},
                      QStringLiteral("number the record"));
    if (!q)
        return q.error();
    // 64-bit: the highest may be a 9-digit number typed by hand (see checkManual).
    return q->next() ? q->value(0).toLongLong() : 0;
}

Result<QString> peek(const QSqlDatabase &db, const QString &table, const QString &column, const QString &prefix,
                     const QString &date)
{
    const QString dayPrefix = format(prefix, date, 0).chopped(3); // "JZ20240510-"
    auto counter = Sql::run(db, QStringLiteral("SELECT last FROM day_counters WHERE prefix = ?"), {dayPrefix},
                            QStringLiteral("read the day's numbering"));
    if (!counter)
        return counter.error();
    if (counter->next())
        return format(prefix, date, counter->value(0).toLongLong() + 1);
    auto highest = highestRecorded(db, table, column, dayPrefix);
    if (!highest)
        return highest.error();
    return format(prefix, date, *highest + 1);
}

Result<QString> take(const QSqlDatabase &db, const QString &table, const QString &column, const QString &prefix,
                     const QString &date)
{
    const QString dayPrefix = format(prefix, date, 0).chopped(3);
    auto bumped = Sql::run(db, QStringLiteral("UPDATE day_counters SET last = last + 1 WHERE prefix = ? RETURNING last"), {dayPrefix},
                           QStringLiteral("number the record"));
    if (!bumped)
        return bumped.error();
    if (bumped->next())
        return format(prefix, date, bumped->value(0).toLongLong());
    bumped->finish();
    auto highest = highestRecorded(db, table, column, dayPrefix);
    if (!highest)
        return highest.error();
    if (auto q = Sql::run(db, QStringLiteral("INSERT INTO day_counters (prefix, last) VALUES (?, ?)"), {dayPrefix, *highest + 1},
                          QStringLiteral("number the record"));
        !q)
        return q.error();
    return format(prefix, date, *highest + 1);
}

Result<void> noteUsed(const QSqlDatabase &db, const QString &prefix, const QString &number)
{
    const QRegularExpression automatic(QStringLiteral("^(%1\\d{8}-)(\\d+)$").arg(QRegularExpression::escape(prefix)));
    const auto m = automatic.match(number);
    if (!m.hasMatch())
        return {};
    // Only a day the counter already knows needs raising; a new day is counted from the records.
    auto q = Sql::run(db, QStringLiteral("UPDATE day_counters SET last = max(last, ?) WHERE prefix = ?"),
                      {m.captured(2).toLongLong(), m.captured(1)}, QStringLiteral("note the hand-typed number"));
    if (!q)
        return q.error();
    return {};
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
