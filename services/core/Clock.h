#pragma once

#include <QtGlobal>

namespace caiwu::Clock {

// Epoch milliseconds, the reference's time unit for every *_at column.
qint64 nowMs();

// Monotonic milliseconds for measuring durations; unaffected by clock changes.
qint64 monotonicMs();

} // namespace caiwu::Clock
