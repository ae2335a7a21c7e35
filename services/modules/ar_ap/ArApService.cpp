#include "ArApService.h"

#include "auth/AuthSession.h"
#include "core/BusinessDate.h"
#include "core/Clock.h"
#include "modules/DayNumbers.h"
#include "modules/ListQuery.h"
#include "modules/audit/AuditTrail.h"
#include "modules/cash_flows/CashFlowService.h"
#include "storage/Database.h"
#include "storage/Sql.h"
#include "storage/Transaction.h"

#include <QDate>
#include <QDateTime>
#include <QJsonArray>
#include <QTimeZone>
#include <QUuid>

namespace caiwu {

namespace {

const char *const DocColumns =
    "d.id, d.kind, d.doc_no, d.party_id, d.site_id, d.department_id, d.issue_date, d.due_date, d.amount_cents, "
    "d.status, d.memo, d.created_at, d.version, s.name, "
    "(SELECT COALESCE(SUM(st.settle_amount_cents), 0) FROM settlements st WHERE st.doc_id = d.id)";
const char *const DocFrom = "ar_ap_docs d LEFT JOIN sites s ON s.id = d.site_id";

QJsonObject docJson(const QSqlQuery &q)
{
    auto text = [&q](int i) { return q.value(i).isNull() ? QJsonValue() : QJsonValue(q.value(i).toString()); };
    return QJsonObject{{QStringLiteral("id"), q.value(0).toString()},
                       {QStringLiteral("kind"), q.value(1).toString()},
                       {QStringLiteral("docNo"), text(2)},
                       {QStringLiteral("partyId"), text(3)},
                       {QStringLiteral("siteId"), text(4)},
                       {QStringLiteral("departmentId"), text(5)},
                       {QStringLiteral("issueDate"), q.value(6).toString()},
                       {QStringLiteral("dueDate"), text(7)},
                       {QStringLiteral("amountCents"), q.value(8).toLongLong()},
                       {QStringLiteral("status"), q.value(9).toString()},
                       {QStringLiteral("memo"), text(10)},
                       {QStringLiteral("createdAt"), q.value(11).toLongLong()},
                       {QStringLiteral("version"), q.value(12).toInt()},
                       {QStringLiteral("siteName"), text(13)},
                       {QStringLiteral("settledCents"), q.value(14).toLongLong()}};
}



Permissions::Filter scopeOf(const AuthSession &who)
{
    return Permissions::rowFilter(who.principal, QStringLiteral("d.department_id"), {}, {});
}

// open / partially_settled / settled from what has been settled; confirmed stays confirmed.
QString statusFor(qint64 settled, qint64 amount)
{
    return settled <= 0 ? QStringLiteral("open") : settled < amount ? QStringLiteral("partially_settled") : QStringLiteral("settled");
}

} // namespace

ArApService::ArApService(Database &db, AuditTrail &audit, std::shared_ptr<CashFlowService> flows, QString timeZone)
    : m_db(db)
    , m_audit(audit)
    , m_flows(std::move(flows))
    , m_timeZone(std::move(timeZone))
{
}

QString ArApService::today() const
{
    return BusinessDate::today(m_timeZone);
}

Result<ArApService::Created> ArApService::create(const NewDocument &input, const AuthSession &who, const QString &ip)
{
    NewDocument d = input;
    if (d.kind != QLatin1String("AR") && d.kind != QLatin1String("AP"))
        return AppError::field(QStringLiteral("kind"), QStringLiteral("kind must be AR or AP"));
    if (d.issueDate.isEmpty())
        d.issueDate = today();
    if (!BusinessDate::isValid(d.issueDate))
        return AppError::field(QStringLiteral("issueDate"), QStringLiteral("issueDate must be a date, YYYY-MM-DD"));
    if (!d.dueDate.isEmpty() && (!BusinessDate::isValid(d.dueDate) || d.dueDate < d.issueDate))
        return AppError::field(QStringLiteral("dueDate"), QStringLiteral("dueDate must be a date on or after the issue date"));
    if (d.amountCents <= 0)
        return AppError::field(QStringLiteral("amountCents"), QStringLiteral("amountCents must be a positive whole number of cents"));
    if (!d.docNo.isEmpty())
        if (auto bad = DayNumbers::checkManual(QStringLiteral("docNo"), d.docNo, d.kind))
            return *bad;

    auto tx = Transaction::begin(m_db);
    if (!tx)
        return tx.error();
    const QSqlDatabase &db = tx->db();
    if (!d.siteId.isEmpty()) {
        auto site = Sql::run(db, QStringLiteral("SELECT department_id, active FROM sites WHERE id = ?"), {d.siteId},
                             QStringLiteral("read the site"));
        if (!site)
            return site.error();
        if (!site->next())
            return AppError::field(QStringLiteral("siteId"), QStringLiteral("no site with id %1").arg(d.siteId));
        if (site->value(1).toInt() != 1)
            return AppError::field(QStringLiteral("siteId"), QStringLiteral("the site is closed (no longer active)"));
        if (d.departmentId.isEmpty())
            d.departmentId = site->value(0).toString();
    }
    if (!d.departmentId.isEmpty()) {
        auto project = Sql::run(db, QStringLiteral("SELECT 1 FROM departments WHERE id = ?"), {d.departmentId}, QStringLiteral("read the project"));
        if (!project)
            return project.error();
        if (!project->next())
            return AppError::field(QStringLiteral("departmentId"), QStringLiteral("no project with id %1").arg(d.departmentId));
    }
    if (who.principal.scope != DataScope::All && (d.departmentId.isEmpty() || d.departmentId != who.principal.departmentId))
        return AppError::forbidden(QStringLiteral("you may only record documents for your own project"));
    const bool typed = !d.docNo.isEmpty();
    if (!typed) {
        auto no = DayNumbers::take(db, QStringLiteral("ar_ap_docs"), QStringLiteral("doc_no"), d.kind, d.issueDate);
        if (!no)
            return no.error();
        d.docNo = *no;
    }
    const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    const qint64 now = Clock::nowMs();
    auto q = Sql::run(db, QStringLiteral("INSERT INTO ar_ap_docs (id, kind, party_id, site_id, department_id, issue_date, due_date, "
                                         "amount_cents, doc_no, memo, status, created_at, updated_at) "
                                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?)"),
                      {id, d.kind, Sql::textOrNull(d.partyId), Sql::textOrNull(d.siteId), Sql::textOrNull(d.departmentId), d.issueDate,
                       Sql::textOrNull(d.dueDate), d.amountCents, d.docNo, Sql::textOrNull(d.memo), now, now},
                      QStringLiteral("record the document"));
    if (!q)
        return Sql::isUniqueViolation(q.error()) ? AppError::duplicate(QStringLiteral("document number %1 is already used").arg(d.docNo))
                                                 : q.error();
    if (typed)
        if (auto noted = DayNumbers::noteUsed(db, d.kind, d.docNo); !noted)
            return noted.error();
    if (auto ok = m_audit.record({who.userId, QStringLiteral("create"), QStringLiteral("ar_ap_doc"), id,
                                  QJsonObject{{QStringLiteral("kind"), d.kind}, {QStringLiteral("docNo"), d.docNo},
                                              {QStringLiteral("amountCents"), d.amountCents}},
                                  ip});
        !ok)
        return ok.error();
    if (auto ok = tx->commit(); !ok)
        return ok.error();
    return Created{id, d.docNo};
}

Result<QJsonObject> ArApService::list(const QString &kind, const QString &status, const ListPage &page, const AuthSession &who)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    ListQuery list(QLatin1String(DocColumns), QLatin1String(DocFrom), scopeOf(who));
    list.where(QStringLiteral("d.kind = ?"), kind).where(QStringLiteral("d.status = ?"), status);
    return list.run(*db, QStringLiteral("d.issue_date DESC, d.created_at DESC, d.id DESC"), page, docJson,
                    QStringLiteral("list documents"));
}

Result<QJsonObject> ArApService::find(const QString &docId, const AuthSession &who)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    const Permissions::Filter scope = scopeOf(who);
    auto q = Sql::run(*db, QStringLiteral("SELECT %1 FROM %2 WHERE d.id = ? AND (%3)").arg(QLatin1String(DocColumns), QLatin1String(DocFrom), scope.sql),
                      QVariantList{docId} + scope.values, QStringLiteral("read the document"));
    if (!q)
        return q.error();
    if (!q->next())
        return AppError::notFound(QStringLiteral("no document with id %1").arg(docId));
    return docJson(*q);
}

Result<QString> ArApService::settle(const QString &docId, const QString &flowId, qint64 amountCents, const QString &settleDateIn,
                                    const AuthSession &who, const QString &ip)
{
    const QString settleDate = settleDateIn.isEmpty() ? today() : settleDateIn;
    if (!BusinessDate::isValid(settleDate))
        return AppError::field(QStringLiteral("settleDate"), QStringLiteral("settleDate must be a date, YYYY-MM-DD"));
    if (amountCents <= 0)
        return AppError::field(QStringLiteral("settleAmountCents"), QStringLiteral("settleAmountCents must be a positive whole number of cents"));
    auto doc = find(docId, who);
    if (!doc)
        return doc.error();
    auto flow = m_flows->find(flowId, who);
    if (!flow)
        return flow.error().status == 404 ? AppError::field(QStringLiteral("flowId"), QStringLiteral("no cash flow with id %1").arg(flowId))
                                          : flow.error();
    const QString kind = doc->value(QStringLiteral("kind")).toString();
    if (flow->value(QStringLiteral("type")).toString() != (kind == QLatin1String("AR") ? QLatin1String("income") : QLatin1String("expense")))
        return AppError::field(QStringLiteral("flowId"), kind == QLatin1String("AR") ? QStringLiteral("a receivable is settled by an income flow")
                                                                            : QStringLiteral("a payable is settled by an expense flow"));
    if (flow->value(QStringLiteral("isReversal")).toBool() || flow->value(QStringLiteral("isReversed")).toBool())
        return AppError::field(QStringLiteral("flowId"), QStringLiteral("a reversed flow cannot settle a document"));

    auto tx = Transaction::begin(m_db);
    if (!tx)
        return tx.error();
    const QSqlDatabase &db = tx->db();
    // Re-read under the write lock: two settlements at once must not overshoot.
    auto sums = Sql::run(db, QStringLiteral("SELECT d.amount_cents, d.status, "
                                            "(SELECT COALESCE(SUM(settle_amount_cents), 0) FROM settlements WHERE doc_id = d.id), "
                                            "(SELECT COALESCE(SUM(settle_amount_cents), 0) FROM settlements WHERE flow_id = ?) "
                                            "FROM ar_ap_docs d WHERE d.id = ?"),
                         {flowId, docId}, QStringLiteral("read the settlements"));
    if (!sums)
        return sums.error();
    if (!sums->next())
        return AppError::notFound(QStringLiteral("no document with id %1").arg(docId));
    const qint64 amount = sums->value(0).toLongLong();
    const QString status = sums->value(1).toString();
    const qint64 settled = sums->value(2).toLongLong();
    const qint64 flowUsed = sums->value(3).toLongLong();
    sums->finish();
    if (status == QLatin1String("confirmed") || settled >= amount)
        return AppError::conflict(QStringLiteral("the document is already settled"));
    if (settled + amountCents > amount)
        return AppError::field(QStringLiteral("settleAmountCents"), QStringLiteral("only %1 cents are still open on this document").arg(amount - settled));
    if (flowUsed + amountCents > flow->value(QStringLiteral("amountCents")).toInteger())
        return AppError::field(QStringLiteral("settleAmountCents"), QStringLiteral("the flow has only %1 cents left to settle with")
                                                               .arg(flow->value(QStringLiteral("amountCents")).toInteger() - flowUsed));
    const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    const qint64 now = Clock::nowMs();
    if (auto q = Sql::run(db, QStringLiteral("INSERT INTO settlements (id, doc_id, flow_id, settle_amount_cents, settle_date, created_at) "
                                             "VALUES (?, ?, ?, ?, ?, ?)"),
                          {id, docId, flowId, amountCents, settleDate, now}, QStringLiteral("record the settlement"));
        !q)
        return q.error();
    if (auto q = Sql::run(db, QStringLiteral("UPDATE ar_ap_docs SET status = ?, updated_at = ?, version = version + 1 WHERE id = ?"),
                          {statusFor(settled + amountCents, amount), now, docId}, QStringLiteral("update the document"));
        !q)
        return q.error();
    if (auto ok = m_audit.record({who.userId, QStringLiteral("settle"), QStringLiteral("ar_ap_doc"), docId,
                                  QJsonObject{{QStringLiteral("flowId"), flowId}, {QStringLiteral("settleAmountCents"), amountCents}}, ip});
        !ok)
        return ok.error();
    if (auto ok = tx->commit(); !ok)
        return ok.error();
    return id;
}

Result<QJsonObject> ArApService::settlements(const QString &docId, const AuthSession &who)
{
    if (auto doc = find(docId, who); !doc)
        return doc.error();
    auto db = m_db.connection();
    if (!db)
        return db.error();
    auto q = Sql::run(*db, QStringLiteral("SELECT id, doc_id, flow_id, settle_amount_cents, settle_date, created_at FROM settlements "
                                          "WHERE doc_id = ? ORDER BY created_at, id"),
                      {docId}, QStringLiteral("list settlements"));
    if (!q)
        return q.error();
    QJsonArray results;
    while (q->next())
        results.append(QJsonObject{{QStringLiteral("id"), q->value(0).toString()},
                                   {QStringLiteral("docId"), q->value(1).toString()},
                                   {QStringLiteral("flowId"), q->value(2).toString()},
                                   {QStringLiteral("settleAmountCents"), q->value(3).toLongLong()},
                                   {QStringLiteral("settleDate"), q->value(4).isNull() ? QJsonValue() : QJsonValue(q->value(4).toString())},
                                   {QStringLiteral("createdAt"), q->value(5).toLongLong()}});
    return QJsonObject{{QStringLiteral("results"), results}};
}

Result<QJsonObject> ArApService::statement(const QString &docId, const AuthSession &who)
{
    auto doc = find(docId, who);
    if (!doc)
        return doc.error();
    auto list = settlements(docId, who);
    if (!list)
        return list.error();
    const qint64 settled = doc->value(QStringLiteral("settledCents")).toInteger();
    return QJsonObject{{QStringLiteral("doc"), *doc},
                       {QStringLiteral("settlements"), list->value(QStringLiteral("results"))},
                       {QStringLiteral("settledCents"), settled},
                       {QStringLiteral("remainingCents"), doc->value(QStringLiteral("amountCents")).toInteger() - settled}};
}

Result<ArApService::Created> ArApService::confirm(const Confirmation &c, const AuthSession &who, const QString &ip)
{
    auto doc = find(c.docId, who);
    if (!doc)
        return doc.error();
    auto tx = Transaction::begin(m_db);
    if (!tx)
        return tx.error();
    const QSqlDatabase &db = tx->db();
    // Under the write lock: a document is confirmed once, even if two clerks click at once.
    auto state = Sql::run(db, QStringLiteral("SELECT d.amount_cents, d.status, d.kind, d.site_id, d.department_id, d.doc_no, d.party_id, "
                                             "(SELECT COALESCE(SUM(settle_amount_cents), 0) FROM settlements WHERE doc_id = d.id) "
                                             "FROM ar_ap_docs d WHERE d.id = ?"),
                          {c.docId}, QStringLiteral("read the document"));
    if (!state)
        return state.error();
    if (!state->next())
        return AppError::notFound(QStringLiteral("no document with id %1").arg(c.docId));
    const qint64 remaining = state->value(0).toLongLong() - state->value(7).toLongLong();
    if (state->value(1).toString() == QLatin1String("confirmed") || remaining <= 0)
        return AppError::conflict(QStringLiteral("the document is already settled"));
    NewCashFlow flow;
    flow.bizDate = c.bizDate;
    flow.type = state->value(2).toString() == QLatin1String("AR") ? QStringLiteral("income") : QStringLiteral("expense");
    flow.accountId = c.accountId;
    flow.categoryId = c.categoryId;
    flow.amountCents = remaining;
    flow.method = c.method;
    flow.siteId = state->value(3).toString();
    flow.departmentId = state->value(4).toString();
    flow.ownerScope = flow.departmentId.isEmpty() && flow.siteId.isEmpty() ? QStringLiteral("hq") : QString();
    flow.counterparty = state->value(6).toString();
    flow.memo = c.memo.isEmpty() ? QStringLiteral("%1 确认").arg(state->value(5).toString()) : c.memo;
    flow.voucherUrls = c.voucherUrls;
    state->finish();
    auto recorded = m_flows->record(db, flow, who, ip);
    if (!recorded)
        return recorded.error();
    const qint64 now = Clock::nowMs();
    if (auto q = Sql::run(db, QStringLiteral("INSERT INTO settlements (id, doc_id, flow_id, settle_amount_cents, settle_date, created_at) "
                                             "VALUES (?, ?, ?, ?, ?, ?)"),
                          {QUuid::createUuid().toString(QUuid::WithoutBraces), c.docId, recorded->id, remaining, c.bizDate, now},
                          QStringLiteral("record the settlement"));
        !q)
        return q.error();
    auto mark = Sql::run(db, QStringLiteral("UPDATE ar_ap_docs SET status = 'confirmed', updated_at = ?, version = version + 1 "
                                            "WHERE id = ? AND status <> 'confirmed'"),
                         {now, c.docId}, QStringLiteral("confirm the document"));
    if (!mark)
        return mark.error();
    if (mark->numRowsAffected() != 1)
        return AppError::conflict(QStringLiteral("the document is already settled"));
    if (auto ok = m_audit.record({who.userId, QStringLiteral("confirm"), QStringLiteral("ar_ap_doc"), c.docId,
                                  QJsonObject{{QStringLiteral("flowId"), recorded->id}, {QStringLiteral("amountCents"), remaining}}, ip});
        !ok)
        return ok.error();
    if (auto ok = tx->commit(); !ok)
        return ok.error();
    return Created{recorded->id, recorded->voucherNo};
}

} // namespace caiwu
