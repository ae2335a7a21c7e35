#pragma once

#include "core/Result.h"

#include <QSqlDatabase>
#include <QString>

namespace caiwu {

struct MasterTable;

// "Still in use": a record other rows point at cannot be deleted. The check reads the schema's
// foreign keys (storage/References), so it names every kind of row that holds on to the record.
namespace InUse {

// What still uses the record, counted per kind of row ("3 笔资金流水、1 个子类别"); empty when nothing does.
Result<QString> describe(const QSqlDatabase &db, const MasterTable &table, const QString &key);

// Nothing, or 400 BUSINESS_ERROR naming what still uses the record, e.g.
// "不能删除：该账户仍被 3 笔资金流水、3 条账户明细使用。可改为停用。"
Result<void> refuseDeleting(const QSqlDatabase &db, const MasterTable &table, const QString &key);

// The same refusal when SQLite's own foreign-key check stopped a delete the count did not foresee.
AppError stillReferenced(const MasterTable &table);

} // namespace InUse
} // namespace caiwu
