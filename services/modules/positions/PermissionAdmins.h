#pragma once

#include "core/Result.h"

#include <QSqlDatabase>
#include <QStringList>

namespace caiwu::PermissionAdmins {

// The rights that let someone repair the permission set-up: every catalogued system.position.*
// and system.user.* action.
QStringList rights();

// How many active employees hold an active position that grants every one of rights(), after
// their org department's module gate (Permissions::allows). Read on `db`, so inside the caller's
// transaction it counts the state that transaction is about to commit.
Result<int> count(const QSqlDatabase &db);

} // namespace caiwu::PermissionAdmins
