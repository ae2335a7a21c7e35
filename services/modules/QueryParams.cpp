#include "QueryParams.h"

#include "core/BusinessDate.h"

namespace caiwu {

void QueryParams::fail(const QString &name, const QString &message)
{
    if (!m_error)
        m_error = AppError::field(name, message);
}

std::optional<QString> QueryParams::date(const QStringList &names)
{
    for (const QString &name : names) {
        const QString value = text(name);
        if (value.isEmpty())
            continue;
        if (!BusinessDate::isValid(value)) {
            fail(name, QStringLiteral("%1 must be a date, YYYY-MM-DD").arg(name));
            return std::nullopt;
        }
        return value;
    }
    return std::nullopt;
}

std::optional<qint64> QueryParams::integer(const QString &name, qint64 min, qint64 max)
{
    const QString value = text(name);
    if (value.isEmpty())
        return std::nullopt;
    bool ok = false;
    const qint64 n = value.toLongLong(&ok);
    if (!ok || n < min || n > max) {
        fail(name, QStringLiteral("%1 must be a whole number from %2 to %3").arg(name).arg(min).arg(max));
        return std::nullopt;
    }
    return n;
}

QString QueryParams::choice(const QString &name, const QStringList &choices)
{
    const QString value = text(name);
    if (!value.isEmpty() && !choices.contains(value))
        fail(name, QStringLiteral("%1 must be one of: %2").arg(name, choices.join(QStringLiteral(", "))));
    return value;
}

std::optional<bool> QueryParams::boolean(const QString &name)
{
    const QString value = text(name).toLower();
    if (value.isEmpty())
        return std::nullopt;
    if (value == QLatin1String("true") || value == QLatin1String("1"))
        return true;
    if (value == QLatin1String("false") || value == QLatin1String("0"))
        return false;
    fail(name, QStringLiteral("%1 must be true or false").arg(name));
    return std::nullopt;
}

ListPage QueryParams::page()
{
    ListPage page;
    page.asked = has(QStringLiteral("limit")) || has(QStringLiteral("offset"));
    page.limit = int(integer(QStringLiteral("limit"), 1, 1000).value_or(page.limit));
    page.offset = int(integer(QStringLiteral("offset"), 0, 100'000'000).value_or(0));
    return page;
}

} // namespace caiwu
