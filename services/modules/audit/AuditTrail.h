#pragma once

#include "core/Result.h"

#include <QJsonObject>
#include <QString>

namespace caiwu {

class Database;
struct HttpRequest;

// One row of the audit log (reference §6.2): who did what to which record, from where.
struct AuditEntry {
    QString actorId;     // employee id; "system" for the appliance itself; empty when unknown
    QString action;      // login, logout, create, update, delete, …
    QString entity;      // user, position, system_config, ip_whitelist, …
    QString entityId;
    QJsonObject detail;
    QString ip;
};

// Appends to audit_logs. Rows are never changed or deleted (the table's triggers refuse it).
class AuditTrail {
public:
    explicit AuditTrail(Database &db) : m_db(db) {}

    // Writes on this thread's connection, so inside the caller's transaction when one is open:
    // the change and its audit row commit together or not at all.
    Result<void> record(const AuditEntry &entry);

    // An entry for what the request's caller did, from the request's client address.
    static AuditEntry by(const HttpRequest &request, const QString &action, const QString &entity,
                         const QString &entityId = {}, const QJsonObject &detail = {});

private:
    Database &m_db;
};

} // namespace caiwu
