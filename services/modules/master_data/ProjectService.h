#pragma once

#include "MasterRecords.h"

namespace caiwu {

// Projects ("项目"; the reference's departments table and /api/departments): each belongs to a
// headquarters, the name is unique (409), and a project is deleted only while nothing — site,
// employee, org department, cash flow … — still belongs to it; otherwise it can be retired.
class ProjectService : public MasterRecords {
public:
    ProjectService(Database &db, AuditTrail &audit);

    // [{id, hqId, name, code, active, createdAt, updatedAt, version, hqName}] by name.
    Result<QJsonArray> list(const ListOptions &options) const;

protected:
    // No hqId on create: the first active headquarters, and "Default HQ" when there is none (as
    // the reference).
    Result<void> prepare(const QSqlDatabase &db, const QString &key, QJsonObject &row, const QJsonObject &before) override;
};

} // namespace caiwu
