#pragma once

#include "Result.h"

#include <QString>

namespace caiwu::Money {

// Cents from an amount written in currency units, as people type it: "12", "12.5", "12.50",
// "1,234.50" (thousands separators in groups of three). Exact decimal arithmetic, never a
// float: a third decimal ("0.005") is refused, not rounded. Negative and zero amounts are
// refused (a direction is the record's type, not the sign). VALIDATION_ERROR with a message.
Result<qint64> centsFromUnits(const QString &text);

} // namespace caiwu::Money
