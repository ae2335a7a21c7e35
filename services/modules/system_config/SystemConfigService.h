#pragma once

#include "core/Result.h"

#include <QJsonValue>
#include <QList>
#include <QString>

#include <optional>

namespace caiwu {

class AuditTrail;
class Database;

// The office's settings kept in the database (system_config, reference §1.15): the 2FA switch,
// the login-notification switch, the annual-leave rules. A value is stored as text, JSON-encoded
// unless it is a string, and read back JSON-parsed when it parses (as the reference).
class SystemConfigService {
public:
    SystemConfigService(Database &db, AuditTrail &audit) : m_db(db), m_audit(audit) {}

    struct Entry {
        QString key;
        QJsonValue value;
        QString description;
        qint64 updatedAt = 0;
        QString updatedBy;
    };
    Result<QList<Entry>> all();
    Result<std::optional<Entry>> find(const QString &key);
    // A switch: true when the stored value is true or "true"; `fallback` when the key is missing.
    Result<bool> flag(const QString &key, bool fallback);

    // Upsert with the known keys' rules (2fa_enabled is a boolean, …); any other key must be
    // 1–64 characters of a-z, 0-9, '_', '.', '-'. Audited as update system_config {key, from, to}.
    // An unchanged description is kept when `description` is nullopt.
    Result<void> set(const QString &key, const QJsonValue &value, const std::optional<QString> &description,
                     const QString &actorId, const QString &ip);

private:
    Database &m_db;
    AuditTrail &m_audit;
};

} // namespace caiwu
