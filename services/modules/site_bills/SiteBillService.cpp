#include "SiteBillService.h"

#include "auth/AuthSession.h"
#include "core/BusinessDate.h"
#include "core/Clock.h"
#include "modules/ListQuery.h"
#include "modules/audit/AuditTrail.h"
#include "storage/Database.h"
#include "storage/Sql.h"
#include "storage/Transaction.h"

#include <QUuid>

#include <utility>

namespace caiwu {

namespace {

const char *const BillColumns =
    "b.id, b.site_id, b.bill_date, b.bill_type, b.amount_cents, b.currency, b.description, b.account_id, b.category_id, "
    "b.status, b.payment_date, b.memo, b.created_by, b.created_at, b.updated_at, b.version, "
    "s.name, s.department_id, a.name, c.name, cur.name, u.name";
const char *const BillTables =
    "site_bills b JOIN sites s ON s.id = b.site_id LEFT JOIN accounts a ON a.id = b.account_id "
    "LEFT JOIN categories c ON c.id = b.category_id LEFT JOIN currencies cur ON cur.code = b.currency "
    "LEFT JOIN employees u ON u.id = b.created_by";

QJsonObject billJson(const QSqlQuery &q)
{
    auto text = [&q](int i) { return q.value(i).isNull() ? QJsonValue() : QJsonValue(q.value(i).toString()); };
    return QJsonObject{{QStringLiteral("id"), q.value(0).toString()},
                       {QStringLiteral("siteId"), q.value(1).toString()},
                       {QStringLiteral("billDate"), q.value(2).toString()},
                       {QStringLiteral("billType"), q.value(3).toString()},
                       {QStringLiteral("amountCents"), q.value(4).toLongLong()},
                       {QStringLiteral("currency"), q.value(5).toString()},
                       {QStringLiteral("description"), text(6)},
                       {QStringLiteral("accountId"), text(7)},
                       {QStringLiteral("categoryId"), text(8)},
                       {QStringLiteral("status"), q.value(9).toString()},
                       {QStringLiteral("paymentDate"), text(10)},
                       {QStringLiteral("memo"), text(11)},
                       {QStringLiteral("createdBy"), text(12)},
                       {QStringLiteral("createdAt"), q.value(13).toLongLong()},
                       {QStringLiteral("updatedAt"), q.value(14).isNull() ? QJsonValue() : QJsonValue(q.value(14).toLongLong())},
                       {QStringLiteral("version"), q.value(15).toLongLong()},
                       {QStringLiteral("siteName"), q.value(16).toString()},
                       {QStringLiteral("departmentId"), q.value(17).toString()},
                       {QStringLiteral("accountName"), text(18)},
                       {QStringLiteral("categoryName"), text(19)},
                       {QStringLiteral("currencyName"), text(20)},
                       {QStringLiteral("creatorName"), text(21)}};
}

// Seen through the site's project; who sees only their own sees the bills they recorded.
Permissions::Filter scopeOf(const AuthSession &who)
{
    return Permissions::rowFilter(who.principal, QStringLiteral("s.department_id"), {}, QStringLiteral("b.created_by"));
}

// The first column of the row `sql` finds for `id`, or a 400 naming `field` when there is none.
Result<QString> lookUp(const QSqlDatabase &db, const QString &sql, const QString &id, const QString &field, const QString &noun)
{
    auto q = Sql::run(db, sql, {id}, QStringLiteral("read the %1").arg(noun));
    if (!q)
        return q.error();
    if (!q->next())
        return AppError::field(field, QStringLiteral("no %1 with id %2").arg(noun, id));
    return q->value(0).toString();
}

// The site exists, and who does not see everything writes only bills of their own project's sites.
Result<void> checkSite(const QSqlDatabase &db, const QString &siteId, const AuthSession &who)
{
    auto project = lookUp(db, QStringLiteral("SELECT department_id FROM sites WHERE id = ?"), siteId, QStringLiteral("siteId"),
                          QStringLiteral("site"));
    if (!project)
        return project.error();
    if (who.principal.scope != DataScope::All && *project != who.principal.departmentId)
        return AppError::forbidden(QStringLiteral("you may only keep bills of your own project's sites"));
    return {};
}

// What the audit log keeps of a bill that was recorded or deleted.
QJsonObject auditSummary(const SiteBill &bill)
{
    return QJsonObject{{QStringLiteral("siteId"), bill.siteId},       {QStringLiteral("billType"), bill.billType},
                       {QStringLiteral("amountCents"), bill.amountCents}, {QStringLiteral("currency"), bill.currency},
                       {QStringLiteral("status"), bill.status}};
}

QJsonObject changedFields(const SiteBill &before, const SiteBill &after, qint64 version)
{
    QJsonObject changed;
    auto note = [&changed](const char *name, const QString &was, const QString &now) {
        if (was != now)
            changed.insert(QLatin1String(name), now.isEmpty() ? QJsonValue() : QJsonValue(now));
    };
    note("siteId", before.siteId, after.siteId);
    note("billDate", before.billDate, after.billDate);
    note("billType", before.billType, after.billType);
    note("currency", before.currency, after.currency);
    note("description", before.description, after.description);
    note("accountId", before.accountId, after.accountId);
    note("categoryId", before.categoryId, after.categoryId);
    note("status", before.status, after.status);
    note("paymentDate", before.paymentDate, after.paymentDate);
    note("memo", before.memo, after.memo);
    if (before.amountCents != after.amountCents)
        changed.insert(QStringLiteral("amountCents"), after.amountCents);
    changed.insert(QStringLiteral("version"), version);
    return changed;
}

} // namespace

SiteBillService::SiteBillService(Database &db, AuditTrail &audit, QString timeZone)
    : m_db(db)
    , m_audit(audit)
    , m_timeZone(std::move(timeZone))
{
}

Result<void> SiteBillService::check(const QSqlDatabase &db, SiteBill &bill, const AuthSession &who) const
{
    if (!BusinessDate::isValid(bill.billDate))
        return AppError::field(QStringLiteral("billDate"), QStringLiteral("billDate must be a date, YYYY-MM-DD"));
    if (bill.billType != QLatin1String("income") && bill.billType != QLatin1String("expense"))
        return AppError::field(QStringLiteral("billType"), QStringLiteral("billType must be income or expense"));
    if (bill.amountCents <= 0)
        return AppError::field(QStringLiteral("amountCents"), QStringLiteral("amountCents must be a positive whole number of cents"));
    if (bill.status != QLatin1String("pending") && bill.status != QLatin1String("paid"))
        return AppError::field(QStringLiteral("status"), QStringLiteral("status must be pending or paid"));
    if (bill.status == QLatin1String("paid") && bill.paymentDate.isEmpty())
        bill.paymentDate = BusinessDate::today(m_timeZone);
    if (bill.status == QLatin1String("pending") && !bill.paymentDate.isEmpty())
        return AppError::field(QStringLiteral("paymentDate"), QStringLiteral("a payment date belongs to a paid bill; set status to paid"));
    if (!bill.paymentDate.isEmpty() && !BusinessDate::isValid(bill.paymentDate))
        return AppError::field(QStringLiteral("paymentDate"), QStringLiteral("paymentDate must be a date, YYYY-MM-DD"));

    if (auto ok = checkSite(db, bill.siteId, who); !ok)
        return ok.error();
    if (auto currency = lookUp(db, QStringLiteral("SELECT code FROM currencies WHERE code = ?"), bill.currency, QStringLiteral("currency"),
                               QStringLiteral("currency"));
        !currency)
        return currency.error();
    if (!bill.accountId.isEmpty()) {
        auto currency = lookUp(db, QStringLiteral("SELECT currency FROM accounts WHERE id = ?"), bill.accountId, QStringLiteral("accountId"),
                               QStringLiteral("account"));
        if (!currency)
            return currency.error();
        if (*currency != bill.currency)
            return AppError::field(QStringLiteral("accountId"), QStringLiteral("the account is kept in %1, the bill in %2").arg(*currency, bill.currency));
    }
    if (!bill.categoryId.isEmpty()) {
        auto kind = lookUp(db, QStringLiteral("SELECT kind FROM categories WHERE id = ?"), bill.categoryId, QStringLiteral("categoryId"),
                           QStringLiteral("category"));
        if (!kind)
            return kind.error();
        if (*kind != bill.billType)
            return AppError::field(QStringLiteral("categoryId"), QStringLiteral("an %1 bill needs an %1 category").arg(bill.billType));
    }
    return {};
}

Result<QJsonObject> SiteBillService::create(const SiteBill &input, const AuthSession &who, const QString &ip)
{
    SiteBill bill = input;
    auto tx = Transaction::begin(m_db);
    if (!tx)
        return tx.error();
    const QSqlDatabase &db = tx->db();
    if (auto ok = check(db, bill, who); !ok)
        return ok.error();
    const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    const qint64 now = Clock::nowMs();
    auto q = Sql::run(db, QStringLiteral("INSERT INTO site_bills (id, site_id, bill_date, bill_type, amount_cents, currency, description, "
                                         "account_id, category_id, status, payment_date, memo, created_by, created_at, updated_at) "
                                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                      {id, bill.siteId, bill.billDate, bill.billType, bill.amountCents, bill.currency, Sql::textOrNull(bill.description),
                       Sql::textOrNull(bill.accountId), Sql::textOrNull(bill.categoryId), bill.status, Sql::textOrNull(bill.paymentDate),
                       Sql::textOrNull(bill.memo), who.userId, now, now},
                      QStringLiteral("record the site bill"));
    if (!q)
        return q.error();
    if (auto ok = m_audit.record({who.userId, QStringLiteral("create"), QStringLiteral("site_bill"), id,
                                  auditSummary(bill), ip});
        !ok)
        return ok.error();
    if (auto ok = tx->commit(); !ok)
        return ok.error();
    return find(id, who);
}

Result<QJsonObject> SiteBillService::list(const SiteBillQuery &query, const AuthSession &who)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    ListQuery list(QLatin1String(BillColumns), QLatin1String(BillTables), scopeOf(who));
    list.where(QStringLiteral("b.site_id = ?"), query.siteId)
        .where(QStringLiteral("b.bill_type = ?"), query.billType)
        .where(QStringLiteral("b.status = ?"), query.status)
        .where(QStringLiteral("b.account_id = ?"), query.accountId)
        .where(QStringLiteral("b.category_id = ?"), query.categoryId)
        .where(QStringLiteral("b.bill_date >= ?"), query.from)
        .where(QStringLiteral("b.bill_date <= ?"), query.to);
    return list.run(*db, QStringLiteral("b.bill_date DESC, b.created_at DESC, b.id DESC"), query.page, billJson,
                    QStringLiteral("list site bills"));
}

Result<QJsonObject> SiteBillService::find(const QString &billId, const AuthSession &who)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    const Permissions::Filter scope = scopeOf(who);
    auto q = Sql::run(*db, QStringLiteral("SELECT %1 FROM %2 WHERE b.id = ? AND (%3)").arg(QLatin1String(BillColumns), QLatin1String(BillTables), scope.sql),
                      QVariantList{billId} + scope.values, QStringLiteral("read the site bill"));
    if (!q)
        return q.error();
    if (!q->next())
        return AppError::notFound(QStringLiteral("no site bill with id %1").arg(billId));
    return billJson(*q);
}

Result<SiteBillService::Stored> SiteBillService::load(const QSqlDatabase &db, const QString &billId, std::optional<qint64> expectedVersion,
                                                     const AuthSession &who) const
{
    const Permissions::Filter scope = scopeOf(who);
    auto q = Sql::run(db, QStringLiteral("SELECT b.site_id, b.bill_date, b.bill_type, b.amount_cents, b.currency, b.description, "
                                         "b.account_id, b.category_id, b.status, b.payment_date, b.memo, b.version "
                                         "FROM site_bills b JOIN sites s ON s.id = b.site_id WHERE b.id = ? AND (%1)")
                              .arg(scope.sql),
                      QVariantList{billId} + scope.values, QStringLiteral("read the site bill"));
    if (!q)
        return q.error();
    if (!q->next())
        return AppError::notFound(QStringLiteral("no site bill with id %1").arg(billId));
    Stored stored;
    SiteBill &b = stored.bill;
    b.siteId = q->value(0).toString();
    b.billDate = q->value(1).toString();
    b.billType = q->value(2).toString();
    b.amountCents = q->value(3).toLongLong();
    b.currency = q->value(4).toString();
    b.description = q->value(5).toString();
    b.accountId = q->value(6).toString();
    b.categoryId = q->value(7).toString();
    b.status = q->value(8).toString();
    b.paymentDate = q->value(9).toString();
    b.memo = q->value(10).toString();
    stored.version = q->value(11).toLongLong();
    if (expectedVersion && *expectedVersion != stored.version)
        return AppError::conflict(QStringLiteral("the bill was changed meanwhile (now version %1, you saw version %2); reload it")
                                      .arg(stored.version).arg(*expectedVersion));
    return stored;
}

Result<QJsonObject> SiteBillService::update(const QString &billId, const SiteBillChange &change, const AuthSession &who, const QString &ip)
{
    auto tx = Transaction::begin(m_db);
    if (!tx)
        return tx.error();
    const QSqlDatabase &db = tx->db();
    auto stored = load(db, billId, change.expectedVersion, who);
    if (!stored)
        return stored.error();
    const SiteBill &before = stored->bill;
    SiteBill after = before;
    const std::pair<QString *, const std::optional<QString> *> texts[] = {
        {&after.siteId, &change.siteId},       {&after.billDate, &change.billDate},       {&after.billType, &change.billType},
        {&after.currency, &change.currency},   {&after.description, &change.description}, {&after.accountId, &change.accountId},
        {&after.categoryId, &change.categoryId}, {&after.status, &change.status},         {&after.paymentDate, &change.paymentDate},
        {&after.memo, &change.memo}};
    for (const auto &[field, value] : texts)
        if (*value)
            *field = **value;
    if (change.amountCents)
        after.amountCents = *change.amountCents;
    if (before.status == QLatin1String("paid")) {
        if (after.status != QLatin1String("paid"))
            return AppError::business(QStringLiteral("a paid bill stays paid"));
        if (after.amountCents != before.amountCents || after.currency != before.currency || after.siteId != before.siteId
            || after.billType != before.billType)
            return AppError::business(QStringLiteral("a paid bill keeps its amount, currency, site and type"));
    }
    if (auto ok = check(db, after, who); !ok)
        return ok.error();
    if (after == before)
        return find(billId, who); // nothing differs: no write, no audit row, no new version

    const qint64 now = Clock::nowMs();
    auto q = Sql::run(db, QStringLiteral("UPDATE site_bills SET site_id = ?, bill_date = ?, bill_type = ?, amount_cents = ?, currency = ?, "
                                         "description = ?, account_id = ?, category_id = ?, status = ?, payment_date = ?, memo = ?, "
                                         "updated_at = ?, version = version + 1 WHERE id = ?"),
                      {after.siteId, after.billDate, after.billType, after.amountCents, after.currency, Sql::textOrNull(after.description),
                       Sql::textOrNull(after.accountId), Sql::textOrNull(after.categoryId), after.status, Sql::textOrNull(after.paymentDate),
                       Sql::textOrNull(after.memo), now, billId},
                      QStringLiteral("update the site bill"));
    if (!q)
        return q.error();
    if (auto ok = m_audit.record({who.userId, QStringLiteral("update"), QStringLiteral("site_bill"), billId,
                                  changedFields(before, after, stored->version + 1), ip});
        !ok)
        return ok.error();
    if (auto ok = tx->commit(); !ok)
        return ok.error();
    return find(billId, who);
}

Result<void> SiteBillService::remove(const QString &billId, std::optional<qint64> expectedVersion, const AuthSession &who, const QString &ip)
{
    auto tx = Transaction::begin(m_db);
    if (!tx)
        return tx.error();
    const QSqlDatabase &db = tx->db();
    auto stored = load(db, billId, expectedVersion, who);
    if (!stored)
        return stored.error();
    const SiteBill &bill = stored->bill;
    if (bill.status == QLatin1String("paid"))
        return AppError::business(QStringLiteral("a paid bill cannot be deleted"));
    if (auto ok = checkSite(db, bill.siteId, who); !ok)
        return ok.error();
    auto q = Sql::run(db, QStringLiteral("DELETE FROM site_bills WHERE id = ?"), {billId}, QStringLiteral("delete the site bill"));
    if (!q)
        return q.error();
    if (auto ok = m_audit.record({who.userId, QStringLiteral("delete"), QStringLiteral("site_bill"), billId,
                                  auditSummary(bill), ip});
        !ok)
        return ok.error();
    return tx->commit();
}

} // namespace caiwu
