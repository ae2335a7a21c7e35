#pragma once

#include "MasterRecords.h"

namespace caiwu {

// Suppliers (供应商, reference §1.2). Retired, never deleted: assets keep naming their vendor.
// Two active vendors may not share a name (409), so a purchase picks the right one; a retired
// vendor's name is free again.
class VendorService : public MasterRecords {
public:
    VendorService(Database &db, AuditTrail &audit);

    // [{id, name, contact, phone, email, address, memo, active, createdAt, updatedAt, version}]
    // by name; active ones only unless activeOnly=false (the reference listed active ones only).
    Result<QJsonArray> list(const ListOptions &options) const;

protected:
    Result<void> prepare(const QSqlDatabase &db, const QString &key, QJsonObject &row, const QJsonObject &before) override;
};

} // namespace caiwu
