#include "Clock.h"

#include <QDateTime>

#include <chrono>

namespace caiwu::Clock {

qint64 nowMs() { return QDateTime::currentMSecsSinceEpoch(); }

qint64 monotonicMs()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

} // namespace caiwu::Clock
