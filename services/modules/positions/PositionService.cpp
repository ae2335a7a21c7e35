#include "PositionService.h"

#include "PermissionAdmins.h"
#include "auth/PermissionCatalog.h"
#include "auth/SessionStore.h"
#include "core/Clock.h"
#include "core/Json.h"
#include "modules/audit/AuditChanges.h"
#include "modules/audit/AuditTrail.h"
#include "storage/Database.h"
#include "storage/Sql.h"
#include "storage/Transaction.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSqlQuery>
#include <QUuid>

namespace caiwu {

namespace {

const QString Columns = QStringLiteral("id, code, name, level, function_role, can_manage_subordinates, description, permissions, "
                                       "data_scope, sort_order, active, created_at, updated_at, version");

// The reference's createPositionSchema enum (BS).
const QStringList FunctionRoles = {QStringLiteral("director"), QStringLiteral("hr"),      QStringLiteral("finance"),
                                   QStringLiteral("admin"),    QStringLiteral("developer"), QStringLiteral("support"),
                                   QStringLiteral("member")};


Position positionFrom(const QSqlQuery &q)
{
    Position p;
    p.id = q.value(0).toString();
    p.code = q.value(1).toString();
    p.name = q.value(2).toString();
    p.level = q.value(3).toInt();
    p.functionRole = q.value(4).toString();
    p.canManageSubordinates = q.value(5).toInt() == 1;
    p.description = q.value(6).toString();
    p.permissions = QJsonDocument::fromJson(q.value(7).toString().toUtf8()).object();
    p.scope = Permissions::parseScope(q.value(8).toString(), nullptr);
    p.sortOrder = q.value(9).toLongLong();
    p.active = q.value(10).toInt() == 1;
    p.createdAt = q.value(11).toLongLong();
    if (!q.value(12).isNull())
        p.updatedAt = q.value(12).toLongLong();
    p.version = q.value(13).toLongLong();
    return p;
}

// The position with that id, or 404.
Result<Position> existing(const QSqlDatabase &db, const QString &id)
{
    auto q = Sql::run(db, QStringLiteral("SELECT %1 FROM positions WHERE id = ?").arg(Columns), {id},
                      QStringLiteral("read a position"));
    if (!q)
        return q.error();
    if (!q->next())
        return AppError::notFound(QStringLiteral("no position with id %1").arg(id));
    return positionFrom(*q);
}

// A write transaction and the position as it stands inside it (404 when there is none).
struct Locked {
    Transaction tx;
    Position position;
};
Result<Locked> lock(Database &database, const QString &id)
{
    auto tx = Transaction::begin(database);
    if (!tx)
        return tx.error();
    auto found = existing(tx->db(), id);
    if (!found)
        return found.error();
    return Locked{std::move(tx).value(), std::move(found).value()};
}

AppError duplicateCode(const QString &code)
{
    return AppError::duplicate(QStringLiteral("a position with the code %1 exists already").arg(code));
}

// Only catalogued rights: a name no route checks grants nothing and hides a typo.
Result<void> checkGrants(const QJsonObject &matrix)
{
    for (auto module = matrix.begin(); module != matrix.end(); ++module) {
        const QJsonObject subs = module.value().toObject();
        for (auto sub = subs.begin(); sub != subs.end(); ++sub) {
            const QJsonArray actions = sub.value().toArray();
            for (qsizetype i = 0; i < actions.size(); ++i) {
                const QString right = QStringLiteral("%1.%2.%3").arg(module.key(), sub.key(), actions[i].toString());
                if (!PermissionCatalog::contains(right))
                    return AppError::field(QStringLiteral("permissions.%1.%2[%3]").arg(module.key(), sub.key()).arg(i),
                                   QStringLiteral("%1 is not a permission Caiwu knows (see GET /api/permission-config)").arg(right));
            }
        }
    }
    return {};
}

Result<void> checkInput(const PositionInput &in, bool creating)
{
    if (creating) {
        const std::pair<const char *, bool> required[] = {{"code", in.code.has_value()},
                                                          {"name", in.name.has_value()},
                                                          {"level", in.level.has_value()},
                                                          {"functionRole", in.functionRole.has_value()},
                                                          {"permissions", in.permissions.has_value()}};
        for (const auto &[name, given] : required)
            if (!given)
                return AppError::field(QLatin1String(name), QStringLiteral("%1 is required").arg(QLatin1String(name)));
    }
    static const QRegularExpression codePattern(QStringLiteral("^[A-Za-z0-9_-]{1,64}$"));
    if (in.code && !codePattern.match(*in.code).hasMatch())
        return AppError::field(QStringLiteral("code"), QStringLiteral("code must be 1 to 64 characters of letters, digits, '_' and '-'"));
    if (in.name && in.name->trimmed().isEmpty())
        return AppError::field(QStringLiteral("name"), QStringLiteral("name must not be empty"));
    if (in.level && (*in.level < 1 || *in.level > 3))
        return AppError::field(QStringLiteral("level"), QStringLiteral("level must be 1 (HQ), 2 (project) or 3 (team)"));
    if (in.functionRole && !FunctionRoles.contains(*in.functionRole))
        return AppError::field(QStringLiteral("functionRole"),
                       QStringLiteral("functionRole must be one of %1").arg(FunctionRoles.join(QStringLiteral(", "))));
    if (in.permissions)
        return checkGrants(*in.permissions);
    return {};
}

bool givesAnything(const PositionInput &in)
{
    return in.code || in.name || in.level || in.functionRole || in.permissions || in.scope || in.canManageSubordinates
        || in.description || in.sortOrder || in.active;
}

// What the audit log and the change detection compare: every field an admin can set.
QJsonObject settable(const Position &p)
{
    return QJsonObject{{QStringLiteral("code"), p.code},
                       {QStringLiteral("name"), p.name},
                       {QStringLiteral("level"), p.level},
                       {QStringLiteral("functionRole"), p.functionRole},
                       {QStringLiteral("canManageSubordinates"), p.canManageSubordinates},
                       {QStringLiteral("description"), p.description.isEmpty() ? QJsonValue() : QJsonValue(p.description)},
                       {QStringLiteral("permissions"), p.permissions},
                       {QStringLiteral("dataScope"), Permissions::scopeName(p.scope)},
                       {QStringLiteral("sortOrder"), p.sortOrder},
                       {QStringLiteral("active"), p.active}};
}

Position applied(Position p, const PositionInput &in)
{
    if (in.code) p.code = *in.code;
    if (in.name) p.name = in.name->trimmed();
    if (in.level) p.level = *in.level;
    if (in.functionRole) p.functionRole = *in.functionRole;
    if (in.permissions) p.permissions = *in.permissions;
    if (in.scope) p.scope = *in.scope;
    if (in.canManageSubordinates) p.canManageSubordinates = *in.canManageSubordinates;
    if (in.description) p.description = in.description->trimmed();
    if (in.sortOrder) p.sortOrder = *in.sortOrder;
    if (in.active) p.active = *in.active;
    return p;
}

QString permissionsText(const QJsonObject &matrix)
{
    return QString::fromUtf8(Json::bytes(matrix));
}

Result<QStringList> holders(const QSqlDatabase &db, const QString &positionId)
{
    auto q = Sql::run(db, QStringLiteral("SELECT id FROM employees WHERE position_id = ?"), {positionId},
                      QStringLiteral("find the holders of a position"));
    if (!q)
        return q.error();
    QStringList ids;
    while (q->next())
        ids << q->value(0).toString();
    return ids;
}

} // namespace

DataScope PositionService::defaultScope(int level, bool managesSubordinates)
{
    if (level == 1)
        return DataScope::All;
    if (level == 2)
        return DataScope::Project;
    return managesSubordinates ? DataScope::Group : DataScope::Self;
}

Result<QList<Position>> PositionService::list()
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    auto q = Sql::run(*db, QStringLiteral("SELECT %1 FROM positions ORDER BY sort_order, name, code").arg(Columns), {},
                      QStringLiteral("list the positions"));
    if (!q)
        return q.error();
    QList<Position> positions;
    while (q->next())
        positions.append(positionFrom(*q));
    return positions;
}

Result<Position> PositionService::find(const QString &id)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    return existing(*db, id);
}

Result<QList<Position>> PositionService::active()
{
    auto all = list();
    if (!all)
        return all.error();
    QList<Position> active;
    for (const Position &p : *all)
        if (p.active)
            active.append(p);
    return active;
}

Result<QList<Position>> PositionService::available(bool hq, const QStringList &allowed)
{
    auto active = this->active();
    if (!active)
        return active.error();
    QList<Position> chosen;
    for (const Position &p : *active)
        if ((hq ? p.level == 1 : p.level >= 2) && (allowed.isEmpty() || allowed.contains(p.id)))
            chosen.append(p);
    return chosen;
}

Result<Position> PositionService::create(const PositionInput &input, const QString &actorId, const QString &ip)
{
    if (auto ok = checkInput(input, true); !ok)
        return ok.error();
    Position p = applied(Position{}, input);
    p.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    p.scope = input.scope.value_or(defaultScope(p.level, p.canManageSubordinates));
    p.createdAt = Clock::nowMs();
    p.updatedAt = p.createdAt;

    auto tx = Transaction::begin(m_db);
    if (!tx)
        return tx.error();
    const QSqlDatabase &db = tx->db();
    auto q = Sql::run(db, QStringLiteral("INSERT INTO positions (%1) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)").arg(Columns),
                      {p.id, p.code, p.name, p.level, p.functionRole, p.canManageSubordinates ? 1 : 0,
                       Sql::textOrNull(p.description), permissionsText(p.permissions), Permissions::scopeName(p.scope),
                       p.sortOrder, 1, p.createdAt, p.createdAt},
                      QStringLiteral("create a position"));
    if (!q)
        return Sql::isUniqueViolation(q.error()) ? duplicateCode(p.code) : q.error();
    if (auto ok = m_audit.record({actorId, QStringLiteral("create"), QStringLiteral("position"), p.id, settable(p), ip}); !ok)
        return ok.error();
    if (auto ok = tx->commit(); !ok)
        return ok.error();
    return p;
}

Result<Position> PositionService::update(const QString &id, const PositionInput &input, const QString &actorId, const QString &ip)
{
    if (auto ok = checkInput(input, false); !ok)
        return ok.error();
    if (!givesAnything(input))
        return AppError::validation(QStringLiteral("nothing to change: give at least one of code, name, level, functionRole, "
                                                   "permissions, dataScope, canManageSubordinates, description, sortOrder, active"));
    auto locked = lock(m_db, id);
    if (!locked)
        return locked.error();
    Transaction &tx = locked->tx;
    const QSqlDatabase &db = tx.db();
    const Position before = locked->position;
    if (input.expectedVersion && *input.expectedVersion != before.version)
        return AppError::conflict(QStringLiteral("the position was changed meanwhile (now version %1, you edited version %2); "
                                                 "reload it and apply your change again")
                                      .arg(before.version).arg(*input.expectedVersion));
    Position after = applied(before, input);
    const QJsonObject changes = AuditChanges::between(settable(before), settable(after));
    if (changes.isEmpty())
        return before; // nothing differs: no write, no audit row, no new version

    // Only these can take rights away from someone.
    const bool narrows = changes.contains(QStringLiteral("permissions")) || changes.contains(QStringLiteral("level"))
        || changes.contains(QStringLiteral("active"));
    int adminsBefore = 0;
    if (narrows) {
        auto n = PermissionAdmins::count(db);
        if (!n)
            return n.error();
        adminsBefore = *n;
    }

    const qint64 now = Clock::nowMs();
    auto q = Sql::run(db, QStringLiteral("UPDATE positions SET code = ?, name = ?, level = ?, function_role = ?, "
                                         "can_manage_subordinates = ?, description = ?, permissions = ?, data_scope = ?, "
                                         "sort_order = ?, active = ?, updated_at = ?, version = version + 1 "
                                         "WHERE id = ? AND version = ?"),
                      {after.code, after.name, after.level, after.functionRole, after.canManageSubordinates ? 1 : 0,
                       Sql::textOrNull(after.description), permissionsText(after.permissions), Permissions::scopeName(after.scope),
                       after.sortOrder, after.active ? 1 : 0, now, id, before.version},
                      QStringLiteral("update a position"));
    if (!q)
        return Sql::isUniqueViolation(q.error()) ? duplicateCode(after.code) : q.error();

    if (narrows && adminsBefore > 0) {
        auto adminsAfter = PermissionAdmins::count(db);
        if (!adminsAfter)
            return adminsAfter.error();
        if (*adminsAfter == 0)
            return AppError::business(QStringLiteral("refused: after this change no active employee would hold every one of %1, "
                                                     "so nobody could repair the permissions")
                                          .arg(PermissionAdmins::rights().join(QStringLiteral(", "))));
    }
    auto affected = holders(db, id);
    if (!affected)
        return affected.error();
    if (auto ok = m_audit.record({actorId, QStringLiteral("update"), QStringLiteral("position"), id,
                                  QJsonObject{{QStringLiteral("code"), after.code}, {QStringLiteral("changes"), changes}}, ip});
        !ok)
        return ok.error();
    if (auto ok = tx.commit(); !ok)
        return ok.error();

    // After the commit, so a session re-read from now on sees the new rights (and a re-read that
    // began before cannot put the old ones back: SessionStore counts generations).
    m_sessions.forgetPosition(id);
    for (const QString &employeeId : *affected) // also those cached while the position was inactive
        m_sessions.forgetEmployee(employeeId);

    after.updatedAt = now;
    after.version = before.version + 1;
    return after;
}

Result<void> PositionService::retire(const QString &id, const QString &actorId, const QString &ip)
{
    auto locked = lock(m_db, id);
    if (!locked)
        return locked.error();
    Transaction &tx = locked->tx;
    const QSqlDatabase &db = tx.db();
    const Position p = locked->position;
    if (!p.active)
        return {}; // retired already: nothing to do, nothing to audit

    auto held = Sql::run(db, QStringLiteral("SELECT count(*) FROM employees WHERE position_id = ? AND active = 1"), {id},
                         QStringLiteral("count the holders of a position"));
    if (!held)
        return held.error();
    const int holderCount = held->next() ? held->value(0).toInt() : 0;
    if (holderCount > 0)
        return AppError::business(QStringLiteral("the position %1 (%2) is held by %3 active employee(s); move them to another "
                                                 "position first")
                                      .arg(p.name, p.code)
                                      .arg(holderCount));

    auto q = Sql::run(db, QStringLiteral("UPDATE positions SET active = 0, updated_at = ?, version = version + 1 WHERE id = ?"),
                      {Clock::nowMs(), id}, QStringLiteral("retire a position"));
    if (!q)
        return q.error();
    if (auto ok = m_audit.record({actorId, QStringLiteral("delete"), QStringLiteral("position"), id,
                                  QJsonObject{{QStringLiteral("code"), p.code}, {QStringLiteral("name"), p.name}}, ip});
        !ok)
        return ok.error();
    if (auto ok = tx.commit(); !ok)
        return ok.error();
    m_sessions.forgetPosition(id); // a session cached before its holder left may still name it
    return {};
}

} // namespace caiwu
