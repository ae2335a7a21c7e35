#pragma once

#include "core/Result.h"

#include <QSqlDatabase>

namespace caiwu {

class Database;

// One write transaction on this thread's connection: BEGIN IMMEDIATE (the write lock is taken
// at once, so two writers queue on the busy timeout instead of failing half-way), rolled back
// unless commit() succeeded. Everything a request writes goes through one of these, so a
// failure leaves no half-written rows.
class Transaction {
public:
    static Result<Transaction> begin(QSqlDatabase db);
    // On this thread's connection of `database`; run the statements on db().
    static Result<Transaction> begin(Database &database);
    Transaction(Transaction &&other) noexcept;
    Transaction &operator=(Transaction &&) = delete;
    Transaction(const Transaction &) = delete;
    ~Transaction();

    Result<void> commit();

    // The connection the transaction runs on.
    const QSqlDatabase &db() const { return m_db; }

private:
    explicit Transaction(QSqlDatabase db) : m_db(std::move(db)) {}
    QSqlDatabase m_db;
    bool m_open = true;
};

} // namespace caiwu
