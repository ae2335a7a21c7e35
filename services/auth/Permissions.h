#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QVariantList>

namespace caiwu {

// Which rows a position sees: positions.data_scope (HEAD's explicit scope, not level or code).
enum class DataScope { All, Project, Group, Self };

// Who is asking: built from the session (employee + position + org department), kept in the session cache.
struct Principal {
    QString employeeId;
    QString departmentId;      // project; may be empty
    QString orgDepartmentId;   // team/group; may be empty
    int level = 3;             // position level 1 (HQ), 2 (project), 3 (team)
    DataScope scope = DataScope::Self;
    QJsonObject permissions;   // {module:{sub:[actions]}}
    QStringList allowedModules;  // of the org department; empty means ["*"] (the reference's default)
};

// Permission evaluation (reference §3.7) without the reference's quirks (§3.8): pure functions,
// no SQL execution and no HTTP. Everything fails closed: anything malformed grants nothing.
namespace Permissions {

// True when the position grants `action` in permissions[module][sub] (an array of strings, exact
// match, no wildcards) and, for a level other than 1, the org department admits `module`.
// Module gate: an allowed_modules entry admits `module` when it is
//   "*", exactly `module`, `module` + ".*", or starts with `module` + "." (e.g. "finance.flow");
// only the module is tested, as in the reference. String prefixes across a name ("fin", "fin*",
// "fin.*") admit nothing: "fin" must not open "finance". An empty list is the reference's ["*"].
bool allows(const Principal &who, const QString &module, const QString &sub, const QString &action);

// The "finance.flow.create" form: exactly three non-empty dot-separated parts, else false.
bool allows(const Principal &who, const QString &permission);

// allows() as a route needs it: nothing, or 403 FORBIDDEN naming the missing permission.
Result<void> require(const Principal &who, const QString &permission);

// positions.permissions JSON text as admins edit it. Accepts only {string:{string:[string...]}}
// with non-empty names free of '.'; otherwise VALIDATION_ERROR whose message and details.path
// name the problem (e.g. "permissions.finance.flow[1]").
Result<QJsonObject> parseMatrix(const QByteArray &json);

// "all" | "project" | "group" | "self" (exact). Anything else: *ok = false and Self, the narrowest.
DataScope parseScope(const QString &text, bool *ok);
QString scopeName(DataScope scope);

struct Filter {
    QString sql;
    QVariantList values;
};

// The SQL condition restricting a table's rows to what `who` may see. Each column may be empty
// (the table has none); non-empty names must match ^[a-z_][a-z0-9_.]*$ (code constants, never
// user input), else "0=1" and a qWarning.
//   All     → "1=1"
//   Project → "<projectColumn> = ?"; no department on the principal → "0=1"; a table without a
//             project column falls back to the owner column (own rows), then "0=1"
//   Group   → "<groupColumn> = ?"; no org department → "0=1"; a table without a group column
//             falls back to the owner column (as the reference), then "0=1"
//   Self    → "<ownerColumn> = ?"; no employee id or no owner column → "0=1"
// A NULL column never equals the bound value, so rows without a placement are not seen.
Filter rowFilter(const Principal &who, const QString &projectColumn, const QString &groupColumn,
                 const QString &ownerColumn);

// rowFilter's rule for one record of a table that has all three columns; an empty value is NULL
// and matches nothing.
bool canSee(const Principal &who, const QString &rowProject, const QString &rowGroup, const QString &rowOwner);

} // namespace Permissions
} // namespace caiwu
