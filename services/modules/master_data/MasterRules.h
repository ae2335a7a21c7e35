#pragma once

#include "core/Result.h"

#include <QJsonObject>
#include <QSqlDatabase>
#include <QString>

namespace caiwu::MasterRules {

// 400 VALIDATION_ERROR whose details.path is `field`, so a form shows it beside the field.
AppError invalid(const QString &field, const QString &message);

// True on create (`before` empty) or when `field` differs from what was stored.
bool changed(const QJsonObject &row, const QJsonObject &before, const QString &field);

// Nothing when `table` holds an active row whose `keyColumn` is `key`; otherwise a 400 naming
// `field` ("no active <what> with id …"). A reference to a retired record is refused like an
// unknown one: nothing new should be attached to it.
Result<void> requireActive(const QSqlDatabase &db, const QString &table, const QString &keyColumn, const QString &key,
                           const QString &field, const QString &what);

// A parent in a tree on parent_id: an active row of `table` whose `sharedColumn` holds
// `sharedValue` (a category's kind, a department's project; NULL and "" alike), without a cycle
// (refuseCycle). Otherwise a 400 naming `field`; `mismatch` says what differs.
Result<void> requireParent(const QSqlDatabase &db, const QString &table, const QString &id, const QString &parentId,
                           const QString &field, const QString &sharedColumn, const QString &sharedValue, const QString &mismatch);

// Nothing when making `parentId` the parent of `id` in `table` (a tree on parent_id) leaves the
// tree a tree; otherwise a 400 naming `field`. `id` is empty on create.
Result<void> refuseCycle(const QSqlDatabase &db, const QString &table, const QString &id, const QString &parentId,
                         const QString &field);

} // namespace caiwu::MasterRules
