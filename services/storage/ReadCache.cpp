#include "ReadCache.h"

namespace caiwu {

Result<QByteArray> ReadCache::get(const QString &key, const std::function<Result<QByteArray>()> &compute)
{
    // Taken before computing: a change that lands meanwhile leaves the entry with an older
    // stamp, so it is recomputed next time, never served as newer than it is.
    auto stamp = m_db.changeStamp();
    if (!stamp)
        return compute();
    {
        QMutexLocker locked(&m_lock);
        const auto connection = m_entries.constFind(stamp->connection);
        if (connection != m_entries.constEnd()) {
            const auto entry = connection->constFind(key);
            if (entry != connection->constEnd() && entry->stamp == *stamp)
                return entry->answer;
        }
    }
    auto answer = compute();
    if (!answer)
        return answer;
    QMutexLocker locked(&m_lock);
    QHash<QString, Entry> &entries = m_entries[stamp->connection];
    if (entries.size() >= MaximumKeysPerConnection && !entries.contains(key))
        entries.clear(); // many different filters: start afresh rather than grow
    entries.insert(key, Entry{*stamp, *answer});
    return answer;
}

} // namespace caiwu
