#include "Lockouts.h"

#include "auth/LoginThrottle.h"
#include "modules/audit/AuditTrail.h"

namespace caiwu {

Result<bool> unlockAccount(LoginThrottle &throttle, AuditTrail &audit, const QString &email, const QString &actorId,
                           const QString &ip)
{
    auto unlocked = throttle.unlock(email);
    if (!unlocked)
        return unlocked.error();
    if (*unlocked)
        if (auto ok = audit.record({actorId, QStringLiteral("unlock"), QStringLiteral("user"), {},
                                    QJsonObject{{QStringLiteral("email"), LoginThrottle::accountKey(email)}}, ip});
            !ok)
            return ok.error();
    return unlocked;
}

} // namespace caiwu
