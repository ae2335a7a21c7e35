#include "ApiClient.h"

#include "TestServer.h"
#include "auth/PasswordHasher.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTest>
#include <QUuid>

HttpReply ApiClient::call(const QByteArray &method, const QByteArray &path, const QJsonObject &body,
                          QList<QPair<QByteArray, QByteArray>> headers) const
{
    if (!m_token.isEmpty())
        headers.append(qMakePair(QByteArray("Authorization"), "Bearer " + m_token));
    QByteArray payload;
    if (!body.isEmpty() || method == "POST" || method == "PUT") {
        payload = QJsonDocument(body).toJson(QJsonDocument::Compact);
        headers.append(qMakePair(QByteArray("Content-Type"), QByteArray("application/json")));
    }
    return httpRequest(m_port, method, path, payload, headers);
}

QString errorCode(const HttpReply &reply)
{
    return reply.json().value(QStringLiteral("code")).toString();
}

QString errorPath(const HttpReply &reply)
{
    return reply.json().value(QStringLiteral("details")).toObject().value(QStringLiteral("path")).toString();
}

QJsonArray resultsOf(const HttpReply &reply)
{
    return reply.json().value(QStringLiteral("results")).toArray();
}

QJsonObject rowWhere(const QJsonArray &rows, const QString &field, const QString &value)
{
    for (const QJsonValue &row : rows)
        if (row.toObject().value(field).toString() == value)
            return row.toObject();
    return {};
}

QJsonArray auditRows(const ApiClient &reader, const QString &entity, const QString &action, const QString &entityId)
{
    const HttpReply reply = reader.get("/api/audit-logs?limit=1000&entity=" + entity.toUtf8() + "&action=" + action.toUtf8());
    QJsonArray rows;
    for (const QJsonValue &row : resultsOf(reply))
        if (entityId.isEmpty() || row.toObject().value(QStringLiteral("entityId")).toString() == entityId)
            rows.append(row);
    return rows;
}

QByteArray login(quint16 port, const QString &email, const QString &password, const QString &totp)
{
    QJsonObject body{{QStringLiteral("email"), email}, {QStringLiteral("password"), password}};
    if (!totp.isEmpty())
        body.insert(QStringLiteral("totp"), totp);
    const HttpReply reply = ApiClient(port).post("/api/auth/login", body);
    const QByteArray token = reply.json().value(QStringLiteral("token")).toString().toLatin1();
    if (token.isEmpty())
        qWarning("login of %s failed: %d %s", qPrintable(email), reply.status, reply.body.constData());
    return token;
}

ApiClient signInAdmin(TestServer &server, const QString &email, const QString &password)
{
    const auto run = server.caiwu({QStringLiteral("admin"), QStringLiteral("create"), QStringLiteral("--email"), email,
                                   QStringLiteral("--name"), QStringLiteral("管理员")},
                                  password.toUtf8());
    if (run.code != 0)
        qWarning("admin create failed: %s", run.err.constData());
    return ApiClient(server.port(), login(server.port(), email, password));
}

namespace {

QString newId() { return QUuid::createUuid().toString(QUuid::WithoutBraces); }

QVariant textOrNull(const QString &s) { return s.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(s); }

} // namespace

namespace {

// Runs `sql` on a connection of its own to the server's file and hands the query to `read`.
bool withQuery(const TestServer &server, const QString &sql, const QVariantList &values,
               const std::function<void(QSqlQuery &)> &read)
{
    const QString name = QStringLiteral("test-") + newId();
    bool ok = false;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(server.dataDir() + QStringLiteral("/caiwu.sqlite"));
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
        if (db.open()) {
            QSqlQuery q(db);
            q.exec(QStringLiteral("PRAGMA foreign_keys = ON"));
            q.prepare(sql);
            for (const QVariant &v : values)
                q.addBindValue(v);
            ok = q.exec();
            if (ok)
                read(q);
            else
                qWarning("SQL failed: %s: %s", qPrintable(sql), qPrintable(q.lastError().text()));
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return ok;
}

} // namespace

bool execSql(const TestServer &server, const QString &sql, const QVariantList &values)
{
    return withQuery(server, sql, values, [](QSqlQuery &) {});
}

QList<QVariantList> querySql(const TestServer &server, const QString &sql, const QVariantList &values)
{
    QList<QVariantList> rows;
    withQuery(server, sql, values, [&rows](QSqlQuery &q) {
        while (q.next()) {
            QVariantList row;
            for (int i = 0; i < q.record().count(); ++i)
                row << q.value(i);
            rows << row;
        }
    });
    return rows;
}

QString addStaffMember(const TestServer &server, const StaffMember &m)
{
    const QString id = newId();
    const QString hash = caiwu::PasswordHasher::hash(m.password).value();
    const bool ok = execSql(server,
                            QStringLiteral("INSERT INTO employees (id, email, personal_email, name, position_id, department_id, "
                                           "org_department_id, status, active, created_at, password_hash, totp_secret) "
                                           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)"),
                            {id, m.email, m.email, m.email.section(QLatin1Char('@'), 0, 0), textOrNull(m.positionId),
                             textOrNull(m.departmentId), textOrNull(m.orgDepartmentId),
                             m.active ? QStringLiteral("regular") : QStringLiteral("resigned"), m.active ? 1 : 0, hash,
                             textOrNull(m.totpSecret)});
    return ok ? id : QString();
}

ApiClient signInStaff(const TestServer &server, const StaffMember &member, QString *employeeId)
{
    const QString id = addStaffMember(server, member);
    if (employeeId)
        *employeeId = id;
    if (id.isEmpty())
        return ApiClient(server.port());
    return ApiClient(server.port(), login(server.port(), member.email, member.password));
}

ApiClient signInWithPosition(const TestServer &server, const QString &code, const QString &scope, const QJsonObject &permissions,
                             const QString &projectId, QString *employeeId)
{
    const QString position = addPosition(server, code, 2, scope, permissions);
    return signInStaff(server, {code + QStringLiteral("@office.test"), QStringLiteral("staff-password-1"), position, projectId, {}, {}, true},
                       employeeId);
}

bool refusedWithoutToken(quint16 port, const QByteArray &method, const QByteArray &target)
{
    const HttpReply reply = ApiClient(port).call(method, target, QJsonObject{{QStringLiteral("x"), 1}});
    if (reply.status == 401 && reply.json().value(QStringLiteral("code")).toString() == QLatin1String("UNAUTHORIZED"))
        return true;
    qWarning("%s %s without a token: %d %s", method.constData(), target.constData(), reply.status, reply.body.constData());
    return false;
}

QJsonObject permissionMatrix(const QString &module, const QString &sub, const QStringList &actions)
{
    return QJsonObject{{module, QJsonObject{{sub, QJsonArray::fromStringList(actions)}}}};
}

QString addPosition(const TestServer &server, const QString &code, int level, const QString &scope, const QJsonObject &permissions)
{
    const QString id = newId();
    const bool ok = execSql(server,
                            QStringLiteral("INSERT INTO positions (id, code, name, level, function_role, permissions, data_scope, "
                                           "created_at) VALUES (?, ?, ?, ?, 'member', ?, ?, 0)"),
                            {id, code, code, level, QString::fromUtf8(QJsonDocument(permissions).toJson(QJsonDocument::Compact)),
                             scope});
    return ok ? id : QString();
}

QString addOrgDepartment(const TestServer &server, const QString &projectId, const QString &name, const QStringList &allowedModules)
{
    const QString id = newId();
    const bool ok = execSql(server,
                            QStringLiteral("INSERT INTO org_departments (id, project_id, name, allowed_modules, created_at) "
                                           "VALUES (?, ?, ?, ?, 0)"),
                            {id, textOrNull(projectId), name,
                             allowedModules.isEmpty()
                                 ? QVariant(QMetaType::fromType<QString>())
                                 : QVariant(QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(allowedModules))
                                                                  .toJson(QJsonDocument::Compact)))});
    return ok ? id : QString();
}

QString addProject(const TestServer &server, const QString &name)
{
    const QString id = newId();
    const bool ok = execSql(server, QStringLiteral("INSERT INTO departments (id, hq_id, name, created_at) VALUES (?, 'hq', ?, 0)"),
                            {id, name});
    return ok ? id : QString();
}

qint64 rowCount(const TestServer &server, const QString &table)
{
    return querySql(server, QStringLiteral("SELECT count(*) FROM \"%1\"").arg(table)).value(0).value(0).toLongLong();
}

QStringList resultValues(const HttpReply &reply, const QString &field)
{
    QStringList values;
    for (const QJsonValue &row : reply.json().value(QStringLiteral("results")).toArray())
        values << row.toObject().value(field).toString();
    return values;
}

