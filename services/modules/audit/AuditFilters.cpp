#include "AuditFilters.h"

#include <QDateTime>
#include <QJsonObject>
#include <QRegularExpression>

namespace caiwu::AuditFilters {

namespace {


struct Parameter {
    QString name;    // as reported: the camelCase name
    QString value;
};

// The first non-empty value under either spelling.
Parameter parameter(const QUrlQuery &query, const QString &camel, const QString &snake)
{
    QString value = query.queryItemValue(camel, QUrl::FullyDecoded).trimmed();
    if (value.isEmpty() && !snake.isEmpty())
        value = query.queryItemValue(snake, QUrl::FullyDecoded).trimmed();
    return {camel, value};
}

// A whole number in [min, max]; `fallback` when absent.
Result<int> whole(const Parameter &p, int fallback, int min, int max)
{
    if (p.value.isEmpty())
        return fallback;
    bool ok = false;
    const qlonglong n = p.value.toLongLong(&ok);
    if (!ok || n < min || n > max)
        return AppError::field(p.name, QStringLiteral("%1 must be a whole number from %2 to %3").arg(p.name).arg(min).arg(max));
    return int(n);
}

Result<QString> text(const Parameter &p, int maxLength)
{
    if (p.value.size() > maxLength)
        return AppError::field(p.name, QStringLiteral("%1 is too long (at most %2 characters)").arg(p.name).arg(maxLength));
    return p.value;
}

Result<std::optional<qint64>> time(const Parameter &p, const QTimeZone &office, Bound bound)
{
    if (p.value.isEmpty())
        return std::optional<qint64>();
    const auto at = instant(p.value, office, bound);
    if (!at)
        return AppError::field(p.name, QStringLiteral("%1 must be epoch milliseconds, a date such as 2025-01-31, or a date-time such as "
                                              "2025-01-31T08:30:00 (optionally ending in Z or +08:00)")
                                   .arg(p.name));
    return at;
}

} // namespace

std::optional<qint64> instant(const QString &text, const QTimeZone &office, Bound bound)
{
    static const QRegularExpression epochMs(QStringLiteral("^\\d{1,15}$"));
    static const QRegularExpression dateOnly(QStringLiteral("^(\\d{4})-(\\d{2})-(\\d{2})$"));
    static const QRegularExpression dateTime(QStringLiteral(
        "^(\\d{4})-(\\d{2})-(\\d{2})[T ](\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d{1,3}))?)?(Z|[+-]\\d{2}:?\\d{2})?$"));
    if (epochMs.match(text).hasMatch())
        return text.toLongLong();

    const QTimeZone zone = office.isValid() ? office : QTimeZone::utc();
    if (const auto m = dateOnly.match(text); m.hasMatch()) {
        const QDate date(m.captured(1).toInt(), m.captured(2).toInt(), m.captured(3).toInt());
        if (!date.isValid())
            return std::nullopt;
        // The end of a day is the next day's first millisecond less one (right across DST changes too).
        if (bound == Bound::End)
            return QDateTime(date.addDays(1), QTime(0, 0), zone).toMSecsSinceEpoch() - 1;
        return QDateTime(date, QTime(0, 0), zone).toMSecsSinceEpoch();
    }
    const auto m = dateTime.match(text);
    if (!m.hasMatch())
        return std::nullopt;
    const QDate date(m.captured(1).toInt(), m.captured(2).toInt(), m.captured(3).toInt());
    const QString millis = m.captured(7).leftJustified(3, QLatin1Char('0'));
    const QTime clock(m.captured(4).toInt(), m.captured(5).toInt(), m.captured(6).toInt(), millis.toInt());
    if (!date.isValid() || !clock.isValid())
        return std::nullopt;
    const QString offset = m.captured(8);
    if (offset.isEmpty())
        return QDateTime(date, clock, zone).toMSecsSinceEpoch();
    if (offset == QLatin1String("Z"))
        return QDateTime(date, clock, QTimeZone::utc()).toMSecsSinceEpoch();
    const QString digits = offset.mid(1).remove(QLatin1Char(':'));
    const int hours = digits.left(2).toInt();
    const int minutes = digits.mid(2).toInt();
    if (hours > 14 || minutes > 59)
        return std::nullopt;
    const int seconds = (offset.startsWith(QLatin1Char('-')) ? -1 : 1) * (hours * 3600 + minutes * 60);
    return QDateTime(date, clock, QTimeZone(seconds)).toMSecsSinceEpoch();
}

Result<AuditQuery> fromQuery(const QUrlQuery &query, const QTimeZone &office)
{
    AuditQuery q;
    const std::pair<QString *, Parameter> texts[] = {
        {&q.action, parameter(query, QStringLiteral("action"), {})},
        {&q.entity, parameter(query, QStringLiteral("entity"), {})},
        {&q.actorId, parameter(query, QStringLiteral("actorId"), QStringLiteral("actor_id"))},
        {&q.actorKeyword, parameter(query, QStringLiteral("actorKeyword"), QStringLiteral("actor_keyword"))},
    };
    for (const auto &[field, p] : texts) {
        auto value = text(p, 100);
        if (!value)
            return value.error();
        *field = *value;
    }
    auto from = time(parameter(query, QStringLiteral("startTime"), QStringLiteral("start_time")), office, Bound::Start);
    if (!from)
        return from.error();
    auto to = time(parameter(query, QStringLiteral("endTime"), QStringLiteral("end_time")), office, Bound::End);
    if (!to)
        return to.error();
    if (*from && *to && **to < **from)
        return AppError::field(QStringLiteral("endTime"), QStringLiteral("endTime is before startTime"));
    q.from = *from;
    q.to = *to;
    auto limit = whole(parameter(query, QStringLiteral("limit"), {}), 100, 1, 1000);
    if (!limit)
        return limit.error();
    auto offset = whole(parameter(query, QStringLiteral("offset"), {}), 0, 0, 1000000000);
    if (!offset)
        return offset.error();
    q.limit = *limit;
    q.offset = *offset;
    return q;
}

} // namespace caiwu::AuditFilters
