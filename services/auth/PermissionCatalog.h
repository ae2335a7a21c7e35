#pragma once

#include <QJsonArray>
#include <QJsonObject>

namespace caiwu::PermissionCatalog {

// Every module.sub.action a route checks, with the names the admin sees: the reference's
// modules (§0.2) plus the actions its code used but its seeds lacked (§3.8). A route that
// checks a permission must find it here (a test walks the router to prove it).
//
// [{module, name, subs:[{sub, name, actions:[{action, name}]}]}]
QJsonArray describe();
// The whole catalog as a position's permission matrix: what the first administrator holds.
QJsonObject everything();
// True when the catalog lists "module.sub.action".
bool contains(const QString &permission);
// True when `module` is one of the catalog's modules ("finance", "hr", …): what an org
// department's allowed_modules may name.
bool isModule(const QString &module);

} // namespace caiwu::PermissionCatalog
