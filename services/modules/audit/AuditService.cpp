#include "AuditService.h"

#include "AuditTrail.h"
#include "auth/Permissions.h"
#include "storage/Database.h"
#include "storage/Sql.h"

#include <QJsonObject>

namespace caiwu {

namespace {

// The actor's employee row is "a"; rowFilter names its columns.
const QString From = QStringLiteral(" FROM audit_logs LEFT JOIN employees a ON a.id = audit_logs.actor_id ");

struct Where {
    QString sql;
    QVariantList values;
};

QString likePattern(const QString &text)
{
    QString escaped = text;
    escaped.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
    escaped.replace(QLatin1Char('%'), QStringLiteral("\\%"));
    escaped.replace(QLatin1Char('_'), QStringLiteral("\\_"));
    return QLatin1Char('%') + escaped + QLatin1Char('%');
}

Where whereFor(const Principal &reader, const AuditQuery &query)
{
    const Permissions::Filter scope =
        Permissions::rowFilter(reader, QStringLiteral("a.department_id"), QStringLiteral("a.org_department_id"),
                               QStringLiteral("audit_logs.actor_id"));
    QStringList conditions{QLatin1Char('(') + scope.sql + QLatin1Char(')')};
    QVariantList values = scope.values;
    auto equals = [&](const QString &column, const QString &value) {
        if (value.isEmpty())
            return;
        conditions << column + QStringLiteral(" = ?");
        values << value;
    };
    equals(QStringLiteral("audit_logs.action"), query.action);
    equals(QStringLiteral("audit_logs.entity"), query.entity);
    equals(QStringLiteral("audit_logs.actor_id"), query.actorId);
    if (!query.actorKeyword.isEmpty()) {
        conditions << QStringLiteral("(a.name LIKE ? ESCAPE '\\' OR a.personal_email LIKE ? ESCAPE '\\')");
        values << likePattern(query.actorKeyword) << likePattern(query.actorKeyword);
    }
    if (query.from) {
        conditions << QStringLiteral("audit_logs.at >= ?");
        values << *query.from;
    }
    if (query.to) {
        conditions << QStringLiteral("audit_logs.at <= ?");
        values << *query.to;
    }
    return {QStringLiteral(" WHERE ") + conditions.join(QStringLiteral(" AND ")), values};
}

QJsonObject filtersOf(const AuditQuery &query)
{
    QJsonObject filters;
    auto put = [&filters](const char *name, const QString &value) {
        if (!value.isEmpty())
            filters.insert(QLatin1String(name), value);
    };
    put("action", query.action);
    put("entity", query.entity);
    put("actorId", query.actorId);
    put("actorKeyword", query.actorKeyword);
    if (query.from)
        filters.insert(QStringLiteral("startTime"), *query.from);
    if (query.to)
        filters.insert(QStringLiteral("endTime"), *query.to);
    return filters;
}

} // namespace

Result<QList<AuditRow>> AuditService::rows(const Principal &reader, const AuditQuery &query, int limit, int offset)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    const Where where = whereFor(reader, query);
    auto q = Sql::run(*db, QStringLiteral("SELECT audit_logs.id, audit_logs.actor_id, audit_logs.action, audit_logs.entity, "
                                          "audit_logs.entity_id, audit_logs.at, audit_logs.detail, audit_logs.ip, "
                                          "audit_logs.ip_location, a.name, a.personal_email")
                               + From + where.sql
                               + QStringLiteral(" ORDER BY audit_logs.at DESC, audit_logs.rowid DESC LIMIT ? OFFSET ?"),
                      where.values + QVariantList{limit, offset}, QStringLiteral("read the audit log"));
    if (!q)
        return q.error();
    QList<AuditRow> rows;
    while (q->next())
        rows.append(AuditRow{q->value(0).toString(), q->value(1).toString(), q->value(2).toString(), q->value(3).toString(),
                             q->value(4).toString(), q->value(5).toLongLong(), q->value(6).toString(), q->value(7).toString(),
                             q->value(8).toString(), q->value(9).toString(), q->value(10).toString()});
    return rows;
}

Result<AuditPage> AuditService::search(const Principal &reader, const AuditQuery &query)
{
    auto page = rows(reader, query, query.limit, query.offset);
    if (!page)
        return page.error();
    auto db = m_db.connection();
    if (!db)
        return db.error();
    const Where where = whereFor(reader, query);
    auto count = Sql::run(*db, QStringLiteral("SELECT count(*)") + From + where.sql, where.values,
                          QStringLiteral("count the audit log"));
    if (!count)
        return count.error();
    return AuditPage{std::move(page).value(), count->next() ? count->value(0).toLongLong() : 0};
}

Result<AuditOptions> AuditService::options(const Principal &reader)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    const Where where = whereFor(reader, AuditQuery{});
    AuditOptions options;
    for (const auto &[column, list] : {std::pair{QStringLiteral("audit_logs.action"), &options.actions},
                                       std::pair{QStringLiteral("audit_logs.entity"), &options.entities}}) {
        auto q = Sql::run(*db, QStringLiteral("SELECT DISTINCT %1").arg(column) + From + where.sql
                                   + QStringLiteral(" AND %1 IS NOT NULL ORDER BY 1").arg(column),
                          where.values, QStringLiteral("list the audit log's values"));
        if (!q)
            return q.error();
        while (q->next())
            list->append(q->value(0).toString());
    }
    auto q = Sql::run(*db, QStringLiteral("SELECT DISTINCT a.id, a.name, a.personal_email") + From + where.sql
                               + QStringLiteral(" AND a.id IS NOT NULL ORDER BY a.name, a.personal_email"),
                      where.values, QStringLiteral("list the audit log's actors"));
    if (!q)
        return q.error();
    while (q->next())
        options.actors.append({q->value(0).toString(), q->value(1).toString(), q->value(2).toString()});
    return options;
}

Result<QList<AuditRow>> AuditService::exportRows(const Principal &reader, const AuditQuery &query, const QString &actorId,
                                                 const QString &ip)
{
    auto exported = rows(reader, query, MaxExportRows, 0);
    if (!exported)
        return exported.error();
    if (auto ok = m_audit.record({actorId, QStringLiteral("export"), QStringLiteral("audit_log"), {},
                                  QJsonObject{{QStringLiteral("count"), exported->size()},
                                              {QStringLiteral("filters"), filtersOf(query)}},
                                  ip});
        !ok)
        return ok.error();
    return exported;
}

} // namespace caiwu
