#pragma once

#include "core/Result.h"
#include "modules/ListPage.h"

#include <QJsonObject>
#include <QSqlDatabase>
#include <QString>

#include <optional>

namespace caiwu {

class AuditTrail;
class Database;
struct AuthSession;

// A bill a site owes or is owed (rent, utilities, a customer's payment), kept until it is paid.
struct SiteBill {
    QString siteId;
    QString billDate;      // YYYY-MM-DD
    QString billType;      // income | expense
    qint64 amountCents = 0;
    QString currency;
    QString description;
    QString accountId;     // optional: the account it is paid from or into, in the bill's currency
    QString categoryId;    // optional: an income or expense category matching billType
    QString status = QStringLiteral("pending");   // pending | paid
    QString paymentDate;   // set when paid (today in the office when not given)
    QString memo;

    bool operator==(const SiteBill &) const = default;
};

// What an edit changes: absent fields stay as they are; "" clears an optional text field.
struct SiteBillChange {
    std::optional<QString> siteId, billDate, billType, currency, description, accountId, categoryId, status, paymentDate, memo;
    std::optional<qint64> amountCents;
    std::optional<qint64> expectedVersion;
};

struct SiteBillQuery {
    QString siteId, billType, status, accountId, categoryId;
    std::optional<QString> from, to;   // bill_date, inclusive
    ListPage page;
};

// Site bills (reference §1.13, without its gaps): every write is checked and audited; the site,
// currency, account and category must exist (an account in the bill's currency, a category of
// the bill's kind); data scope follows the site's project. pending → paid sets the payment date;
// a paid bill stays paid, keeps its amount, currency, site and type, and cannot be deleted.
// Edits and deletes take the version the client saw: a stale one is a 409.
class SiteBillService {
public:
    SiteBillService(Database &db, AuditTrail &audit, QString timeZone);

    // Answers the stored bill as find() shows it.
    Result<QJsonObject> create(const SiteBill &bill, const AuthSession &who, const QString &ip);
    // {results:[…]} newest bill date first (+ total, limit, offset when a page was asked for).
    Result<QJsonObject> list(const SiteBillQuery &query, const AuthSession &who);
    Result<QJsonObject> find(const QString &billId, const AuthSession &who);
    Result<QJsonObject> update(const QString &billId, const SiteBillChange &change, const AuthSession &who, const QString &ip);
    Result<void> remove(const QString &billId, std::optional<qint64> expectedVersion, const AuthSession &who, const QString &ip);

private:
    struct Stored {
        SiteBill bill;
        qint64 version = 0;
    };
    // The bill as stored, if `who` may see it (404 otherwise) and it is still at the version the
    // client saw, when it says (409 otherwise).
    Result<Stored> load(const QSqlDatabase &db, const QString &billId, std::optional<qint64> expectedVersion,
                        const AuthSession &who) const;
    // The rules every stored bill keeps; fills in a paid bill's payment date.
    Result<void> check(const QSqlDatabase &db, SiteBill &bill, const AuthSession &who) const;

    Database &m_db;
    AuditTrail &m_audit;
    QString m_timeZone;
};

} // namespace caiwu
