#pragma once

#include "Permissions.h"

#include <QJsonObject>
#include <QString>

namespace caiwu {

// The caller's position as the reference's login response and JWT carry it.
struct PositionInfo {
    QString id;                 // empty: the employee holds no active position (403 everywhere)
    QString code;
    QString name;
    int level = 3;
    QString functionRole;
    bool canManageSubordinates = false;
    QJsonObject permissions;
    DataScope scope = DataScope::Self;

    // {id, code, name, level, functionRole, canManageSubordinates, permissions, dataScope}
    QJsonObject toJson() const;
};

// One open session and everything a request needs to know about its owner, read from the
// database once and then kept in memory (SessionStore). Immutable once built: requests on
// several threads share it.
struct AuthSession {
    QString sessionId;
    qint64 expiresAt = 0;       // epoch ms
    QString userId;             // the employee id
    QString name;
    QString email;              // the login address (personal email)
    PositionInfo position;
    Principal principal;
    // {"permissions":{…}} serialised once per session load: /api/my-permissions is asked on
    // every page view of the web client.
    QByteArray permissionsDocument;

    // The reference's `user`: {id, name, email, sessionId, position{…}}.
    QJsonObject userJson() const;
};

} // namespace caiwu
