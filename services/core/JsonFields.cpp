#include "JsonFields.h"

#include "Money.h"

#include <QJsonValue>

#include <cmath>

namespace caiwu {

void JsonFields::fail(const QString &name, const QString &message)
{
    if (!m_error)
        m_error = AppError::field(name, message);
}

std::optional<QString> JsonFields::optionalString(const QString &name, int maxLength, Trim trim)
{
    if (!ok() || !has(name))
        return std::nullopt;
    const QJsonValue v = m_object.value(name);
    if (!v.isString()) {
        fail(name, QStringLiteral("%1 must be a string").arg(name));
        return std::nullopt;
    }
    QString s = trim == Trim::Yes ? v.toString().trimmed() : v.toString();
    if (s.size() > maxLength) {
        fail(name, QStringLiteral("%1 is too long (at most %2 characters)").arg(name).arg(maxLength));
        return std::nullopt;
    }
    return s;
}

QString JsonFields::requiredString(const QString &name, int maxLength, Trim trim)
{
    if (!ok())
        return {};
    if (!has(name)) {
        fail(name, QStringLiteral("%1 is required").arg(name));
        return {};
    }
    const auto s = optionalString(name, maxLength, trim);
    if (s && s->isEmpty())
        fail(name, QStringLiteral("%1 must not be empty").arg(name));
    return ok() ? s.value_or(QString()) : QString();
}

std::optional<bool> JsonFields::optionalBool(const QString &name)
{
    if (!ok() || !has(name))
        return std::nullopt;
    const QJsonValue v = m_object.value(name);
    if (!v.isBool()) {
        fail(name, QStringLiteral("%1 must be true or false").arg(name));
        return std::nullopt;
    }
    return v.toBool();
}

std::optional<bool> JsonFields::optionalFlag(const QString &name)
{
    if (!ok() || !has(name))
        return std::nullopt;
    const QJsonValue v = m_object.value(name);
    if (v.isBool())
        return v.toBool();
    if (v.isDouble() && (v.toDouble() == 0 || v.toDouble() == 1))
        return v.toDouble() == 1;
    fail(name, QStringLiteral("%1 must be true or false (or 1 or 0)").arg(name));
    return std::nullopt;
}

bool JsonFields::requiredBool(const QString &name)
{
    if (ok() && !has(name))
        fail(name, QStringLiteral("%1 is required (true or false)").arg(name));
    return optionalBool(name).value_or(false);
}

std::optional<qint64> JsonFields::optionalInteger(const QString &name, qint64 min, qint64 max)
{
    if (!ok() || !has(name))
        return std::nullopt;
    const QJsonValue v = m_object.value(name);
    const double d = v.toDouble();
    // Doubles hold integers exactly up to 2^53; beyond that a JSON number is not a safe integer.
    if (!v.isDouble() || !std::isfinite(d) || d != std::trunc(d) || std::fabs(d) > 9007199254740991.0) {
        fail(name, QStringLiteral("%1 must be a whole number").arg(name));
        return std::nullopt;
    }
    const qint64 n = qint64(d);
    if (n < min || n > max) {
        fail(name, QStringLiteral("%1 must be between %2 and %3").arg(name).arg(min).arg(max));
        return std::nullopt;
    }
    return n;
}

qint64 JsonFields::requiredInteger(const QString &name, qint64 min, qint64 max)
{
    if (ok() && !has(name))
        fail(name, QStringLiteral("%1 is required").arg(name));
    return optionalInteger(name, min, max).value_or(0);
}

qint64 JsonFields::requiredCents(const QString &unitsName, const QString &centsName)
{
    if (!ok())
        return 0;
    if (has(unitsName) && has(centsName)) {
        fail(unitsName, QStringLiteral("give %1 or %2, not both").arg(unitsName, centsName));
        return 0;
    }
    if (has(centsName))
        return requiredInteger(centsName, 1, 1'000'000'000'000'000LL);
    if (!has(unitsName)) {
        fail(unitsName, QStringLiteral("%1 is required (or %2)").arg(unitsName, centsName));
        return 0;
    }
    auto cents = Money::centsFromJson(m_object.value(unitsName));
    if (!cents) {
        fail(unitsName, QStringLiteral("%1: %2").arg(unitsName, cents.error().message));
        return 0;
    }
    return *cents;
}

} // namespace caiwu
