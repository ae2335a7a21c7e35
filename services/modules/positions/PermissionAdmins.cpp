#include "PermissionAdmins.h"

#include "auth/PermissionCatalog.h"
#include "auth/Permissions.h"
#include "storage/Sql.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>

namespace caiwu::PermissionAdmins {

QStringList rights()
{
    QStringList all;
    const QJsonObject system = PermissionCatalog::everything().value(QStringLiteral("system")).toObject();
    for (const char *sub : {"position", "user"})
        for (const QJsonValue &action : system.value(QLatin1String(sub)).toArray())
            all << QStringLiteral("system.%1.%2").arg(QLatin1String(sub), action.toString());
    return all;
}

Result<int> count(const QSqlDatabase &db)
{
    // The same joins as a session (SessionStore::load): only active rows grant anything.
    auto q = Sql::run(db, QStringLiteral("SELECT p.level, p.permissions, od.allowed_modules FROM employees e "
                                         "JOIN positions p ON p.id = e.position_id AND p.active = 1 "
                                         "LEFT JOIN org_departments od ON od.id = e.org_department_id AND od.active = 1 "
                                         "WHERE e.active = 1"),
                      {}, QStringLiteral("look for the permission administrators"));
    if (!q)
        return q.error();
    const QStringList needed = rights();
    int found = 0;
    while (q->next()) {
        Principal who;
        who.level = q->value(0).toInt();
        who.permissions = QJsonDocument::fromJson(q->value(1).toString().toUtf8()).object();
        for (const QJsonValue &m : QJsonDocument::fromJson(q->value(2).toString().toUtf8()).array())
            if (m.isString())
                who.allowedModules << m.toString();
        const bool admin = std::all_of(needed.cbegin(), needed.cend(),
                                       [&who](const QString &right) { return Permissions::allows(who, right); });
        if (admin)
            ++found;
    }
    return found;
}

} // namespace caiwu::PermissionAdmins
