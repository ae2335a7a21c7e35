#include "Transaction.h"

#include "Database.h"
#include "GroupCommit.h"
#include "Sql.h"

namespace caiwu {

namespace {
std::recursive_mutex &writers()
{
    static std::recursive_mutex mutex;
    return mutex;
}
} // namespace

Result<Transaction> Transaction::begin(QSqlDatabase db)
{
    // The commit does not wait for the disk itself; commit() waits for a shared sync instead.
    // Set outside the transaction (SQLite refuses it inside), restored when it ends.
    if (auto q = Sql::run(db, QStringLiteral("PRAGMA synchronous=NORMAL"), {}, QStringLiteral("prepare a transaction")); !q)
        return q.error();
    std::unique_lock lock(writers());
    if (auto q = Sql::run(db, QStringLiteral("BEGIN IMMEDIATE"), {}, QStringLiteral("start a transaction")); !q) {
        lock.unlock();
        (void)Sql::run(db, QStringLiteral("PRAGMA synchronous=FULL"), {}, QStringLiteral("restore durability"));
        return q.error();
    }
    return Transaction(std::move(db), std::move(lock));
}

Result<Transaction> Transaction::begin(Database &database)
{
    auto db = database.connection();
    if (!db)
        return db.error();
    return begin(*db);
}

Transaction::Transaction(Transaction &&other) noexcept
    : m_db(std::move(other.m_db))
    , m_lock(std::move(other.m_lock))
    , m_open(other.m_open)
{
    other.m_open = false;
}

Transaction::~Transaction()
{
    if (m_open) {
        (void)Sql::run(m_db, QStringLiteral("ROLLBACK"), {}, QStringLiteral("roll back"));
        m_lock = {};
        // The connection's other writes (single statements) stay synchronous=FULL.
        (void)Sql::run(m_db, QStringLiteral("PRAGMA synchronous=FULL"), {}, QStringLiteral("restore durability"));
    }
}

Result<void> Transaction::commit()
{
    auto q = Sql::run(m_db, QStringLiteral("COMMIT"), {}, QStringLiteral("commit"));
    if (!q)
        return q.error(); // still open: the destructor rolls back
    m_open = false;
    const quint64 sequence = GroupCommit::committed(); // in commit order: still under the writers' lock
    m_lock = {};                                        // the next writer may start while we sync
    auto durable = GroupCommit::waitDurable(sequence, m_db);
    (void)Sql::run(m_db, QStringLiteral("PRAGMA synchronous=FULL"), {}, QStringLiteral("restore durability"));
    return durable;
}

} // namespace caiwu
