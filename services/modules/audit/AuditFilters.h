#pragma once

#include "AuditService.h"
#include "core/Result.h"

#include <QTimeZone>
#include <QUrlQuery>

namespace caiwu::AuditFilters {

// An AuditQuery from the query string of GET /api/audit-logs and its export. Each filter is read
// under the reference schema's camelCase name and, failing that, the snake_case name its own
// client sends (actor_id, actor_keyword, start_time, end_time); an empty value means "any".
// Anything malformed is a VALIDATION_ERROR whose details.path names the parameter.
Result<AuditQuery> fromQuery(const QUrlQuery &query, const QTimeZone &office);

enum class Bound { Start, End };

// startTime/endTime: epoch milliseconds, an ISO date (2025-01-31: from its first millisecond,
// or to its last one for Bound::End, in the office's time zone), or an ISO date-time
// (2025-01-31T08:30[:00[.000]], "T" or a space, optionally Z or ±hh:mm; without one it is the
// office's local time). nullopt when the text is none of these.
std::optional<qint64> instant(const QString &text, const QTimeZone &office, Bound bound);

} // namespace caiwu::AuditFilters
