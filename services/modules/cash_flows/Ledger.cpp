#include "Ledger.h"

#include "storage/Sql.h"
#include "storage/SqlJson.h"

#include <QUuid>

namespace caiwu::Ledger {

namespace {

QString typeName(Kind kind)
{
    switch (kind) {
    case Kind::Income: return QStringLiteral("income");
    case Kind::Expense: return QStringLiteral("expense");
    case Kind::TransferOut: return QStringLiteral("transfer_out");
    case Kind::TransferIn: return QStringLiteral("transfer_in");
    }
    return {};
}

// What the row stores in amount_cents (the reference's convention): expenses are positive
// and subtracted, a transfer out is negative, the rest positive.
qint64 storedAmount(Kind kind, qint64 amountCents)
{
    return kind == Kind::TransferOut ? -amountCents : amountCents;
}

} // namespace

qint64 signedAmount(Kind kind, qint64 amountCents)
{
    return kind == Kind::Income || kind == Kind::TransferIn ? amountCents : -amountCents;
}

Result<Entry> post(const QSqlDatabase &db, const Posting &p)
{
    if (p.amountCents <= 0)
        return AppError::validation(QStringLiteral("a ledger amount must be positive"));
    auto account = Sql::run(db, QStringLiteral("SELECT opening_cents FROM accounts WHERE id = ?"), {p.accountId},
                            QStringLiteral("read the account"));
    if (!account)
        return account.error();
    if (!account->next())
        return AppError::notFound(QStringLiteral("no account with id %1").arg(p.accountId));
    const qint64 opening = account->value(0).toLongLong();
    account->finish();

    Entry entry;
    entry.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    // The row just before this one in ledger order.
    auto prior = Sql::run(db, QStringLiteral(
        "SELECT balance_after_cents FROM account_transactions WHERE account_id = ? AND transaction_date <= ? "
        "AND (transaction_date < ? OR created_at < ? OR (created_at = ? AND id < ?)) "
        "ORDER BY transaction_date DESC, created_at DESC, id DESC LIMIT 1"),
        {p.accountId, p.date, p.date, p.createdAt, p.createdAt, entry.id}, QStringLiteral("read the balance"));
    if (!prior)
        return prior.error();
    entry.balanceBeforeCents = prior->next() ? prior->value(0).toLongLong() : opening;
    prior->finish();
    const qint64 delta = signedAmount(p.kind, p.amountCents);
    entry.balanceAfterCents = entry.balanceBeforeCents + delta;

    auto insert = Sql::run(db, QStringLiteral(
        "INSERT INTO account_transactions (id, account_id, flow_id, transaction_date, transaction_type, amount_cents, "
        "balance_before_cents, balance_after_cents, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        {entry.id, p.accountId, p.sourceId, p.date, typeName(p.kind), storedAmount(p.kind, p.amountCents),
         entry.balanceBeforeCents, entry.balanceAfterCents, p.createdAt},
        QStringLiteral("post to the ledger"));
    if (!insert)
        return insert.error();
    // Later rows (usually none) move by this posting's amount. "transaction_date >= ?" lets the
    // ledger index find them without reading the account's whole history.
    auto later = Sql::run(db, QStringLiteral(
        "UPDATE account_transactions SET balance_before_cents = balance_before_cents + ?, "
        "balance_after_cents = balance_after_cents + ? WHERE account_id = ? AND transaction_date >= ? "
        "AND (transaction_date > ? OR created_at > ? OR (created_at = ? AND id > ?))"),
        {delta, delta, p.accountId, p.date, p.date, p.createdAt, p.createdAt, entry.id}, QStringLiteral("re-base later balances"));
    if (!later)
        return later.error();
    return entry;
}

Result<qint64> balance(const QSqlDatabase &db, const QString &accountId, const std::optional<QString> &date)
{
    auto account = Sql::run(db, QStringLiteral("SELECT opening_cents FROM accounts WHERE id = ?"), {accountId},
                            QStringLiteral("read the account"));
    if (!account)
        return account.error();
    if (!account->next())
        return AppError::notFound(QStringLiteral("no account with id %1").arg(accountId));
    const qint64 opening = account->value(0).toLongLong();
    account->finish();
    auto last = date ? Sql::run(db, QStringLiteral("SELECT balance_after_cents FROM account_transactions WHERE account_id = ? "
                                                   "AND transaction_date <= ? ORDER BY transaction_date DESC, created_at DESC, "
                                                   "id DESC LIMIT 1"),
                                {accountId, *date}, QStringLiteral("read the balance"))
                     : Sql::run(db, QStringLiteral("SELECT balance_after_cents FROM account_transactions WHERE account_id = ? "
                                                   "ORDER BY transaction_date DESC, created_at DESC, id DESC LIMIT 1"),
                                {accountId}, QStringLiteral("read the balance"));
    if (!last)
        return last.error();
    return last->next() ? last->value(0).toLongLong() : opening;
}

Result<QJsonArray> entries(const QSqlDatabase &db, const QString &accountId, int limit, int offset)
{
    // voucher_url holds a JSON array of URLs, or one bare URL in older rows; the ledger shows the first.
    const QString url = QStringLiteral("NULLIF(COALESCE(f.voucher_url, x.voucher_url), '')");
    auto q = Sql::run(db, QStringLiteral(
        "SELECT t.id AS id, t.flow_id AS flowId, t.transaction_date AS transactionDate, t.transaction_type AS transactionType, "
        "t.amount_cents AS amountCents, t.balance_before_cents AS balanceBeforeCents, "
        "t.balance_after_cents AS balanceAfterCents, t.created_at AS createdAt, f.voucher_no AS voucherNo, "
        "COALESCE(f.memo, x.memo) AS memo, f.counterparty AS counterparty, "
        "CASE WHEN json_valid(%1) AND json_type(%1) = 'array' THEN %1 ->> '$[0]' ELSE %1 END AS voucherUrl, "
        "c.name AS categoryName "
        "FROM account_transactions t "
        "LEFT JOIN cash_flows f ON f.id = t.flow_id AND t.transaction_type IN ('income', 'expense') "
        "LEFT JOIN account_transfers x ON x.id = t.flow_id AND t.transaction_type IN ('transfer_out', 'transfer_in') "
        "LEFT JOIN categories c ON c.id = f.category_id "
        "WHERE t.account_id = ? ORDER BY t.transaction_date DESC, t.created_at DESC, t.id DESC LIMIT ? OFFSET ?").arg(url),
        {accountId, limit, offset}, QStringLiteral("read the account's ledger"));
    if (!q)
        return q.error();
    return SqlJson::rows(*q);
}

Result<void> shiftAll(const QSqlDatabase &db, const QString &accountId, qint64 deltaCents)
{
    auto q = Sql::run(db, QStringLiteral("UPDATE account_transactions SET balance_before_cents = balance_before_cents + ?, "
                                         "balance_after_cents = balance_after_cents + ? WHERE account_id = ?"),
                      {deltaCents, deltaCents, accountId}, QStringLiteral("re-base the ledger"));
    if (!q)
        return q.error();
    return {};
}

} // namespace caiwu::Ledger
