#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>

#include <array>
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>

namespace caiwu {

// Latency in microseconds into fixed buckets, lock-free; Prometheus histogram shape.
class Histogram {
public:
    static constexpr std::array<qint64, 12> BoundsUs{500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000,
                                                     500000, 1000000, 2500000};
    void record(qint64 us);
    // Adds this histogram's counts into `into` (which is only read by one thread).
    void mergeInto(Histogram &into) const;
    void appendTo(QByteArray &out, const QByteArray &name, const QByteArray &labels) const;
    // Approximate quantile in ms (upper bound of the bucket it falls in), for the GUI.
    double quantileMs(double q) const;
    quint64 count() const { return m_count.load(std::memory_order_relaxed); }

private:
    std::array<std::atomic<quint64>, BoundsUs.size() + 1> m_buckets{};
    std::atomic<quint64> m_sumUs{0};
    std::atomic<quint64> m_count{0};
};

// Counters of the API server for GET /metrics and the admin window. Each worker
// thread records into its own shard, so the hot path takes no shared lock; a scrape
// sums the shards.
class Metrics {
public:
    struct Shard {
        std::mutex mutex;   // uncontended except while a scrape reads
        QHash<quint32, quint64> requests;   // (route id << 10 | status) → count
        Histogram latency;
        std::atomic<int> openConnections{0};
    };

    Shard *addShard();
    void recordRequest(Shard *shard, int routeId, int status, qint64 elapsedUs);
    Histogram &dbLatency() { return m_dbLatency; }

    // Route id → pattern; id -1 is "unmatched" (404 and refused requests).
    using RouteName = std::function<QString(int routeId)>;
    QByteArray prometheusText(const RouteName &routeName) const;

    quint64 totalRequests() const;
    quint64 totalErrors() const;          // 5xx
    int openConnections() const;
    double latencyQuantileMs(double q) const;

private:
    mutable std::mutex m_shardsMutex;
    std::vector<std::unique_ptr<Shard>> m_shards;
    Histogram m_dbLatency;
};

} // namespace caiwu
