#include "CashFlowService.h"

#include "Ledger.h"
#include "auth/AuthSession.h"
#include "core/BusinessDate.h"
#include "core/Clock.h"
#include "core/JsonWriter.h"
#include "modules/DayNumbers.h"
#include "modules/audit/AuditTrail.h"
#include "modules/vouchers/VoucherLinks.h"
#include "storage/Database.h"
#include "storage/Sql.h"
#include "storage/Transaction.h"

#include <QDate>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimeZone>
#include <QUuid>

namespace caiwu {

namespace {

const QString VoucherPrefix = QStringLiteral("JZ");

const char *const FlowColumns =
    "f.id, f.voucher_no, f.biz_date, f.type, f.account_id, f.category_id, f.method, f.amount_cents, f.site_id, "
    "f.department_id, f.counterparty, f.memo, f.voucher_url, f.created_by, f.created_at, a.name, c.name, "
    "f.is_reversal, f.reversal_of_flow_id, f.is_reversed, f.reversed_by_flow_id, f.version, s.name, a.currency";
const char *const FlowJoins =
    "FROM cash_flows f JOIN accounts a ON a.id = f.account_id LEFT JOIN categories c ON c.id = f.category_id "
    "LEFT JOIN sites s ON s.id = f.site_id";

// voucher_url holds a JSON array, or one bare URL in older rows.
QStringList urlsOf(const QString &stored)
{
    if (stored.isEmpty())
        return {};
    const QJsonDocument doc = QJsonDocument::fromJson(stored.toUtf8());
    if (!doc.isArray())
        return {stored};
    QStringList urls;
    for (const QJsonValue &v : doc.array())
        if (v.isString())
            urls << v.toString();
    return urls;
}

// The same fields as flowJson, straight into the answer's text.
void writeFlow(JsonWriter &out, const QSqlQuery &q)
{
    const QStringList urls = urlsOf(q.value(12).toString());
    out.beginObject();
    out.key("id").value(q.value(0)).key("voucherNo").value(q.value(1)).key("bizDate").value(q.value(2));
    out.key("type").value(q.value(3)).key("accountId").value(q.value(4)).key("categoryId").value(q.value(5));
    out.key("method").value(q.value(6)).key("amountCents").integer(q.value(7).toLongLong());
    out.key("siteId").value(q.value(8)).key("departmentId").value(q.value(9));
    out.key("counterparty").value(q.value(10)).key("memo").value(q.value(11));
    out.key("voucherUrls").beginArray();
    for (const QString &url : urls)
        out.string(url);
    out.endArray();
    out.key("voucherUrl");
    if (urls.isEmpty())
        out.null();
    else
        out.string(urls.first());
    out.key("createdBy").value(q.value(13)).key("createdAt").integer(q.value(14).toLongLong());
    out.key("accountName").value(q.value(15)).key("categoryName").value(q.value(16));
    out.key("isReversal").boolean(q.value(17).toInt() == 1).key("reversalOfFlowId").value(q.value(18));
    out.key("isReversed").boolean(q.value(19).toInt() == 1).key("reversedByFlowId").value(q.value(20));
    out.key("version").integer(q.value(21).toInt()).key("siteName").value(q.value(22)).key("currency").value(q.value(23));
    out.endObject();
}

QJsonObject flowJson(const QSqlQuery &q)
{
    const QStringList urls = urlsOf(q.value(12).toString());
    auto text = [&q](int i) { return q.value(i).isNull() ? QJsonValue() : QJsonValue(q.value(i).toString()); };
    return QJsonObject{{QStringLiteral("id"), q.value(0).toString()},
                       {QStringLiteral("voucherNo"), text(1)},
                       {QStringLiteral("bizDate"), q.value(2).toString()},
                       {QStringLiteral("type"), q.value(3).toString()},
                       {QStringLiteral("accountId"), q.value(4).toString()},
                       {QStringLiteral("categoryId"), text(5)},
                       {QStringLiteral("method"), text(6)},
                       {QStringLiteral("amountCents"), q.value(7).toLongLong()},
                       {QStringLiteral("siteId"), text(8)},
                       {QStringLiteral("departmentId"), text(9)},
                       {QStringLiteral("counterparty"), text(10)},
                       {QStringLiteral("memo"), text(11)},
                       {QStringLiteral("voucherUrls"), QJsonArray::fromStringList(urls)},
                       {QStringLiteral("voucherUrl"), urls.isEmpty() ? QJsonValue() : QJsonValue(urls.first())},
                       {QStringLiteral("createdBy"), text(13)},
                       {QStringLiteral("createdAt"), q.value(14).toLongLong()},
                       {QStringLiteral("accountName"), q.value(15).toString()},
                       {QStringLiteral("categoryName"), text(16)},
                       {QStringLiteral("isReversal"), q.value(17).toInt() == 1},
                       {QStringLiteral("reversalOfFlowId"), text(18)},
                       {QStringLiteral("isReversed"), q.value(19).toInt() == 1},
                       {QStringLiteral("reversedByFlowId"), text(20)},
                       {QStringLiteral("version"), q.value(21).toInt()},
                       {QStringLiteral("siteName"), text(22)},
                       {QStringLiteral("currency"), q.value(23).toString()}};
}



} // namespace

CashFlowService::CashFlowService(Database &db, AuditTrail &audit, std::function<bool(const QString &url)> voucherExists,
                                 QString timeZone)
    : m_db(db)
    , m_audit(audit)
    , m_voucherExists(std::move(voucherExists))
    , m_timeZone(std::move(timeZone))
{
}

Result<QString> CashFlowService::nextVoucherNo(const QString &date)
{
    if (!BusinessDate::isValid(date))
        return AppError::field(QStringLiteral("date"), QStringLiteral("date must be YYYY-MM-DD"));
    auto db = m_db.connection();
    if (!db)
        return db.error();
    return DayNumbers::peek(*db, QStringLiteral("cash_flows"), QStringLiteral("voucher_no"), VoucherPrefix, date);
}

Result<void> CashFlowService::checkVouchers(const QSqlDatabase &db, const QStringList &urls, const AuthSession &who,
                                            const QStringList &attached) const
{
    for (qsizetype i = 0; i < urls.size(); ++i) {
        bool usable = m_voucherExists(urls[i]);
        if (usable && !attached.contains(urls[i])) {
            auto readable = VoucherLinks::mayAttach(db, urls[i], who);
            if (!readable)
                return readable.error();
            usable = *readable;
        }
        // Someone else's file is refused in the same words as a missing one: the answer must not
        // tell whether a file with that hash exists.
        if (!usable)
            return AppError::field(QStringLiteral("voucherUrls[%1]").arg(i),
                                   QStringLiteral("voucherUrls[%1] does not name a voucher you uploaded; upload it first").arg(i));
    }
    return {};
}

Result<CashFlowService::Created> CashFlowService::insert(const QSqlDatabase &db, NewCashFlow f, const QString &createdBy,
                                                         const QString &reversalOf, qint64 now)
{
    // The account and what the flow points at must exist (and the account be in use).
    auto account = Sql::run(db, QStringLiteral("SELECT active FROM accounts WHERE id = ?"), {f.accountId},
                            QStringLiteral("read the account"));
    if (!account)
        return account.error();
    if (!account->next())
        return AppError::field(QStringLiteral("accountId"), QStringLiteral("no account with id %1").arg(f.accountId));
    if (account->value(0).toInt() != 1 && reversalOf.isEmpty())
        return AppError::field(QStringLiteral("accountId"), QStringLiteral("the account is not active"));
    account->finish();
    if (!f.categoryId.isEmpty()) {
        auto category = Sql::run(db, QStringLiteral("SELECT kind, active FROM categories WHERE id = ?"), {f.categoryId},
                                 QStringLiteral("read the category"));
        if (!category)
            return category.error();
        if (!category->next())
            return AppError::field(QStringLiteral("categoryId"), QStringLiteral("no category with id %1").arg(f.categoryId));
        // As for accounts: retired master data takes no new flows, but a reversal still undoes an old one.
        if (category->value(1).toInt() != 1 && reversalOf.isEmpty())
            return AppError::field(QStringLiteral("categoryId"), QStringLiteral("the category is no longer in use"));
        if (category->value(0).toString() != f.type && reversalOf.isEmpty())
            return AppError::field(QStringLiteral("categoryId"), QStringLiteral("the category is for %1, not %2")
                                                             .arg(category->value(0).toString(), f.type));
    }
    if (!f.siteId.isEmpty()) {
        auto site = Sql::run(db, QStringLiteral("SELECT department_id, active FROM sites WHERE id = ?"), {f.siteId},
                             QStringLiteral("read the site"));
        if (!site)
            return site.error();
        if (!site->next())
            return AppError::field(QStringLiteral("siteId"), QStringLiteral("no site with id %1").arg(f.siteId));
        if (site->value(1).toInt() != 1 && reversalOf.isEmpty())
            return AppError::field(QStringLiteral("siteId"), QStringLiteral("the site is closed (no longer active)"));
        if (f.departmentId.isEmpty())
            f.departmentId = site->value(0).toString(); // a site belongs to one project
    }
    if (f.ownerScope == QLatin1String("hq"))
        f.departmentId.clear();
    if (!f.departmentId.isEmpty()) {
        auto department = Sql::run(db, QStringLiteral("SELECT 1 FROM departments WHERE id = ?"), {f.departmentId},
                                   QStringLiteral("read the project"));
        if (!department)
            return department.error();
        if (!department->next())
            return AppError::field(QStringLiteral("departmentId"), QStringLiteral("no project with id %1").arg(f.departmentId));
    }
    const bool typed = !f.voucherNo.isEmpty();
    if (!typed) {
        auto no = DayNumbers::take(db, QStringLiteral("cash_flows"), QStringLiteral("voucher_no"), VoucherPrefix, f.bizDate);
        if (!no)
            return no.error();
        f.voucherNo = *no;
    }
    const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    auto q = Sql::run(db, QStringLiteral(
        "INSERT INTO cash_flows (id, voucher_no, biz_date, type, account_id, category_id, method, amount_cents, site_id, "
        "department_id, counterparty, memo, voucher_url, created_by, created_at, is_reversal, reversal_of_flow_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        {id, f.voucherNo, f.bizDate, f.type, f.accountId, Sql::textOrNull(f.categoryId), Sql::textOrNull(f.method), f.amountCents,
         Sql::textOrNull(f.siteId), Sql::textOrNull(f.departmentId), Sql::textOrNull(f.counterparty), Sql::textOrNull(f.memo),
         f.voucherUrls.isEmpty() ? QVariant(QMetaType::fromType<QString>())
                                 : QVariant(QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(f.voucherUrls)).toJson(QJsonDocument::Compact))),
         Sql::textOrNull(createdBy), now, reversalOf.isEmpty() ? 0 : 1, Sql::textOrNull(reversalOf)},
        QStringLiteral("record the cash flow"));
    if (!q) {
        if (Sql::isUniqueViolation(q.error())) {
            AppError taken = AppError::duplicate(QStringLiteral("voucher number %1 is already used").arg(f.voucherNo));
            taken.details.insert(QStringLiteral("path"), QStringLiteral("voucherNo"));
            return taken;
        }
        return q.error();
    }
    if (typed)
        if (auto noted = DayNumbers::noteUsed(db, VoucherPrefix, f.voucherNo); !noted)
            return noted.error();
    if (auto linked = VoucherLinks::replace(db, QStringLiteral("cash_flow"), id, f.voucherUrls); !linked)
        return linked.error();
    auto posted = Ledger::post(db, {f.accountId, id, f.bizDate,
                                    f.type == QLatin1String("income") ? Ledger::Kind::Income : Ledger::Kind::Expense,
                                    f.amountCents, now});
    if (!posted)
        return posted.error();
    return Created{id, f.voucherNo};
}

Result<CashFlowService::Created> CashFlowService::create(const NewCashFlow &flow, const AuthSession &who, const QString &ip)
{
    auto tx = Transaction::begin(m_db);
    if (!tx)
        return tx.error();
    auto created = record(tx->db(), flow, who, ip);
    if (!created)
        return created.error();
    if (auto ok = tx->commit(); !ok)
        return ok.error();
    return created;
}

Result<CashFlowService::Created> CashFlowService::record(const QSqlDatabase &db, const NewCashFlow &f, const AuthSession &who,
                                                         const QString &ip)
{
    if (!BusinessDate::isValid(f.bizDate))
        return AppError::field(QStringLiteral("bizDate"), QStringLiteral("bizDate must be a date, YYYY-MM-DD"));
    if (f.type != QLatin1String("income") && f.type != QLatin1String("expense"))
        return AppError::field(QStringLiteral("type"), QStringLiteral("type must be income or expense"));
    if (f.amountCents <= 0)
        return AppError::field(QStringLiteral("amountCents"), QStringLiteral("amountCents must be a positive whole number of cents"));
    if (!f.ownerScope.isEmpty() && f.ownerScope != QLatin1String("hq") && f.ownerScope != QLatin1String("department"))
        return AppError::field(QStringLiteral("ownerScope"), QStringLiteral("ownerScope must be hq or department"));
    if (!f.voucherNo.isEmpty())
        if (auto bad = DayNumbers::checkManual(QStringLiteral("voucherNo"), f.voucherNo, VoucherPrefix))
            return *bad;
    if (f.voucherUrls.isEmpty() && !f.voucherOptional)
        return AppError::field(QStringLiteral("voucherUrls"), QStringLiteral("attach at least one voucher"));
    if (auto ok = checkVouchers(db, f.voucherUrls, who); !ok)
        return ok.error();

    const qint64 now = Clock::nowMs();
    auto created = insert(db, f, who.userId, {}, now);
    if (!created)
        return created.error();
    // A project-scoped clerk books for their own project only (the project may come from the
    // site); the caller's transaction is rolled back otherwise.
    if (who.principal.scope == DataScope::Project) {
        auto dept = Sql::run(db, QStringLiteral("SELECT department_id FROM cash_flows WHERE id = ?"), {created->id},
                             QStringLiteral("read the cash flow"));
        if (!dept)
            return dept.error();
        if (!dept->next() || dept->value(0).toString() != who.principal.departmentId || who.principal.departmentId.isEmpty())
            return AppError::forbidden(QStringLiteral("you may only record flows for your own project"));
    }
    if (auto ok = m_audit.record({who.userId, QStringLiteral("create"), QStringLiteral("cash_flow"), created->id,
                                  QJsonObject{{QStringLiteral("voucherNo"), created->voucherNo},
                                              {QStringLiteral("type"), f.type},
                                              {QStringLiteral("amountCents"), f.amountCents},
                                              {QStringLiteral("accountId"), f.accountId}},
                                  ip});
        !ok)
        return ok.error();
    return created;
}

Result<QJsonObject> CashFlowService::find(const QString &flowId, const AuthSession &who)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    const Permissions::Filter scope = Permissions::rowFilter(who.principal, QStringLiteral("f.department_id"), {},
                                                             QStringLiteral("f.created_by"));
    auto q = Sql::run(*db, QStringLiteral("SELECT %1 %2 WHERE f.id = ? AND (%3)").arg(QLatin1String(FlowColumns), QLatin1String(FlowJoins), scope.sql),
                      QVariantList{flowId} + scope.values, QStringLiteral("read the cash flow"));
    if (!q)
        return q.error();
    if (!q->next())
        return AppError::notFound(QStringLiteral("no cash flow with id %1").arg(flowId));
    return flowJson(*q);
}

Result<QByteArray> CashFlowService::list(const CashFlowQuery &query, const AuthSession &who)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    const Permissions::Filter scope = Permissions::rowFilter(who.principal, QStringLiteral("f.department_id"), {},
                                                             QStringLiteral("f.created_by"));
    QString where = QStringLiteral("(%1)").arg(scope.sql);
    QVariantList values = scope.values;
    auto add = [&](const QString &condition, const QVariant &value) {
        where += QStringLiteral(" AND ") + condition;
        values << value;
    };
    if (query.from)
        add(QStringLiteral("f.biz_date >= ?"), *query.from);
    if (query.to)
        add(QStringLiteral("f.biz_date <= ?"), *query.to);
    if (!query.accountId.isEmpty())
        add(QStringLiteral("f.account_id = ?"), query.accountId);
    if (!query.categoryId.isEmpty())
        add(QStringLiteral("f.category_id = ?"), query.categoryId);
    if (!query.siteId.isEmpty())
        add(QStringLiteral("f.site_id = ?"), query.siteId);
    if (!query.departmentId.isEmpty())
        add(QStringLiteral("f.department_id = ?"), query.departmentId);
    if (!query.type.isEmpty())
        add(QStringLiteral("f.type = ?"), query.type);
    if (!query.search.isEmpty()) {
        QString pattern = query.search;
        pattern.replace(QLatin1Char('\\'), QStringLiteral("\\\\")).replace(QLatin1Char('%'), QStringLiteral("\\%")).replace(QLatin1Char('_'), QStringLiteral("\\_"));
        pattern = QLatin1Char('%') + pattern + QLatin1Char('%');
        where += QStringLiteral(" AND (f.voucher_no LIKE ? ESCAPE '\\' OR f.counterparty LIKE ? ESCAPE '\\' OR f.memo LIKE ? ESCAPE '\\')");
        values << pattern << pattern << pattern;
    }
    // The page is chosen on cash_flows alone (its date index), then joined to the names: joining
    // first let the planner start from a small table and sort every flow.
    auto q = Sql::run(*db, QStringLiteral("SELECT %1 FROM (SELECT * FROM cash_flows f WHERE %3 "
                                          "ORDER BY f.biz_date DESC, f.created_at DESC, f.id DESC LIMIT ? OFFSET ?) f %2 "
                                          "ORDER BY f.biz_date DESC, f.created_at DESC, f.id DESC")
                               .arg(QLatin1String(FlowColumns), QString::fromLatin1(FlowJoins).mid(int(qstrlen("FROM cash_flows f "))), where),
                      values + QVariantList{query.limit, query.offset}, QStringLiteral("list cash flows"));
    if (!q)
        return q.error();
    JsonWriter out(query.limit * 640);
    out.beginObject().key("results").beginArray();
    while (q->next())
        writeFlow(out, *q);
    out.endArray();
    if (query.paged) {
        auto total = Sql::run(*db, QStringLiteral("SELECT count(*) FROM cash_flows f WHERE %1").arg(where), values,
                              QStringLiteral("count cash flows"));
        if (!total)
            return total.error();
        out.key("total").integer(total->next() ? total->value(0).toLongLong() : 0);
        out.key("limit").integer(query.limit).key("offset").integer(query.offset);
    }
    out.endObject();
    return out.take();
}

Result<CashFlowService::Created> CashFlowService::reverse(const QString &flowId, const QString &reason,
                                                          const std::optional<QString> &date, const AuthSession &who,
                                                          const QString &ip)
{
    const QString day = date.value_or(BusinessDate::today(m_timeZone));
    if (!BusinessDate::isValid(day))
        return AppError::field(QStringLiteral("date"), QStringLiteral("date must be YYYY-MM-DD"));
    // The write lock first, then the look: two clerks reversing at once queue here, and the
    // second sees the first one's reversal (find() reads on this thread's connection, inside
    // the transaction) instead of colliding with it on an index.
    auto tx = Transaction::begin(m_db);
    if (!tx)
        return tx.error();
    const QSqlDatabase &db = tx->db();
    auto original = find(flowId, who); // within the caller's scope, or 404
    if (!original)
        return original.error();
    if (original->value(QStringLiteral("isReversal")).toBool())
        return AppError::business(QStringLiteral("a reversal cannot itself be reversed"));
    if (original->value(QStringLiteral("isReversed")).toBool())
        return AppError::conflict(QStringLiteral("this flow has already been reversed"));
    // Money that settled a receivable or payable cannot vanish under it: the document would
    // stay settled with nothing behind it.
    auto settles = Sql::run(db, QStringLiteral("SELECT d.doc_no FROM settlements s JOIN ar_ap_docs d ON d.id = s.doc_id "
                                               "WHERE s.flow_id = ? LIMIT 1"),
                            {flowId}, QStringLiteral("look up settlements"));
    if (!settles)
        return settles.error();
    if (settles->next())
        return AppError::business(QStringLiteral("这笔流水已用于核销单据 %1，不能红冲").arg(settles->value(0).toString()));
    settles->finish();
    NewCashFlow r;
    r.bizDate = day;
    r.type = original->value(QStringLiteral("type")).toString() == QLatin1String("income") ? QStringLiteral("expense")
                                                                                           : QStringLiteral("income");
    r.accountId = original->value(QStringLiteral("accountId")).toString();
    r.categoryId = original->value(QStringLiteral("categoryId")).toString();
    r.amountCents = original->value(QStringLiteral("amountCents")).toInteger();
    r.method = original->value(QStringLiteral("method")).toString();
    r.siteId = original->value(QStringLiteral("siteId")).toString();
    r.departmentId = original->value(QStringLiteral("departmentId")).toString();
    r.ownerScope = r.departmentId.isEmpty() ? QStringLiteral("hq") : QString();
    r.counterparty = original->value(QStringLiteral("counterparty")).toString();
    r.memo = QStringLiteral("红冲 %1%2").arg(original->value(QStringLiteral("voucherNo")).toString(),
                                             reason.isEmpty() ? QString() : QStringLiteral("：") + reason);
    for (const QJsonValue &v : original->value(QStringLiteral("voucherUrls")).toArray())
        r.voucherUrls << v.toString();
    const qint64 now = Clock::nowMs();
    auto created = insert(db, r, who.userId, flowId, now);
    if (!created)
        return created.error();
    // Marked in the same transaction, and only if nobody reversed it meanwhile.
    auto mark = Sql::run(db, QStringLiteral("UPDATE cash_flows SET is_reversed = 1, reversed_by_flow_id = ?, version = version + 1 "
                                             "WHERE id = ? AND is_reversed = 0"),
                         {created->id, flowId}, QStringLiteral("mark the flow reversed"));
    if (!mark)
        return Sql::isUniqueViolation(mark.error()) ? AppError::conflict(QStringLiteral("this flow has already been reversed")) : mark.error();
    if (mark->numRowsAffected() != 1)
        return AppError::conflict(QStringLiteral("this flow has already been reversed"));
    if (auto ok = m_audit.record({who.userId, QStringLiteral("reverse"), QStringLiteral("cash_flow"), flowId,
                                  QJsonObject{{QStringLiteral("reversalId"), created->id},
                                              {QStringLiteral("voucherNo"), created->voucherNo},
                                              {QStringLiteral("reason"), reason}},
                                  ip});
        !ok)
        return ok.error();
    if (auto ok = tx->commit(); !ok)
        return ok.error();
    return created;
}

Result<void> CashFlowService::replaceVouchers(const QString &flowId, const QStringList &urls, std::optional<qint64> version,
                                              const AuthSession &who, const QString &ip)
{
    if (urls.isEmpty())
        return AppError::field(QStringLiteral("voucherUrls"), QStringLiteral("attach at least one voucher"));
    auto tx = Transaction::begin(m_db); // find() below reads inside it, on this thread's connection
    if (!tx)
        return tx.error();
    const QSqlDatabase &db = tx->db();
    auto original = find(flowId, who);
    if (!original)
        return original.error();
    if (version && *version != original->value(QStringLiteral("version")).toInteger())
        return AppError::conflict(QStringLiteral("the flow was changed meanwhile (it is at version %1, you sent %2); reload it and try again")
                                      .arg(original->value(QStringLiteral("version")).toInteger()).arg(*version));
    QStringList attached;
    for (const QJsonValue &v : original->value(QStringLiteral("voucherUrls")).toArray())
        attached << v.toString();
    if (auto ok = checkVouchers(db, urls, who, attached); !ok)
        return ok.error();
    const QString json = QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(urls)).toJson(QJsonDocument::Compact));
    auto q = Sql::run(db, QStringLiteral("UPDATE cash_flows SET voucher_url = ?, version = version + 1 WHERE id = ?"),
                      {json, flowId}, QStringLiteral("replace the vouchers"));
    if (!q)
        return q.error();
    if (auto linked = VoucherLinks::replace(db, QStringLiteral("cash_flow"), flowId, urls); !linked)
        return linked.error();
    if (auto ok = m_audit.record({who.userId, QStringLiteral("update"), QStringLiteral("cash_flow"), flowId,
                                  QJsonObject{{QStringLiteral("from"), original->value(QStringLiteral("voucherUrls"))},
                                              {QStringLiteral("to"), QJsonArray::fromStringList(urls)}},
                                  ip});
        !ok)
        return ok.error();
    return tx->commit();
}

} // namespace caiwu
