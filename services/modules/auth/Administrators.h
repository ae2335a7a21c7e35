#pragma once

#include "core/Result.h"

#include <QString>

namespace caiwu {

class AuditTrail;
class Database;

namespace Administrators {

// The position the first administrator holds. It always carries the whole permission catalog:
// creating an administrator restores it if it was narrowed.
inline const QString PositionCode = QStringLiteral("system_admin");

// Creates an active HQ employee who logs in with `email` (as personal and company address) and
// `password`, in the HQ org department, holding the system_admin position. One transaction:
// on any failure nothing is left behind. DUPLICATE if an employee has that email already.
Result<QString> create(Database &db, AuditTrail &audit, const QString &email, const QString &name, const QString &password);

} // namespace Administrators
} // namespace caiwu
