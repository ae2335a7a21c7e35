#include "Permissions.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QRegularExpression>
#include <QtGlobal>

namespace caiwu::Permissions {

namespace {

const QString Nothing = QStringLiteral("0=1");

bool moduleAdmitted(const QStringList &allowedModules, const QString &module)
{
    if (allowedModules.isEmpty())
        return true; // the reference's default for a NULL allowed_modules is ["*"]
    const QString prefix = module + QLatin1Char('.');
    for (const QString &entry : allowedModules) {
        if (entry == QLatin1String("*") || entry == module || entry.startsWith(prefix))
            return true; // "module.*" and "module.sub" start with "module."
    }
    return false;
}

bool validColumn(const QString &column)
{
    static const QRegularExpression pattern(QStringLiteral("^[a-z_][a-z0-9_.]*$"));
    return pattern.match(column).hasMatch();
}

Filter equals(const QString &column, const QString &value)
{
    if (column.isEmpty() || value.isEmpty())
        return {Nothing, {}};
    return {column + QStringLiteral(" = ?"), {value}};
}

AppError invalidMatrix(const QString &path, const QString &problem)
{
    return AppError::validation(QStringLiteral("%1: %2").arg(path, problem),
                                QJsonObject{{QStringLiteral("path"), path}});
}

bool validName(const QString &name) { return !name.isEmpty() && !name.contains(QLatin1Char('.')); }

} // namespace

bool allows(const Principal &who, const QString &module, const QString &sub, const QString &action)
{
    if (module.isEmpty() || sub.isEmpty() || action.isEmpty())
        return false;
    if (who.level != 1 && !moduleAdmitted(who.allowedModules, module))
        return false;
    const QJsonValue actions = who.permissions.value(module).toObject().value(sub);
    if (!actions.isArray())
        return false;
    for (const QJsonValue &granted : actions.toArray()) {
        if (granted.isString() && granted.toString() == action)
            return true;
    }
    return false;
}

bool allows(const Principal &who, const QString &permission)
{
    const QStringList parts = permission.split(QLatin1Char('.'));
    if (parts.size() != 3)
        return false;
    return allows(who, parts[0], parts[1], parts[2]);
}

Result<void> require(const Principal &who, const QString &permission)
{
    if (allows(who, permission))
        return {};
    return AppError::forbidden(QStringLiteral("permission denied: %1").arg(permission));
}

Result<QJsonObject> parseMatrix(const QByteArray &json)
{
    const QString root = QStringLiteral("permissions");
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError)
        return invalidMatrix(root, QStringLiteral("not valid JSON (%1 at offset %2)")
                                       .arg(error.errorString()).arg(error.offset));
    if (!document.isObject())
        return invalidMatrix(root, QStringLiteral("must be an object {module:{sub:[actions]}}"));

    const QJsonObject matrix = document.object();
    for (auto module = matrix.begin(); module != matrix.end(); ++module) {
        const QString modulePath = root + QLatin1Char('.') + module.key();
        if (!validName(module.key()))
            return invalidMatrix(modulePath, QStringLiteral("a module name must be non-empty and contain no '.'"));
        if (!module.value().isObject())
            return invalidMatrix(modulePath, QStringLiteral("must be an object {sub:[actions]}"));
        const QJsonObject subs = module.value().toObject();
        for (auto sub = subs.begin(); sub != subs.end(); ++sub) {
            const QString subPath = modulePath + QLatin1Char('.') + sub.key();
            if (!validName(sub.key()))
                return invalidMatrix(subPath, QStringLiteral("a sub-module name must be non-empty and contain no '.'"));
            if (!sub.value().isArray())
                return invalidMatrix(subPath, QStringLiteral("must be an array of action names"));
            const QJsonArray actions = sub.value().toArray();
            for (qsizetype i = 0; i < actions.size(); ++i) {
                if (!actions[i].isString() || !validName(actions[i].toString()))
                    return invalidMatrix(subPath + QStringLiteral("[%1]").arg(i),
                                         QStringLiteral("an action must be a non-empty string without '.'"));
            }
        }
    }
    return matrix;
}

DataScope parseScope(const QString &text, bool *ok)
{
    bool found = true;
    DataScope scope = DataScope::Self;
    if (text == QLatin1String("all"))
        scope = DataScope::All;
    else if (text == QLatin1String("project"))
        scope = DataScope::Project;
    else if (text == QLatin1String("group"))
        scope = DataScope::Group;
    else if (text != QLatin1String("self"))
        found = false;
    if (ok)
        *ok = found;
    return scope;
}

QString scopeName(DataScope scope)
{
    switch (scope) {
    case DataScope::All: return QStringLiteral("all");
    case DataScope::Project: return QStringLiteral("project");
    case DataScope::Group: return QStringLiteral("group");
    case DataScope::Self: return QStringLiteral("self");
    }
    return QStringLiteral("self");
}

Filter rowFilter(const Principal &who, const QString &projectColumn, const QString &groupColumn,
                 const QString &ownerColumn)
{
    for (const QString &column : {projectColumn, groupColumn, ownerColumn}) {
        if (!column.isEmpty() && !validColumn(column)) {
            qWarning("Permissions::rowFilter: refusing column name %s", qPrintable(column));
            return {Nothing, {}};
        }
    }
    switch (who.scope) {
    case DataScope::All:
        return {QStringLiteral("1=1"), {}};
    case DataScope::Project:
        if (projectColumn.isEmpty())
            return equals(ownerColumn, who.employeeId);
        return equals(projectColumn, who.departmentId);
    case DataScope::Group:
        if (groupColumn.isEmpty())
            return equals(ownerColumn, who.employeeId);
        return equals(groupColumn, who.orgDepartmentId);
    case DataScope::Self:
        return equals(ownerColumn, who.employeeId);
    }
    return {Nothing, {}};
}

bool canSee(const Principal &who, const QString &rowProject, const QString &rowGroup, const QString &rowOwner)
{
    const auto same = [](const QString &mine, const QString &row) { return !mine.isEmpty() && mine == row; };
    switch (who.scope) {
    case DataScope::All: return true;
    case DataScope::Project: return same(who.departmentId, rowProject);
    case DataScope::Group: return same(who.orgDepartmentId, rowGroup);
    case DataScope::Self: return same(who.employeeId, rowOwner);
    }
    return false;
}

} // namespace caiwu::Permissions
