#pragma once

#include <QString>

namespace caiwu::BusinessDate {

// A business date as the API carries it: exactly YYYY-MM-DD, and a real day.
bool isValid(const QString &text);
// Today in the office's time zone (an IANA id such as Asia/Shanghai), as YYYY-MM-DD.
QString today(const QString &timeZone);

} // namespace caiwu::BusinessDate
