#pragma once

#include "MasterRecords.h"

#include <QStringList>

namespace caiwu {

class SessionStore;

// Org departments (部门/小组, reference §0.2): the teams inside a project, or at HQ when the
// project is null ("hq" on the wire), in a tree on parentId. The reference only seeded them;
// here an office sets them up itself (system.department.*). Rules:
//  * the project is active; the parent is an active department of the same project; no cycles;
//  * allowedModules holds "*", "module" or "module.*" of the permission catalog's modules: the
//    modules its members below HQ level may use (checked on every request by the access gate);
//  * allowedPositions are active positions of the department's level (HQ: level 1; a project:
//    levels 2 and 3); the default position is one of them;
//  * it is retired, never deleted, and not while active employees or active sub-departments
//    belong to it; it moves to another project only when empty.
// A change to what members may use drops the cached sessions, so it applies at once.
class OrgDepartmentService : public MasterRecords {
public:
    OrgDepartmentService(Database &db, AuditTrail &audit, SessionStore &sessions);

    struct Filter {
        ListOptions options;                // active ones only unless activeOnly=false (the reference: active only)
        std::optional<QString> projectId;   // "" = HQ's departments; nullopt = all
    };
    // [{id, project_id, parentId, name, code, description, allowed_modules (default ["*"]),
    //   allowed_positions (null: any), default_position_id, active, sortOrder, createdAt,
    //   updatedAt, version, default_position_name, parent_name, project_name}]
    // (the reference's mixed spelling) by sort order, then name.
    Result<QJsonArray> list(const Filter &filter) const;

    // Where a department sits: what the positions route needs to offer the right positions.
    struct Placement {
        QString id;
        QString name;
        QString projectId;            // empty: HQ
        QString projectName;
        QStringList allowedPositions; // empty: any position of the level
    };
    Result<Placement> placement(const QString &id) const;

protected:
    Result<void> prepare(const QSqlDatabase &db, const QString &key, QJsonObject &row, const QJsonObject &before) override;
    Result<void> removable(const QSqlDatabase &db, const QString &key, const QJsonObject &row) override;
    void committed(const QJsonObject &changes) override;
    QJsonObject shown(QJsonObject row) const override;

private:
    Result<void> checkParent(const QSqlDatabase &db, const QString &key, const QJsonObject &row);
    Result<void> checkPositions(const QJsonObject &row) const;
    Result<void> checkEmpty(const QSqlDatabase &db, const QString &key, const QString &refusal) const;

    SessionStore &m_sessions;
};

} // namespace caiwu
