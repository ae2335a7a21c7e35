#include "Transaction.h"

#include "Database.h"
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
    std::unique_lock lock(writers());
    if (auto q = Sql::run(db, QStringLiteral("BEGIN IMMEDIATE"), {}, QStringLiteral("start a transaction")); !q)
        return q.error();
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
    if (m_open)
        (void)Sql::run(m_db, QStringLiteral("ROLLBACK"), {}, QStringLiteral("roll back"));
}

Result<void> Transaction::commit()
{
    auto q = Sql::run(m_db, QStringLiteral("COMMIT"), {}, QStringLiteral("commit"));
    if (!q)
        return q.error(); // still open: the destructor rolls back
    m_open = false;
    m_lock = {};
    return {};
}

} // namespace caiwu
