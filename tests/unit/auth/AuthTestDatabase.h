#pragma once

// A migrated SQLite file in a temporary folder, and rows the auth mechanisms need.
#include "storage/Database.h"
#include "storage/Migrator.h"
#include "storage/Sql.h"

#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

#include <memory>

class AuthTestDatabase {
public:
    AuthTestDatabase()
    {
        static int n = 0;
        db = std::make_unique<caiwu::Database>(dir.filePath(QStringLiteral("auth-%1.sqlite").arg(++n)));
        ok = caiwu::Migrator(*db).up(dir.filePath(QStringLiteral("backups"))).ok();
    }
    ~AuthTestDatabase() { db->releaseThreadConnection(); }

    bool exec(const QString &sql, const QVariantList &values = {})
    {
        auto conn = db->connection();
        return conn && caiwu::Sql::run(*conn, sql, values, QStringLiteral("run a test statement")).ok();
    }

    QString addPosition(const QString &permissionsJson, int level = 3, const QString &scope = QStringLiteral("group"))
    {
        const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        return exec(QStringLiteral("INSERT INTO positions (id, code, name, level, function_role, permissions, data_scope, created_at) "
                                   "VALUES (?, ?, 'p', ?, 'member', ?, ?, 0)"),
                    {id, id, level, permissionsJson, scope})
            ? id
            : QString();
    }

    QString addEmployee(const QString &positionId, const QString &orgDepartmentId = {})
    {
        const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        return exec(QStringLiteral("INSERT INTO employees (id, email, personal_email, name, position_id, org_department_id, "
                                   "department_id, created_at) VALUES (?, ?, ?, 'n', ?, ?, 'hq', 0)"),
                    {id, id + QStringLiteral("@office.test"), id + QStringLiteral("@home.test"), positionId,
                     orgDepartmentId.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(orgDepartmentId)})
            ? id
            : QString();
    }

    QTemporaryDir dir;
    std::unique_ptr<caiwu::Database> db;
    bool ok = false;
};
