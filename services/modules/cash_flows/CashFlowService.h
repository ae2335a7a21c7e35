#pragma once

#include "core/Result.h"

#include <QJsonObject>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

namespace caiwu {

class AuditTrail;
class Database;
struct AuthSession;

// What a clerk records: income or expense on one account (reference §1.3).
struct NewCashFlow {
    QString bizDate;        // YYYY-MM-DD
    QString type;           // income | expense
    QString accountId;
    QString categoryId;
    qint64 amountCents = 0; // > 0, whole cents
    QString method;
    QString siteId;
    QString departmentId;
    QString ownerScope;     // "hq" clears the department; "department" or empty keeps it
    QString counterparty;
    QString memo;
    QString voucherNo;      // empty: the next JZYYYYMMDD-NNN
    QStringList voucherUrls;
    bool voucherOptional = false; // rows imported from a spreadsheet come without receipts
};

struct CashFlowQuery {
    std::optional<QString> from, to;  // biz_date range, inclusive
    QString accountId, categoryId, siteId, departmentId, type;
    QString search;                   // voucher number, counterparty or memo
    int limit = 200;
    int offset = 0;
    bool paged = false;               // the client asked for a page: the answer carries total
};

// Cash flows: recorded with a voucher number and a ledger posting in one transaction, never
// edited or deleted — a mistake is corrected by a reversal (红冲), a linked flow of the
// opposite type. Only the voucher list of a flow can be replaced.
class CashFlowService {
public:
    // `voucherExists` says whether a voucher URL names a stored voucher file; `timeZone` is the
    // office's (IANA id), for "today".
    CashFlowService(Database &db, AuditTrail &audit, std::function<bool(const QString &url)> voucherExists,
                    QString timeZone);

    struct Created {
        QString id;
        QString voucherNo;
    };

    Result<QString> nextVoucherNo(const QString &date);
    Result<Created> create(const NewCashFlow &flow, const AuthSession &who, const QString &ip);
    // As create(), inside the caller's open transaction on `db` (an AR/AP confirmation records its
    // flow and its settlement together).
    Result<Created> record(const QSqlDatabase &db, const NewCashFlow &flow, const AuthSession &who, const QString &ip);
    // The reversal is dated `date` (default today in the office) and carries `reason` in its memo.
    Result<Created> reverse(const QString &flowId, const QString &reason, const std::optional<QString> &date,
                            const AuthSession &who, const QString &ip);
    Result<QJsonObject> find(const QString &flowId, const AuthSession &who);
    // {results:[…]} (+ total, limit, offset when paged), newest business date first, within the
    // caller's scope, as JSON text (written directly: it is the most requested large answer).
    Result<QByteArray> list(const CashFlowQuery &query, const AuthSession &who);
    // `version`, when given, is the flow's version the client last read: a stale one is a 409.
    Result<void> replaceVouchers(const QString &flowId, const QStringList &urls, std::optional<qint64> version,
                                 const AuthSession &who, const QString &ip);

private:
    // Each URL names a stored voucher the caller may read (see VoucherLinks::mayAttach); those
    // in `attached` (already on the record) are kept without the second test.
    Result<void> checkVouchers(const QSqlDatabase &db, const QStringList &urls, const AuthSession &who,
                               const QStringList &attached = {}) const;
    Result<Created> insert(const QSqlDatabase &db, NewCashFlow flow, const QString &createdBy, const QString &reversalOf,
                           qint64 now);

    Database &m_db;
    AuditTrail &m_audit;
    std::function<bool(const QString &)> m_voucherExists;
    QString m_timeZone;
};

} // namespace caiwu
