#pragma once

#include "Result.h"

#include <QJsonValue>
#include <QString>

namespace caiwu::Money {

// Cents from an amount written in currency units, as people type it: "12", "12.5", "12.50",
// "1,234.50" (thousands separators in groups of three). Exact decimal arithmetic, never a
// float: a third decimal ("0.005") is refused, not rounded. Negative and zero amounts are
// refused (a direction is the record's type, not the sign). VALIDATION_ERROR with a message.
Result<qint64> centsFromUnits(const QString &text);

// Cents from a JSON amount in currency units: a string as centsFromUnits reads it, or a number
// judged by its shortest decimal text (the digits the client wrote: 12.34, not 12.339999…), so
// 12.345 is refused rather than rounded; the double is never multiplied. Anything else (bool,
// null, object) is a VALIDATION_ERROR too.
Result<qint64> centsFromJson(const QJsonValue &value);

} // namespace caiwu::Money
