#pragma once

#include "core/Result.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace caiwu {

class AuditTrail;
class Database;
struct Principal;

// Which audit rows a reader asks for (reference §1.10). Every filter applies (the reference
// ignored actorId, actorKeyword, startTime and endTime, §6.2); empty means "any".
struct AuditQuery {
    QString action;
    QString entity;
    QString actorId;
    QString actorKeyword;          // part of the actor's name or personal email
    std::optional<qint64> from;    // epoch ms, inclusive
    std::optional<qint64> to;      // epoch ms, inclusive
    int limit = 100;
    int offset = 0;
};

// One row of the log with its actor's name and login email (null when the actor is not an employee).
struct AuditRow {
    QString id;
    QString actorId;
    QString action;
    QString entity;
    QString entityId;
    qint64 at = 0;
    QString detail;                // as stored: JSON text, usually
    QString ip;
    QString ipLocation;
    QString actorName;
    QString actorEmail;
};

struct AuditPage {
    QList<AuditRow> rows;          // newest first
    qint64 total = 0;              // all matching rows, not just this page
};

struct AuditOptions {
    QStringList actions;
    QStringList entities;
    struct Actor {
        QString id;
        QString name;
        QString email;
    };
    QList<Actor> actors;
};

// Reads the audit log for people allowed to (the writer is AuditTrail). A reader sees only rows
// whose actor is within their data scope (Permissions::rowFilter on the actor's project, team
// and id); scope "all" also sees rows of the appliance itself and of unknown actors.
class AuditService {
public:
    static constexpr int MaxExportRows = 10000;

    AuditService(Database &db, AuditTrail &audit) : m_db(db), m_audit(audit) {}

    Result<AuditPage> search(const Principal &reader, const AuditQuery &query);
    // The distinct actions, entities and actors of the rows the reader may see.
    Result<AuditOptions> options(const Principal &reader);
    // Up to MaxExportRows matching rows (the query's limit and offset are ignored), newest first;
    // the export itself is audited (export audit_log {count, filters}).
    Result<QList<AuditRow>> exportRows(const Principal &reader, const AuditQuery &query, const QString &actorId,
                                       const QString &ip);

private:
    Result<QList<AuditRow>> rows(const Principal &reader, const AuditQuery &query, int limit, int offset);

    Database &m_db;
    AuditTrail &m_audit;
};

} // namespace caiwu
