#include "SessionStore.h"

#include "storage/Database.h"
#include "storage/Sql.h"
#include "storage/Transaction.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUuid>

namespace caiwu {

namespace {

QStringList modulesFrom(const QString &json)
{
    QStringList modules;
    for (const QJsonValue &v : QJsonDocument::fromJson(json.toUtf8()).array())
        if (v.isString())
            modules << v.toString();
    return modules;
}

} // namespace

Result<SessionStore::Session> SessionStore::load(const QString &sessionId, qint64 nowMs)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    // The session counts only while its employee is active; the position and org department
    // only while they are active (a retired position grants nothing).
    auto q = Sql::run(*db, QStringLiteral(
        "SELECT s.id, s.expires_at, e.id, e.name, COALESCE(e.personal_email, e.email), e.department_id, "
        "       e.org_department_id, p.id, p.code, p.name, p.level, p.function_role, p.can_manage_subordinates, "
        "       p.permissions, p.data_scope, od.allowed_modules "
        "FROM sessions s JOIN employees e ON e.id = s.user_id AND e.active = 1 "
        "LEFT JOIN positions p ON p.id = e.position_id AND p.active = 1 "
        "LEFT JOIN org_departments od ON od.id = e.org_department_id AND od.active = 1 "
        "WHERE s.id = ? AND s.expires_at > ?"),
        {sessionId, nowMs}, QStringLiteral("read the session"));
    if (!q)
        return q.error();
    if (!q->next())
        return AppError::unauthorized(QStringLiteral("session ended; please log in again"));
    auto s = std::make_shared<AuthSession>();
    s->sessionId = q->value(0).toString();
    s->expiresAt = q->value(1).toLongLong();
    s->userId = q->value(2).toString();
    s->name = q->value(3).toString();
    s->email = q->value(4).toString();
    PositionInfo &p = s->position;
    p.id = q->value(7).toString();
    if (!p.id.isEmpty()) {
        p.code = q->value(8).toString();
        p.name = q->value(9).toString();
        p.level = q->value(10).toInt();
        p.functionRole = q->value(11).toString();
        p.canManageSubordinates = q->value(12).toInt() == 1;
        p.permissions = QJsonDocument::fromJson(q->value(13).toString().toUtf8()).object();
        bool known = false;
        p.scope = Permissions::parseScope(q->value(14).toString(), &known);
    }
    Principal &who = s->principal;
    who.employeeId = s->userId;
    who.departmentId = q->value(5).toString();
    who.orgDepartmentId = q->value(6).toString();
    who.level = p.level;
    who.scope = p.scope;
    who.permissions = p.permissions;
    who.allowedModules = modulesFrom(q->value(15).toString());
    s->permissionsDocument = QJsonDocument(QJsonObject{{QStringLiteral("permissions"), p.permissions}}).toJson(QJsonDocument::Compact);
    return Session(std::move(s));
}

Result<SessionStore::Session> SessionStore::find(const QString &sessionId, qint64 nowMs)
{
    {
        QReadLocker read(&m_lock);
        const auto it = m_cache.constFind(sessionId);
        if (it != m_cache.constEnd() && nowMs - it->loadedAt < RefreshMs && it->session->expiresAt > nowMs)
            return it->session;
    }
    const quint64 generation = m_generation.load();
    auto loaded = load(sessionId, nowMs);
    if (!loaded) {
        QWriteLocker write(&m_lock);
        m_cache.remove(sessionId);
        return loaded.error();
    }
    // At most once a minute per session: the table's last_active_at, for the admin's view.
    if (auto db = m_db.connection(); db)
        (void)Sql::run(*db, QStringLiteral("UPDATE sessions SET last_active_at = ? WHERE id = ?"), {nowMs, sessionId},
                       QStringLiteral("note session activity"));
    QWriteLocker write(&m_lock);
    if (m_generation.load() == generation)
        m_cache.insert(sessionId, Entry{*loaded, nowMs});
    return loaded;
}

Result<SessionStore::Session> SessionStore::open(const QString &employeeId, const QString &ip, const QString &userAgent,
                                                 qint64 nowMs)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    {
        auto tx = Transaction::begin(*db);
        if (!tx)
            return tx.error();
        if (auto q = Sql::run(*db, QStringLiteral("DELETE FROM sessions WHERE user_id = ?"), {employeeId},
                              QStringLiteral("end the previous session"));
            !q)
            return q.error();
        if (auto q = Sql::run(*db, QStringLiteral("INSERT INTO sessions (id, user_id, expires_at, ip_address, user_agent, "
                                                  "created_at, last_active_at) VALUES (?, ?, ?, ?, ?, ?, ?)"),
                              {id, employeeId, nowMs + LifetimeMs, Sql::textOrNull(ip), Sql::textOrNull(userAgent.left(512)),
                               nowMs, nowMs},
                              QStringLiteral("open the session"));
            !q)
            return q.error();
        if (auto ok = tx->commit(); !ok)
            return ok.error();
    }
    forgetEmployee(employeeId);
    return find(id, nowMs);
}

Result<void> SessionStore::close(const QString &sessionId)
{
    {
        QWriteLocker write(&m_lock);
        m_cache.remove(sessionId);
        ++m_generation;
    }
    auto db = m_db.connection();
    if (!db)
        return db.error();
    if (auto q = Sql::run(*db, QStringLiteral("DELETE FROM sessions WHERE id = ?"), {sessionId}, QStringLiteral("end the session")); !q)
        return q.error();
    return {};
}

Result<int> SessionStore::closeAllOf(const QString &employeeId)
{
    forgetEmployee(employeeId);
    auto db = m_db.connection();
    if (!db)
        return db.error();
    auto q = Sql::run(*db, QStringLiteral("DELETE FROM sessions WHERE user_id = ?"), {employeeId}, QStringLiteral("end the sessions"));
    if (!q)
        return q.error();
    return q->numRowsAffected();
}

void SessionStore::dropWhere(const std::function<bool(const AuthSession &)> &match)
{
    QWriteLocker write(&m_lock);
    ++m_generation;
    for (auto it = m_cache.begin(); it != m_cache.end();)
        it = match(*it->session) ? m_cache.erase(it) : std::next(it);
}

void SessionStore::forgetEmployee(const QString &employeeId)
{
    dropWhere([&](const AuthSession &s) { return s.userId == employeeId; });
}

void SessionStore::forgetPosition(const QString &positionId)
{
    dropWhere([&](const AuthSession &s) { return s.position.id == positionId; });
}

void SessionStore::forgetAll()
{
    dropWhere([](const AuthSession &) { return true; });
}

Result<int> SessionStore::openCount(qint64 nowMs)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    auto q = Sql::run(*db, QStringLiteral("SELECT count(*) FROM sessions WHERE expires_at > ?"), {nowMs},
                      QStringLiteral("count sessions"));
    if (!q)
        return q.error();
    return q->next() ? q->value(0).toInt() : 0;
}

} // namespace caiwu
