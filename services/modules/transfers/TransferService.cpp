#include "TransferService.h"

#include "auth/AuthSession.h"
#include "core/BusinessDate.h"
#include "core/Clock.h"
#include "modules/ListQuery.h"
#include "modules/audit/AuditTrail.h"
#include "modules/cash_flows/Ledger.h"
#include "modules/vouchers/VoucherLinks.h"
#include "storage/Database.h"
#include "storage/Sql.h"
#include "storage/Transaction.h"

#include <QDate>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QRegularExpression>
#include <QUuid>

#include <cmath>

namespace caiwu {

namespace {

const char *const TransferColumns =
    "t.id, t.transfer_date, t.from_account_id, t.to_account_id, t.from_currency, t.to_currency, "
    "t.from_amount_cents, t.to_amount_cents, t.exchange_rate, t.memo, t.voucher_url, t.created_by, t.created_at, "
    "fa.name, fa.currency, ta.name, ta.currency";
const char *const TransferFrom =
    "account_transfers t JOIN accounts fa ON fa.id = t.from_account_id JOIN accounts ta ON ta.id = t.to_account_id";

QJsonObject transferJson(const QSqlQuery &q)
{
    auto text = [&q](int i) { return q.value(i).isNull() ? QJsonValue() : QJsonValue(q.value(i).toString()); };
    QJsonValue vouchers;
    const QString stored = q.value(10).toString();
    const QJsonDocument doc = QJsonDocument::fromJson(stored.toUtf8());
    QJsonArray urls = doc.isArray() ? doc.array() : (stored.isEmpty() ? QJsonArray() : QJsonArray{stored});
    return QJsonObject{{QStringLiteral("id"), q.value(0).toString()},
                       {QStringLiteral("transferDate"), q.value(1).toString()},
                       {QStringLiteral("fromAccountId"), q.value(2).toString()},
                       {QStringLiteral("toAccountId"), q.value(3).toString()},
                       {QStringLiteral("fromCurrency"), q.value(4).toString()},
                       {QStringLiteral("toCurrency"), q.value(5).toString()},
                       {QStringLiteral("fromAmountCents"), q.value(6).toLongLong()},
                       {QStringLiteral("toAmountCents"), q.value(7).toLongLong()},
                       {QStringLiteral("exchangeRate"), q.value(8).isNull() ? QJsonValue() : QJsonValue(q.value(8).toDouble())},
                       {QStringLiteral("memo"), text(9)},
                       {QStringLiteral("voucherUrls"), urls},
                       {QStringLiteral("voucherUrl"), urls.isEmpty() ? QJsonValue() : urls.first()},
                       {QStringLiteral("createdBy"), text(11)},
                       {QStringLiteral("createdAt"), q.value(12).toLongLong()},
                       {QStringLiteral("fromAccountName"), q.value(13).toString()},
                       {QStringLiteral("fromAccountCurrency"), q.value(14).toString()},
                       {QStringLiteral("toAccountName"), q.value(15).toString()},
                       {QStringLiteral("toAccountCurrency"), q.value(16).toString()}};
}


__int128 powerOfTen(int exponent)
{
    __int128 p = 1;
    while (exponent-- > 0)
        p *= 10;
    return p;
}

// Whether `toCents` is `fromCents` × `rate` to the cent — less than one cent apart, as a
// bank's rounding leaves it. Computed exactly in integers on the rate as the client wrote it
// (its shortest decimal form), because in floating point any tolerance either refuses
// exact amounts or, on large ones, lets whole yuan slip through.
bool agreesToTheCent(qint64 fromCents, qint64 toCents, double rate)
{
    const QString text = QString::number(rate, 'f', QLocale::FloatingPointShortest);
    const qsizetype point = text.indexOf(QLatin1Char('.'));
    const int scale = point < 0 ? 0 : int(text.size() - point - 1);
    bool ok = false;
    const qulonglong digits = (point < 0 ? text : text.left(point) + text.mid(point + 1)).toULongLong(&ok);
    // A rate beyond 19 digits or 18 decimals cannot turn a booked amount into another one.
    if (!ok || scale > 18)
        return false;
    const __int128 unit = powerOfTen(scale);               // one cent, at the rate's scale
    const __int128 exact = __int128(fromCents) * __int128(digits);
    const __int128 booked = __int128(toCents) * unit;
    return (exact > booked ? exact - booked : booked - exact) < unit;
}

} // namespace

Result<QString> TransferService::create(const NewTransfer &t, const AuthSession &who, const QString &ip)
{
    if (!BusinessDate::isValid(t.transferDate))
        return AppError::field(QStringLiteral("transferDate"), QStringLiteral("transferDate must be a date, YYYY-MM-DD"));
    if (t.fromAccountId == t.toAccountId)
        return AppError::field(QStringLiteral("toAccountId"), QStringLiteral("a transfer needs two different accounts"));
    if (t.fromAmountCents <= 0 || t.toAmountCents <= 0)
        return AppError::field(QStringLiteral("fromAmountCents"), QStringLiteral("both amounts must be positive whole numbers of cents"));

    auto tx = Transaction::begin(m_db);
    if (!tx)
        return tx.error();
    const QSqlDatabase &db = tx->db();
    auto accounts = Sql::run(db, QStringLiteral("SELECT id, currency, active FROM accounts WHERE id IN (?, ?)"),
                             {t.fromAccountId, t.toAccountId}, QStringLiteral("read the accounts"));
    if (!accounts)
        return accounts.error();
    QString fromCurrency, toCurrency;
    while (accounts->next()) {
        if (accounts->value(2).toInt() != 1)
            return AppError::field(accounts->value(0).toString() == t.fromAccountId ? QStringLiteral("fromAccountId") : QStringLiteral("toAccountId"),
                           QStringLiteral("the account is not active"));
        (accounts->value(0).toString() == t.fromAccountId ? fromCurrency : toCurrency) = accounts->value(1).toString();
    }
    accounts->finish();
    if (fromCurrency.isEmpty())
        return AppError::field(QStringLiteral("fromAccountId"), QStringLiteral("no account with id %1").arg(t.fromAccountId));
    if (toCurrency.isEmpty())
        return AppError::field(QStringLiteral("toAccountId"), QStringLiteral("no account with id %1").arg(t.toAccountId));
    if (fromCurrency == toCurrency && t.fromAmountCents != t.toAmountCents)
        return AppError::field(QStringLiteral("toAmountCents"), QStringLiteral("both accounts are in %1: the amounts must be equal").arg(fromCurrency));
    if (t.exchangeRate) {
        if (!(*t.exchangeRate > 0) || !std::isfinite(*t.exchangeRate))
            return AppError::field(QStringLiteral("exchangeRate"), QStringLiteral("exchangeRate must be a positive number"));
        // The rate is what the bank applied; the booked amounts may differ from it by rounding only.
        if (!agreesToTheCent(t.fromAmountCents, t.toAmountCents, *t.exchangeRate))
            return AppError::field(QStringLiteral("toAmountCents"),
                           QStringLiteral("toAmountCents %1 does not match fromAmountCents × exchangeRate (about %2); "
                                          "give the amount the bank booked and the rate it applied")
                               .arg(t.toAmountCents).arg(QString::number(double(t.fromAmountCents) * *t.exchangeRate, 'f', 2)));
    }
    for (const QString &url : t.voucherUrls) {
        auto readable = VoucherLinks::mayAttach(db, url, who);
        if (!readable)
            return readable.error();
        if (!*readable) // in the words of a missing file: the answer must not tell whether it exists
            return AppError::field(QStringLiteral("voucherUrl"), QStringLiteral("voucherUrl does not name a voucher you uploaded; upload it first"));
    }
    const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    const qint64 now = Clock::nowMs();
    auto q = Sql::run(db, QStringLiteral("INSERT INTO account_transfers (id, transfer_date, from_account_id, to_account_id, "
                                          "from_currency, to_currency, from_amount_cents, to_amount_cents, exchange_rate, memo, "
                                          "voucher_url, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                      {id, t.transferDate, t.fromAccountId, t.toAccountId, fromCurrency, toCurrency, t.fromAmountCents,
                       t.toAmountCents, t.exchangeRate ? QVariant(*t.exchangeRate) : QVariant(QMetaType::fromType<double>()),
                       Sql::textOrNull(t.memo),
                       t.voucherUrls.isEmpty() ? QVariant(QMetaType::fromType<QString>())
                                               : QVariant(QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(t.voucherUrls)).toJson(QJsonDocument::Compact))),
                       who.userId, now},
                      QStringLiteral("record the transfer"));
    if (!q)
        return q.error();
    if (auto linked = VoucherLinks::replace(db, QStringLiteral("account_transfer"), id, t.voucherUrls); !linked)
        return linked.error();
    if (auto out = Ledger::post(db, {t.fromAccountId, id, t.transferDate, Ledger::Kind::TransferOut, t.fromAmountCents, now}); !out)
        return out.error();
    if (auto in = Ledger::post(db, {t.toAccountId, id, t.transferDate, Ledger::Kind::TransferIn, t.toAmountCents, now}); !in)
        return in.error();
    if (auto ok = m_audit.record({who.userId, QStringLiteral("create"), QStringLiteral("account_transfer"), id,
                                  QJsonObject{{QStringLiteral("fromAccountId"), t.fromAccountId},
                                              {QStringLiteral("toAccountId"), t.toAccountId},
                                              {QStringLiteral("fromAmountCents"), t.fromAmountCents},
                                              {QStringLiteral("toAmountCents"), t.toAmountCents}},
                                  ip});
        !ok)
        return ok.error();
    if (auto ok = tx->commit(); !ok)
        return ok.error();
    return id;
}

Result<QJsonObject> TransferService::list(const TransferQuery &query)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    // Transfers are between the office's own accounts: finance.transfer.view sees them all.
    ListQuery list(QLatin1String(TransferColumns), QLatin1String(TransferFrom), Permissions::Filter{QStringLiteral("1=1"), {}});
    list.where(QStringLiteral("t.from_account_id = ?"), query.fromAccountId)
        .where(QStringLiteral("t.to_account_id = ?"), query.toAccountId)
        .where(QStringLiteral("t.transfer_date >= ?"), query.from)
        .where(QStringLiteral("t.transfer_date <= ?"), query.to);
    return list.run(*db, QStringLiteral("t.transfer_date DESC, t.created_at DESC, t.id DESC"), query.page, transferJson,
                    QStringLiteral("list transfers"));
}

Result<QJsonObject> TransferService::find(const QString &id)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    auto q = Sql::run(*db, QStringLiteral("SELECT %1 FROM %2 WHERE t.id = ?").arg(QLatin1String(TransferColumns), QLatin1String(TransferFrom)),
                      {id}, QStringLiteral("read the transfer"));
    if (!q)
        return q.error();
    if (!q->next())
        return AppError::notFound(QStringLiteral("no transfer with id %1").arg(id));
    return transferJson(*q);
}

} // namespace caiwu
