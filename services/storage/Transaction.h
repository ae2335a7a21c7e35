#pragma once

#include "core/Result.h"

#include <QSqlDatabase>

#include <mutex>

namespace caiwu {

class Database;

// One write transaction on this thread's connection: BEGIN IMMEDIATE (the write lock is taken
// at once, so two writers queue instead of failing half-way), rolled back unless commit()
// succeeded. Everything a request writes goes through one of these, so a failure leaves no
// half-written rows.
//
// Writers of this process queue on a mutex before BEGIN, not on SQLite's busy handler: that
// handler sleeps 1, 2, 5, 10 … 100 ms between tries, which cut durable posting from two worker
// threads to a tenth of what one thread manages. Another process (a command) still waits on the
// busy timeout.
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
    Transaction(QSqlDatabase db, std::unique_lock<std::recursive_mutex> lock) : m_db(std::move(db)), m_lock(std::move(lock)) {}

    QSqlDatabase m_db;
    // Recursive: a transaction begun inside another on the same thread fails in SQLite with a
    // clear error instead of hanging here.
    std::unique_lock<std::recursive_mutex> m_lock;
    bool m_open = true;
};

} // namespace caiwu
