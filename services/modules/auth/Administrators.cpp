#include "Administrators.h"

#include "auth/PasswordHasher.h"
#include "auth/PermissionCatalog.h"
#include "core/Clock.h"
#include "core/EmailAddress.h"
#include "core/Json.h"
#include "modules/audit/AuditTrail.h"
#include "storage/Database.h"
#include "storage/Sql.h"
#include "storage/Transaction.h"

#include <QDate>
#include <QUuid>

namespace caiwu::Administrators {

namespace {

QString newId() { return QUuid::createUuid().toString(QUuid::WithoutBraces); }

// The system_admin position with every permission, created or brought up to date.
Result<QString> ensurePosition(const QSqlDatabase &db, qint64 now)
{
    const QString permissions = QString::fromUtf8(Json::bytes(PermissionCatalog::everything()));
    auto found = Sql::run(db, QStringLiteral("SELECT id FROM positions WHERE code = ?"), {PositionCode},
                          QStringLiteral("look up the administrator position"));
    if (!found)
        return found.error();
    if (found->next()) {
        const QString id = found->value(0).toString();
        auto q = Sql::run(db, QStringLiteral("UPDATE positions SET permissions = ?, level = 1, data_scope = 'all', active = 1, "
                                             "updated_at = ?, version = version + 1 WHERE id = ?"),
                          {permissions, now, id}, QStringLiteral("update the administrator position"));
        if (!q)
            return q.error();
        return id;
    }
    const QString id = newId();
    auto q = Sql::run(db, QStringLiteral("INSERT INTO positions (id, code, name, level, function_role, can_manage_subordinates, "
                                         "description, permissions, data_scope, sort_order, active, created_at, updated_at) "
                                         "VALUES (?, ?, '系统管理员', 1, 'admin', 1, ?, ?, 'all', 0, 1, ?, ?)"),
                      {id, PositionCode, QStringLiteral("拥有全部权限；由 caiwu admin create 创建"), permissions, now, now},
                      QStringLiteral("create the administrator position"));
    if (!q)
        return q.error();
    return id;
}

// The HQ org department (no project, no parent) named 总部, open to every module.
Result<QString> ensureHqOrgDepartment(const QSqlDatabase &db, qint64 now)
{
    auto found = Sql::run(db, QStringLiteral("SELECT id FROM org_departments WHERE project_id IS NULL AND parent_id IS NULL "
                                             "AND name = '总部' AND active = 1 ORDER BY created_at LIMIT 1"),
                          {}, QStringLiteral("look up the HQ org department"));
    if (!found)
        return found.error();
    if (found->next())
        return found->value(0).toString();
    const QString id = newId();
    auto q = Sql::run(db, QStringLiteral("INSERT INTO org_departments (id, project_id, parent_id, name, code, allowed_modules, "
                                         "active, sort_order, created_at, updated_at) "
                                         "VALUES (?, NULL, NULL, '总部', 'HQ', '[\"*\"]', 1, 0, ?, ?)"),
                      {id, now, now}, QStringLiteral("create the HQ org department"));
    if (!q)
        return q.error();
    return id;
}

} // namespace

Result<QString> create(Database &database, AuditTrail &audit, const QString &emailIn, const QString &nameIn,
                       const QString &password)
{
    const QString email = emailIn.trimmed();
    const QString name = nameIn.trimmed();
    if (!EmailAddress::isValid(email))
        return AppError::validation(QStringLiteral("'%1' is not an email address").arg(email));
    if (name.isEmpty() || name.size() > 100)
        return AppError::validation(QStringLiteral("the name must be 1 to 100 characters"));
    if (auto ok = PasswordHasher::validateNew(password); !ok)
        return ok.error();
    auto hash = PasswordHasher::hash(password); // slow on purpose: before the write lock is taken
    if (!hash)
        return hash.error();

    auto db = database.connection();
    if (!db)
        return db.error();
    auto tx = Transaction::begin(*db);
    if (!tx)
        return tx.error();
    auto taken = Sql::run(*db, QStringLiteral("SELECT 1 FROM employees WHERE personal_email = ? OR email = ?"), {email, email},
                          QStringLiteral("check the email"));
    if (!taken)
        return taken.error();
    if (taken->next())
        return AppError::duplicate(QStringLiteral("an employee with the email %1 exists already").arg(email));

    const qint64 now = Clock::nowMs();
    auto position = ensurePosition(*db, now);
    if (!position)
        return position.error();
    auto orgDepartment = ensureHqOrgDepartment(*db, now);
    if (!orgDepartment)
        return orgDepartment.error();
    auto hq = Sql::run(*db, QStringLiteral("SELECT id FROM departments WHERE name = '总部' AND active = 1 LIMIT 1"), {},
                       QStringLiteral("look up the HQ department"));
    if (!hq)
        return hq.error();
    const QVariant department = hq->next() ? hq->value(0) : QVariant(QMetaType::fromType<QString>());

    const QString id = newId();
    auto insert = Sql::run(*db, QStringLiteral(
        "INSERT INTO employees (id, email, personal_email, name, position_id, org_department_id, department_id, join_date, "
        "status, active, created_at, updated_at, password_hash, password_changed) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'regular', 1, ?, ?, ?, 1)"),
        {id, email, email, name, *position, *orgDepartment, department, QDate::currentDate().toString(Qt::ISODate), now, now,
         *hash},
        QStringLiteral("create the administrator"));
    if (!insert)
        return Sql::isUniqueViolation(insert.error())
            ? AppError::duplicate(QStringLiteral("an employee with the email %1 exists already").arg(email))
            : insert.error();
    if (auto ok = audit.record({QStringLiteral("system"), QStringLiteral("create"), QStringLiteral("employee"), id,
                                QJsonObject{{QStringLiteral("email"), email}, {QStringLiteral("role"), PositionCode}}, {}});
        !ok)
        return ok.error();
    if (auto ok = tx->commit(); !ok)
        return ok.error();
    return id;
}

} // namespace caiwu::Administrators
