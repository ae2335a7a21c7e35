#pragma once

#include "RawHttp.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

class TestServer;

// The Caiwu API as a signed-in client speaks it: JSON bodies and a Bearer token.
class ApiClient {
public:
    ApiClient(quint16 port, QByteArray token = {}) : m_port(port), m_token(std::move(token)) {}

    HttpReply get(const QByteArray &path) const { return call("GET", path); }
    HttpReply post(const QByteArray &path, const QJsonObject &body = {}) const { return call("POST", path, body); }
    HttpReply put(const QByteArray &path, const QJsonObject &body) const { return call("PUT", path, body); }
    HttpReply del(const QByteArray &path, const QJsonObject &body = {}) const { return call("DELETE", path, body); }
    HttpReply call(const QByteArray &method, const QByteArray &path, const QJsonObject &body = {},
                   QList<QPair<QByteArray, QByteArray>> headers = {}) const;

    const QByteArray &token() const { return m_token; }
    quint16 port() const { return m_port; }

private:
    quint16 m_port;
    QByteArray m_token;
};

// What a test checks of an answer: the error code ("VALIDATION_ERROR", …), the field a
// validation error names (details.path), the rows of a {results:[…]} list.
QString errorCode(const HttpReply &reply);
QString errorPath(const HttpReply &reply);
QJsonArray resultsOf(const HttpReply &reply);
// The first row of `rows` whose `field` is `value`; empty when there is none.
QJsonObject rowWhere(const QJsonArray &rows, const QString &field, const QString &value);
// The audit log's rows of one entity and action (newest first), of one record when `entityId` is given.
QJsonArray auditRows(const ApiClient &reader, const QString &entity, const QString &action, const QString &entityId = {});

// Logs in with POST /api/auth/login; an empty token (and a QWARN with the reply) on failure.
QByteArray login(quint16 port, const QString &email, const QString &password, const QString &totp = {});

// `caiwu admin create` on the server's data folder, then a login: the client of the first admin.
// Default credentials: admin@office.test / admin-password-1.
ApiClient signInAdmin(TestServer &server, const QString &email = QStringLiteral("admin@office.test"),
                      const QString &password = QStringLiteral("admin-password-1"));

// What a test needs to place a staff member: written straight into the server's SQLite file
// (the employees module has no routes yet). Returns the new employee's id.
struct StaffMember {
    QString email;
    QString password;
    QString positionId;
    QString departmentId;      // project; empty for none
    QString orgDepartmentId;   // empty for none
    QString totpSecret;        // empty: no authenticator bound
    bool active = true;
};
QString addStaffMember(const TestServer &server, const StaffMember &member);
// addStaffMember, then a login as them: their client (an empty token, and a QWARN, on failure),
// and their employee id in *employeeId when asked.
ApiClient signInStaff(const TestServer &server, const StaffMember &member, QString *employeeId = nullptr);
// A position `code` (level 2) with `permissions` and data `scope`, held by a new staff member
// <code>@office.test of project `projectId`: their client, signed in (and their employee id in
// *employeeId when asked).
ApiClient signInWithPosition(const TestServer &server, const QString &code, const QString &scope, const QJsonObject &permissions,
                             const QString &projectId = {}, QString *employeeId = nullptr);
// Sends the request without a token: true when it is refused 401 with the UNAUTHORIZED code.
bool refusedWithoutToken(quint16 port, const QByteArray &method, const QByteArray &target);
// A permission matrix granting `actions` of one module.sub: {module:{sub:[actions]}}.
QJsonObject permissionMatrix(const QString &module, const QString &sub, const QStringList &actions);
// A position written straight into the file: {module:{sub:[actions]}}, level, data scope.
QString addPosition(const TestServer &server, const QString &code, int level, const QString &scope, const QJsonObject &permissions);
// An org department (team) in a project, with its allowed modules (empty: all).
QString addOrgDepartment(const TestServer &server, const QString &projectId, const QString &name, const QStringList &allowedModules = {});
// A project (department) under HQ.
QString addProject(const TestServer &server, const QString &name);
// The rows a query returns from the server's database file.
QList<QVariantList> querySql(const TestServer &server, const QString &sql, const QVariantList &values = {});
// Runs one statement on the server's database file (while it serves: SQLite's locking keeps it safe).
bool execSql(const TestServer &server, const QString &sql, const QVariantList &values = {});
// How many rows a table of the server's database file holds (a failed write must leave it as it was).
qint64 rowCount(const TestServer &server, const QString &table);

// `field` of each row of a list reply's results, in order.
QStringList resultValues(const HttpReply &reply, const QString &field);
