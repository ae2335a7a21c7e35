#include "AuthSession.h"

namespace caiwu {

QJsonObject PositionInfo::toJson() const
{
    return QJsonObject{{QStringLiteral("id"), id},
                       {QStringLiteral("code"), code},
                       {QStringLiteral("name"), name},
                       {QStringLiteral("level"), level},
                       {QStringLiteral("functionRole"), functionRole},
                       {QStringLiteral("canManageSubordinates"), canManageSubordinates},
                       {QStringLiteral("permissions"), permissions},
                       {QStringLiteral("dataScope"), Permissions::scopeName(scope)}};
}

QJsonObject AuthSession::userJson() const
{
    return QJsonObject{{QStringLiteral("id"), userId},
                       {QStringLiteral("name"), name},
                       {QStringLiteral("email"), email},
                       {QStringLiteral("sessionId"), sessionId},
                       {QStringLiteral("position"), position.id.isEmpty() ? QJsonValue() : QJsonValue(position.toJson())}};
}

} // namespace caiwu
