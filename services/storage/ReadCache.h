#pragma once

#include "Database.h"
#include "core/Result.h"

#include <QByteArray>
#include <QHash>
#include <QMutex>
#include <QString>

#include <functional>

namespace caiwu {

// Answers computed from the database, kept until the database changes: a hot read (the account
// list the web client asks for on every page) costs a stamp check and a copy instead of a query.
// Entries are per connection, since a ChangeStamp only compares with stamps of its own
// connection. Thread-safe; `compute` runs outside the lock.
class ReadCache {
public:
    static constexpr int MaximumKeysPerConnection = 32;

    explicit ReadCache(Database &db) : m_db(db) {}

    // The answer for `key` computed under the current stamp, or `compute`'s (stored when it succeeds).
    Result<QByteArray> get(const QString &key, const std::function<Result<QByteArray>()> &compute);

private:
    struct Entry {
        ChangeStamp stamp;
        QByteArray answer;
    };
    Database &m_db;
    QMutex m_lock;
    QHash<quint64, QHash<QString, Entry>> m_entries; // connection → key → answer
};

} // namespace caiwu
