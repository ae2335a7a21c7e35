#pragma once

#include "auth/Permissions.h"
#include "core/Result.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace caiwu {

class AuditTrail;
class Database;
class SessionStore;

// A position as positions holds it (reference §0.2, §1.20, with HEAD's data scope and version).
struct Position {
    QString id;
    QString code;
    QString name;
    int level = 3;
    QString functionRole;
    bool canManageSubordinates = false;
    QString description;            // empty: none
    QJsonObject permissions;        // {module:{sub:[actions]}}
    DataScope scope = DataScope::Self;
    qint64 sortOrder = 0;
    bool active = true;
    qint64 createdAt = 0;
    std::optional<qint64> updatedAt;
    qint64 version = 1;
};

// What a caller asks to set. Create needs code, name, level, functionRole and permissions; an
// update changes only the fields given. `expectedVersion` is optimistic locking: when given and
// the row has moved on, the update is refused (409 CONFLICT) instead of overwriting.
struct PositionInput {
    std::optional<QString> code;
    std::optional<QString> name;
    std::optional<int> level;
    std::optional<QString> functionRole;
    std::optional<QJsonObject> permissions;
    std::optional<DataScope> scope;
    std::optional<bool> canManageSubordinates;
    std::optional<QString> description;     // "" clears it
    std::optional<qint64> sortOrder;
    std::optional<bool> active;             // update only
    std::optional<qint64> expectedVersion;  // update only
};

// Positions and their permission matrices (reference §1.20) without the reference's gaps: every
// write is checked, audited in its own transaction, and takes effect on the holders' very next
// request (their cached sessions are dropped, §3.8). Rules:
//  * code is unique (409 DUPLICATE) and 1–64 characters of a-z, A-Z, 0-9, '_' and '-';
//  * functionRole is one of the reference's roles; permissions name only catalogued rights
//    (a right no route checks — the reference's "report.view" — is a typo, not a grant);
//  * the data scope defaults by level: 1 → all, 2 → project, 3 → group for a position that
//    manages subordinates (the reference's team_leader) and self otherwise;
//  * a position is retired (active = 0), never removed, and not while active employees hold it;
//  * no change may leave the office without an active employee who holds every
//    system.position.* and system.user.* right (the people who can repair permissions).
class PositionService {
public:
    PositionService(Database &db, AuditTrail &audit, SessionStore &sessions)
        : m_db(db), m_audit(audit), m_sessions(sessions) {}

    // Every position, retired ones included, by sort order then name.
    Result<QList<Position>> list();
    Result<Position> find(const QString &id);
    // Active positions, by sort order then name (GET /api/positions).
    Result<QList<Position>> active();
    // The active positions an org department may give its members (GET /api/positions/available):
    // level 1 at HQ, levels 2 and 3 in a project, and of those only `allowed` when it names any.
    Result<QList<Position>> available(bool hq, const QStringList &allowed);

    Result<Position> create(const PositionInput &input, const QString &actorId, const QString &ip);
    Result<Position> update(const QString &id, const PositionInput &input, const QString &actorId, const QString &ip);
    Result<void> retire(const QString &id, const QString &actorId, const QString &ip);

    static DataScope defaultScope(int level, bool managesSubordinates);

private:
    Database &m_db;
    AuditTrail &m_audit;
    SessionStore &m_sessions;
};

} // namespace caiwu
