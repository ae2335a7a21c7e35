#include "Money.h"

#include <QLocale>
#include <QRegularExpression>

#include <cmath>

namespace caiwu::Money {

Result<qint64> centsFromUnits(const QString &input)
{
    static const QRegularExpression shape(QStringLiteral("^(\\d{1,3}(?:,\\d{3})+|\\d+)(?:\\.(\\d{1,2}))?$"));
    const QString text = input.trimmed();
    const auto match = shape.match(text);
    if (!match.hasMatch()) {
        static const QRegularExpression tooPrecise(QStringLiteral("^[\\d,]+\\.\\d{3,}$"));
        if (tooPrecise.match(text).hasMatch())
            return AppError::validation(QStringLiteral("'%1' has more than two decimals; amounts are kept to the cent").arg(text));
        return AppError::validation(QStringLiteral("'%1' is not an amount such as 1234.50").arg(text));
    }
    QString whole = match.captured(1);
    whole.remove(QLatin1Char(','));
    if (whole.size() > 15)
        return AppError::validation(QStringLiteral("'%1' is too large").arg(text));
    const QString fraction = match.captured(2).leftJustified(2, QLatin1Char('0'));
    const qint64 cents = whole.toLongLong() * 100 + fraction.toLongLong();
    if (cents <= 0)
        return AppError::validation(QStringLiteral("the amount must be more than zero"));
    return cents;
}

Result<qint64> centsFromJson(const QJsonValue &value)
{
    if (value.isString())
        return centsFromUnits(value.toString());
    if (!value.isDouble() || !std::isfinite(value.toDouble()))
        return AppError::validation(QStringLiteral("the amount must be a number such as 1234.5 or a string such as \"1234.50\""));
    // The shortest text that reads back as the same double is the literal the client sent
    // (JSON numbers of up to 15 significant digits survive the trip exactly); 'f' keeps it out
    // of exponent form, so 1e-7 shows its seven decimals and is refused like "0.0000001".
    return centsFromUnits(QString::number(value.toDouble(), 'f', QLocale::FloatingPointShortest));
}

} // namespace caiwu::Money
