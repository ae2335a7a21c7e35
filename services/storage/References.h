#pragma once

#include "core/Result.h"

#include <QList>
#include <QSqlDatabase>
#include <QString>
#include <QVariant>

namespace caiwu::References {

// Rows of one table that point at a row through one foreign key.
struct Use {
    QString table;
    QString column;
    qint64 rows = 0;
};

// What still points at `table`'s row `key` through a foreign key that would block deleting it
// (NO ACTION or RESTRICT; cascading and SET NULL keys are left out), read from the schema
// itself so a table added by a later migration is counted without anyone remembering to.
// Only references with at least one row are returned.
Result<QList<Use>> to(const QSqlDatabase &db, const QString &table, const QVariant &key);

} // namespace caiwu::References
