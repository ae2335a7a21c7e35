#include "AuditTrail.h"

#include "core/Clock.h"
#include "core/Json.h"
#include "http/HttpRequest.h"
#include "storage/Database.h"
#include "storage/Sql.h"

#include <QUuid>

namespace caiwu {

Result<void> AuditTrail::record(const AuditEntry &entry)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    auto q = Sql::run(*db, QStringLiteral("INSERT INTO audit_logs (id, actor_id, action, entity, entity_id, detail, ip, at) "
                                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
                      {QUuid::createUuid().toString(QUuid::WithoutBraces), Sql::textOrNull(entry.actorId), entry.action,
                       Sql::textOrNull(entry.entity), Sql::textOrNull(entry.entityId),
                       entry.detail.isEmpty() ? QVariant(QMetaType::fromType<QString>())
                                              : QVariant(QString::fromUtf8(Json::bytes(entry.detail))),
                       Sql::textOrNull(entry.ip), Clock::nowMs()},
                      QStringLiteral("write the audit log"));
    if (!q)
        return q.error();
    return {};
}

AuditEntry AuditTrail::by(const HttpRequest &request, const QString &action, const QString &entity, const QString &entityId,
                          const QJsonObject &detail)
{
    return AuditEntry{request.actor, action, entity, entityId, detail, request.clientAddress};
}

} // namespace caiwu
