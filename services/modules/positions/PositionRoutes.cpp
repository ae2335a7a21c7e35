#include "PositionRoutes.h"

#include "PositionService.h"
#include "auth/PermissionCatalog.h"
#include "core/Json.h"
#include "core/JsonFields.h"
#include "http/Router.h"
#include "modules/ModuleContext.h"
#include "modules/QueryParams.h"
#include "modules/master_data/OrgDepartmentService.h"

#include <QJsonArray>

#include <limits>
#include <memory>

namespace caiwu {

namespace {

const QString Tag = QStringLiteral("position-permissions");

// The reference's client reads these flags as numbers (`active === 1`) and sends them as 1/0.
int flag(bool on) { return on ? 1 : 0; }

QJsonObject toJson(const Position &p)
{
    return QJsonObject{{QStringLiteral("id"), p.id},
                       {QStringLiteral("code"), p.code},
                       {QStringLiteral("name"), p.name},
                       {QStringLiteral("level"), p.level},
                       {QStringLiteral("functionRole"), p.functionRole},
                       {QStringLiteral("canManageSubordinates"), flag(p.canManageSubordinates)},
                       {QStringLiteral("description"), p.description.isEmpty() ? QJsonValue() : QJsonValue(p.description)},
                       {QStringLiteral("permissions"), p.permissions},
                       {QStringLiteral("dataScope"), Permissions::scopeName(p.scope)},
                       {QStringLiteral("sortOrder"), p.sortOrder},
                       {QStringLiteral("active"), flag(p.active)},
                       {QStringLiteral("createdAt"), p.createdAt},
                       {QStringLiteral("updatedAt"), p.updatedAt ? QJsonValue(*p.updatedAt) : QJsonValue()},
                       {QStringLiteral("version"), p.version}};
}

// An object {module:{sub:[actions]}}, or the same as JSON text (how the table stores it).
std::optional<QJsonObject> optionalMatrix(JsonFields &in)
{
    const QString name = QStringLiteral("permissions");
    if (!in.ok() || !in.has(name))
        return std::nullopt;
    const QJsonValue v = in.object().value(name);
    if (!v.isObject() && !v.isString()) {
        in.fail(name, QStringLiteral("permissions must be an object {module:{sub:[actions]}}"));
        return std::nullopt;
    }
    auto matrix = Permissions::parseMatrix(v.isObject() ? Json::bytes(v.toObject()) : v.toString().toUtf8());
    if (!matrix) {
        in.fail(matrix.error().details.value(QStringLiteral("path")).toString(name), matrix.error().message);
        return std::nullopt;
    }
    return *matrix;
}

QJsonArray toJson(const QList<Position> &positions)
{
    QJsonArray results;
    for (const Position &p : positions)
        results.append(toJson(p));
    return results;
}

// {results:[…]}, or why there are none.
Result<HttpResponse> listReply(const Result<QList<Position>> &positions)
{
    if (!positions)
        return positions.error();
    return HttpResponse::json(QJsonObject{{QStringLiteral("results"), toJson(*positions)}});
}

// GET /api/positions/available: the positions an org department offers, grouped by level under
// the names the reference's onboarding form shows, and where the department sits.
QJsonObject availableJson(const QList<Position> &positions, const OrgDepartmentService::Placement &department)
{
    static const QString groups[] = {QStringLiteral("总部职位"), QStringLiteral("项目职位"), QStringLiteral("组级职位")};
    QJsonObject grouped;
    for (const Position &p : positions) {
        const QString group = groups[qBound(1, p.level, 3) - 1];
        QJsonArray members = grouped.value(group).toArray();
        members.append(toJson(p));
        grouped.insert(group, members);
    }
    const bool hq = department.projectId.isEmpty();
    const QJsonObject info{{QStringLiteral("project_id"), hq ? QStringLiteral("hq") : department.projectId},
                           {QStringLiteral("project_name"), hq ? QStringLiteral("总部") : department.projectName},
                           {QStringLiteral("department_id"), department.id},
                           {QStringLiteral("department_name"), department.name},
                           {QStringLiteral("is_hq"), hq}};
    return QJsonObject{{QStringLiteral("results"), toJson(positions)},
                       {QStringLiteral("grouped"), grouped},
                       {QStringLiteral("department_info"), info}};
}

Result<PositionInput> inputFrom(const HttpRequest &request)
{
    auto body = Json::parseObject(request.body);
    if (!body)
        return body.error();
    JsonFields in(*body);
    PositionInput p;
    p.code = in.optionalString(QStringLiteral("code"), 64);
    p.name = in.optionalString(QStringLiteral("name"), 100);
    if (const auto level = in.optionalInteger(QStringLiteral("level"), 1, 3))
        p.level = int(*level);
    // The reference's create route also took the snake_case spelling.
    p.functionRole = in.has(QStringLiteral("functionRole")) ? in.optionalString(QStringLiteral("functionRole"), 32)
                                                            : in.optionalString(QStringLiteral("function_role"), 32);
    p.permissions = optionalMatrix(in);
    if (const auto scope = in.optionalString(QStringLiteral("dataScope"), 16)) {
        bool known = false;
        p.scope = Permissions::parseScope(*scope, &known);
        if (!known)
            in.fail(QStringLiteral("dataScope"), QStringLiteral("dataScope must be all, project, group or self"));
    }
    p.canManageSubordinates = in.optionalFlag(QStringLiteral("canManageSubordinates"));
    p.description = in.optionalString(QStringLiteral("description"), 500);
    p.sortOrder = in.optionalInteger(QStringLiteral("sortOrder"), std::numeric_limits<qint32>::min(),
                                     std::numeric_limits<qint32>::max());
    p.active = in.optionalFlag(QStringLiteral("active"));
    p.expectedVersion = in.optionalInteger(QStringLiteral("version"), 1, std::numeric_limits<qint32>::max());
    if (!in.ok())
        return in.error();
    return p;
}

} // namespace

void installPositionRoutes(Router &router, ModuleContext &context)
{
    auto service = std::make_shared<PositionService>(context.database, context.audit, context.sessions);

    router.add({"GET", QStringLiteral("/api/permission-config"), QStringLiteral("Every permission a position can grant, with names"),
                Tag, Access::Authenticated},
               [](HttpRequest &) -> Result<HttpResponse> {
                   return HttpResponse::json(QJsonObject{{QStringLiteral("modules"), PermissionCatalog::describe()}});
               });

    router.add({"GET", QStringLiteral("/api/position-permissions"), QStringLiteral("All positions, retired ones included"), Tag,
                Access::Authenticated, QStringLiteral("system.position.view")},
               [service](HttpRequest &) { return listReply(service->list()); });

    // The reference left these two to any signed-in user; here they need the positions' view right.
    router.add({"GET", QStringLiteral("/api/positions"), QStringLiteral("Active positions"), QStringLiteral("positions"),
                Access::Authenticated, QStringLiteral("system.position.view")},
               [service](HttpRequest &) { return listReply(service->active()); });

    auto departments = std::make_shared<OrgDepartmentService>(context.database, context.audit, context.sessions);
    router.add({"GET", QStringLiteral("/api/positions/available"),
                QStringLiteral("The positions an org department offers (?orgDepartmentId)"), QStringLiteral("positions"),
                Access::Authenticated, QStringLiteral("system.position.view")},
               [service, departments](HttpRequest &request) -> Result<HttpResponse> {
                   const QString id = QueryParams(request).text(QStringLiteral("orgDepartmentId"));
                   if (id.isEmpty())
                       return AppError::validation(QStringLiteral("orgDepartmentId is required"),
                                                   QJsonObject{{QStringLiteral("path"), QStringLiteral("orgDepartmentId")}});
                   auto department = departments->placement(id);
                   if (!department)
                       return department.error();
                   auto positions = service->available(department->projectId.isEmpty(), department->allowedPositions);
                   if (!positions)
                       return positions.error();
                   return HttpResponse::json(availableJson(*positions, *department));
               });

    router.add({"GET", QStringLiteral("/api/position-permissions/{id}"), QStringLiteral("One position"), Tag,
                Access::Authenticated, QStringLiteral("system.position.view")},
               [service](HttpRequest &request) -> Result<HttpResponse> {
                   auto p = service->find(request.params.value(QStringLiteral("id")));
                   if (!p)
                       return p.error();
                   return HttpResponse::json(toJson(*p));
               });

    router.add({"POST", QStringLiteral("/api/position-permissions"), QStringLiteral("Create a position"), Tag,
                Access::Authenticated, QStringLiteral("system.position.create")},
               [service](HttpRequest &request) -> Result<HttpResponse> {
                   auto input = inputFrom(request);
                   if (!input)
                       return input.error();
                   auto p = service->create(*input, request.actor, request.clientAddress);
                   if (!p)
                       return p.error();
                   return HttpResponse::json(toJson(*p)); // 200, as the reference
               });

    router.add({"PUT", QStringLiteral("/api/position-permissions/{id}"),
                QStringLiteral("Change a position; holders get the new rights on their next request"), Tag,
                Access::Authenticated, QStringLiteral("system.position.update")},
               [service](HttpRequest &request) -> Result<HttpResponse> {
                   auto input = inputFrom(request);
                   if (!input)
                       return input.error();
                   auto p = service->update(request.params.value(QStringLiteral("id")), *input, request.actor,
                                            request.clientAddress);
                   if (!p)
                       return p.error();
                   return HttpResponse::json(toJson(*p));
               });

    router.add({"DELETE", QStringLiteral("/api/position-permissions/{id}"),
                QStringLiteral("Retire a position nobody active holds"), Tag, Access::Authenticated,
                QStringLiteral("system.position.delete")},
               [service](HttpRequest &request) -> Result<HttpResponse> {
                   if (auto ok = service->retire(request.params.value(QStringLiteral("id")), request.actor, request.clientAddress);
                       !ok)
                       return ok.error();
                   return HttpResponse::json(QJsonObject{{QStringLiteral("success"), true}});
               });
}

} // namespace caiwu
