#pragma once

#include "MasterRecords.h"

namespace caiwu {

// Income and expense categories (收支类别, reference §1.2), a tree on parentId. A name is unique
// within its kind (409); a parent has the same kind and the tree has no cycles. A category
// changes kind only while nothing uses it, and is deleted only while no flow, bill, payment
// or sub-category refers to it.
class CategoryService : public MasterRecords {
public:
    CategoryService(Database &db, AuditTrail &audit);

    struct Filter {
        ListOptions options;
        QString kind;           // income | expense; empty: both
    };
    // [{id, name, kind, parentId, sortOrder, active, version}] by kind, sort order, name.
    Result<QJsonArray> list(const Filter &filter) const;

    static const QStringList Kinds;

protected:
    Result<void> prepare(const QSqlDatabase &db, const QString &key, QJsonObject &row, const QJsonObject &before) override;
};

} // namespace caiwu
