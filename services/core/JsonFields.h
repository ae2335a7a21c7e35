#pragma once

#include "AppError.h"

#include <QJsonObject>
#include <QString>

#include <optional>

namespace caiwu {

// Reads the fields of a request body, one rule per call. The first problem found is kept
// as a VALIDATION_ERROR whose message names the field and whose details.path is its name,
// so a form can show it beside the field; later calls return empty values.
//
//   JsonFields in(body);
//   const QString email = in.requiredString("email", 320);
//   const auto code = in.optionalString("totp", 12);
//   if (!in.ok()) return in.error();
class JsonFields {
public:
    explicit JsonFields(QJsonObject object) : m_object(std::move(object)) {}

    enum class Trim { Yes, No };
    // A JSON string, non-empty after trimming (passwords: Trim::No), at most maxLength characters.
    QString requiredString(const QString &name, int maxLength, Trim trim = Trim::Yes);
    // Absent or null → nullopt; otherwise as requiredString but "" is allowed.
    std::optional<QString> optionalString(const QString &name, int maxLength, Trim trim = Trim::Yes);
    std::optional<bool> optionalBool(const QString &name);
    // true/false, or the 1/0 the reference's client sends for its flags (active, …).
    std::optional<bool> optionalFlag(const QString &name);
    bool requiredBool(const QString &name);
    // A JSON number that is a whole number in [min, max] (1.5 and 1e300 are refused, not rounded).
    std::optional<qint64> optionalInteger(const QString &name, qint64 min, qint64 max);
    qint64 requiredInteger(const QString &name, qint64 min, qint64 max);
    // A positive amount given either in currency units under `unitsName` (a number or string,
    // Money::centsFromJson: never rounded) or as whole cents under `centsName`, not both.
    qint64 requiredCents(const QString &unitsName, const QString &centsName);

    bool has(const QString &name) const { return m_object.contains(name) && !m_object.value(name).isNull(); }
    const QJsonObject &object() const { return m_object; }

    // Records a problem found by the caller's own rule (the first one wins).
    void fail(const QString &name, const QString &message);
    bool ok() const { return !m_error.has_value(); }
    AppError error() const { return m_error.value_or(AppError::validation(QStringLiteral("invalid request"))); }

private:
    QJsonObject m_object;
    std::optional<AppError> m_error;
};

} // namespace caiwu
