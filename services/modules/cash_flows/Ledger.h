#pragma once

#include "core/Result.h"

#include <QJsonArray>
#include <QSqlDatabase>
#include <QString>

#include <optional>

namespace caiwu {

// Each account's running ledger (account_transactions): one row per cash flow, two per
// transfer, each with the balance before and after it. Rows are ordered by (date, created_at,
// id). A posting dated before later rows — a back-dated flow, a late import — re-bases those
// later rows by its amount in the same transaction, so every balance_after stays equal to
// opening + the sum of everything up to and including that row. (The reference left later
// rows as they were, so its balances drifted.) Everything here runs inside the caller's
// transaction; the write lock it holds serialises postings.
namespace Ledger {

enum class Kind { Income, Expense, TransferOut, TransferIn };

struct Posting {
    QString accountId;
    QString sourceId;    // the cash flow or transfer id
    QString date;        // YYYY-MM-DD
    Kind kind = Kind::Income;
    qint64 amountCents = 0; // > 0; the direction comes from the kind
    qint64 createdAt = 0;
};

struct Entry {
    QString id;
    qint64 balanceBeforeCents = 0;
    qint64 balanceAfterCents = 0;
};

// The change an amount makes to the balance: + for income and transfer in, − otherwise.
qint64 signedAmount(Kind kind, qint64 amountCents);

Result<Entry> post(const QSqlDatabase &db, const Posting &posting);

// The balance after everything dated on or before `date` (nullopt: everything), including the
// opening balance. 404 for an unknown account.
Result<qint64> balance(const QSqlDatabase &db, const QString &accountId, const std::optional<QString> &date = std::nullopt);

// The account's rows newest first (date, created_at, id), each with what it came from: a cash
// flow's voucher number, memo, counterparty, first voucher and category, or a transfer's memo
// and voucher. Objects in the API's names: {id, flowId, transactionDate, transactionType,
// amountCents, balanceBeforeCents, balanceAfterCents, createdAt, voucherNo, memo, counterparty,
// voucherUrl, categoryName}.
Result<QJsonArray> entries(const QSqlDatabase &db, const QString &accountId, int limit, int offset);

// The account's opening balance changed by `delta`: every row moves with it.
Result<void> shiftAll(const QSqlDatabase &db, const QString &accountId, qint64 deltaCents);

} // namespace Ledger
} // namespace caiwu
