#pragma once

#include "MasterRecords.h"

namespace caiwu {

// The headquarters at the top of the organisation (reference §0.2). The appliance seeds one
// ('hq'); creating more is disabled, as in the reference. Renamed or retired, never deleted:
// projects keep pointing at it.
class HeadquartersService : public MasterRecords {
public:
    HeadquartersService(Database &db, AuditTrail &audit);

    // [{id, name, active, version}] by name.
    Result<QJsonArray> list(const ListOptions &options) const;

protected:
    Result<void> prepare(const QSqlDatabase &db, const QString &key, QJsonObject &row, const QJsonObject &before) override;
};

} // namespace caiwu
