#include "VoucherLinks.h"

#include "auth/AuthSession.h"
#include "storage/Sql.h"
#include "vouchers/VoucherStore.h"

namespace caiwu::VoucherLinks {

Result<void> replace(const QSqlDatabase &db, const QString &entity, const QString &entityId, const QStringList &urls)
{
    if (auto q = Sql::run(db, QStringLiteral("DELETE FROM voucher_links WHERE entity = ? AND entity_id = ?"), {entity, entityId},
                          QStringLiteral("unlink the vouchers"));
        !q)
        return q.error();
    for (const QString &url : urls) {
        auto key = VoucherStore::keyFromUrl(url);
        if (!key)
            continue;
        if (auto q = Sql::run(db, QStringLiteral("INSERT OR IGNORE INTO voucher_links (voucher_key, entity, entity_id) VALUES (?, ?, ?)"),
                              {*key, entity, entityId}, QStringLiteral("link the voucher"));
            !q)
            return q.error();
    }
    return {};
}

Result<void> recordUpload(const QSqlDatabase &db, const QString &key, const QString &uploadedBy, qint64 nowMs)
{
    auto q = Sql::run(db, QStringLiteral("INSERT INTO voucher_uploads (voucher_key, uploaded_by, uploaded_at) VALUES (?, ?, ?) "
                                         "ON CONFLICT (voucher_key, uploaded_by) DO UPDATE SET uploaded_at = excluded.uploaded_at"),
                      {key, uploadedBy, nowMs}, QStringLiteral("note the upload"));
    if (!q)
        return q.error();
    return {};
}

Result<bool> isReferenced(const QSqlDatabase &db, const QString &key)
{
    auto q = Sql::run(db, QStringLiteral("SELECT 1 FROM voucher_links WHERE voucher_key = ? LIMIT 1"), {key},
                      QStringLiteral("look up the voucher's records"));
    if (!q)
        return q.error();
    return q->next();
}

Result<bool> mayRead(const QSqlDatabase &db, const QString &key, const AuthSession &who)
{
    QString sql = QStringLiteral("SELECT 1 FROM voucher_uploads WHERE voucher_key = ? AND uploaded_by = ?");
    QVariantList values{key, who.userId};
    if (Permissions::allows(who.principal, QStringLiteral("finance.flow.view"))) {
        const Permissions::Filter scope = Permissions::rowFilter(who.principal, QStringLiteral("f.department_id"), {},
                                                                 QStringLiteral("f.created_by"));
        sql += QStringLiteral(" UNION ALL SELECT 1 FROM voucher_links l JOIN cash_flows f ON f.id = l.entity_id "
                              "WHERE l.voucher_key = ? AND l.entity = 'cash_flow' AND (%1)").arg(scope.sql);
        values << key << scope.values;
    }
    if (Permissions::allows(who.principal, QStringLiteral("finance.transfer.view"))) {
        sql += QStringLiteral(" UNION ALL SELECT 1 FROM voucher_links WHERE voucher_key = ? AND entity = 'account_transfer'");
        values << key;
    }
    auto q = Sql::run(db, sql + QStringLiteral(" LIMIT 1"), values, QStringLiteral("check who may read the voucher"));
    if (!q)
        return q.error();
    return q->next();
}

Result<bool> mayAttach(const QSqlDatabase &db, const QString &url, const AuthSession &who)
{
    auto key = VoucherStore::keyFromUrl(url);
    if (!key)
        return false;
    return mayRead(db, *key, who);
}

} // namespace caiwu::VoucherLinks
