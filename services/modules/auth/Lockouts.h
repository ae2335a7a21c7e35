#pragma once

#include "core/Result.h"

#include <QString>

namespace caiwu {

class AuditTrail;
class LoginThrottle;

// The admin's unlock, from the API, the command line or the admin window: clears the account's
// failed logins and lock, and audits it when there was something to clear.
Result<bool> unlockAccount(LoginThrottle &throttle, AuditTrail &audit, const QString &email, const QString &actorId,
                           const QString &ip);

} // namespace caiwu
