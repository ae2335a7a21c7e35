#pragma once

#include "MasterRecords.h"

namespace caiwu {

// Sites of a project (reference §1.2) with their site code, which the reference accepted and
// dropped. An active site belongs to an active project, and its name is unique among the
// project's active sites (409); a retired site's name may be used again. Deleted only while no
// cash flow, bill or asset refers to it.
class SiteService : public MasterRecords {
public:
    SiteService(Database &db, AuditTrail &audit);

    struct Filter {
        ListOptions options;
        QString departmentId;   // one project's sites; empty: all
    };
    // [{id, departmentId, name, siteCode, active, createdAt, updatedAt, version, departmentName}] by name.
    Result<QJsonArray> list(const Filter &filter) const;

protected:
    Result<void> prepare(const QSqlDatabase &db, const QString &key, QJsonObject &row, const QJsonObject &before) override;
};

} // namespace caiwu
