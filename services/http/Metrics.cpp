#include "Metrics.h"

#include <QMap>

#include <algorithm>
#include <cmath>

namespace caiwu {

namespace {
constexpr quint32 StatusBits = 10;
constexpr int UnmatchedId = (1 << 21) - 1;

quint32 key(int routeId, int status)
{
    return (quint32(routeId < 0 ? UnmatchedId : routeId) << StatusBits) | quint32(status & ((1 << StatusBits) - 1));
}
} // namespace

void Histogram::record(qint64 us)
{
    size_t i = 0;
    while (i < BoundsUs.size() && us > BoundsUs[i])
        ++i;
    m_buckets[i].fetch_add(1, std::memory_order_relaxed);
    m_sumUs.fetch_add(quint64(std::max<qint64>(us, 0)), std::memory_order_relaxed);
    m_count.fetch_add(1, std::memory_order_relaxed);
}

void Histogram::mergeInto(Histogram &into) const
{
    for (size_t i = 0; i < m_buckets.size(); ++i)
        into.m_buckets[i].fetch_add(m_buckets[i].load(std::memory_order_relaxed), std::memory_order_relaxed);
    into.m_sumUs.fetch_add(m_sumUs.load(std::memory_order_relaxed), std::memory_order_relaxed);
    into.m_count.fetch_add(m_count.load(std::memory_order_relaxed), std::memory_order_relaxed);
}

void Histogram::appendTo(QByteArray &out, const QByteArray &name, const QByteArray &labels) const
{
    const QByteArray sep = labels.isEmpty() ? QByteArray() : labels + ',';
    quint64 cumulative = 0;
    for (size_t i = 0; i <= BoundsUs.size(); ++i) {
        cumulative += m_buckets[i].load(std::memory_order_relaxed);
        const QByteArray le = i < BoundsUs.size() ? QByteArray::number(double(BoundsUs[i]) / 1e6) : QByteArray("+Inf");
        out += name + "_bucket{" + sep + "le=\"" + le + "\"} " + QByteArray::number(cumulative) + '\n';
    }
    const QByteArray braces = labels.isEmpty() ? QByteArray() : '{' + labels + '}';
    // Fixed microsecond precision: the default 6 significant digits would freeze a long-running sum.
    out += name + "_sum" + braces + ' ' + QByteArray::number(double(m_sumUs.load()) / 1e6, 'f', 6) + '\n';
    out += name + "_count" + braces + ' ' + QByteArray::number(m_count.load()) + '\n';
}

double Histogram::quantileMs(double q) const
{
    const quint64 total = count();
    if (total == 0)
        return 0;
    // Nearest rank: the first bucket that holds at least ceil(q·N) observations
    // (the bucket Prometheus' histogram_quantile picks too).
    const quint64 rank = std::clamp<quint64>(quint64(std::ceil(std::clamp(q, 0.0, 1.0) * double(total))), 1, total);
    quint64 cumulative = 0;
    for (size_t i = 0; i < BoundsUs.size(); ++i) {
        cumulative += m_buckets[i].load(std::memory_order_relaxed);
        if (cumulative >= rank)
            return double(BoundsUs[i]) / 1000.0;
    }
    return double(BoundsUs.back()) / 1000.0;
}

Metrics::Shard *Metrics::addShard()
{
    std::lock_guard lock(m_shardsMutex);
    m_shards.push_back(std::make_unique<Shard>());
    return m_shards.back().get();
}

void Metrics::recordRequest(Shard *shard, int routeId, int status, qint64 elapsedUs)
{
    {
        std::lock_guard lock(shard->mutex);
        ++shard->requests[key(routeId, status)];
    }
    shard->latency.record(elapsedUs);
}

QByteArray Metrics::prometheusText(const RouteName &routeName) const
{
    QMap<quint32, quint64> requests; // ordered for a stable scrape
    Histogram latency;               // the shards' latencies, merged
    std::lock_guard lock(m_shardsMutex);
    for (const auto &shard : m_shards) {
        std::lock_guard shardLock(shard->mutex);
        for (auto it = shard->requests.cbegin(); it != shard->requests.cend(); ++it)
            requests[it.key()] += it.value();
    }
    QByteArray out;
    out += "# HELP caiwu_http_requests_total HTTP requests answered, by route pattern and status.\n"
           "# TYPE caiwu_http_requests_total counter\n";
    for (auto it = requests.cbegin(); it != requests.cend(); ++it) {
        const int routeId = int(it.key() >> StatusBits);
        const int status = int(it.key() & ((1 << StatusBits) - 1));
        QString route = routeId == UnmatchedId ? QStringLiteral("unmatched") : routeName(routeId);
        route.replace(QLatin1Char('\\'), QLatin1String("\\\\"))
            .replace(QLatin1Char('"'), QLatin1String("\\\""))
            .replace(QLatin1Char('\n'), QLatin1String("\\n"));
        out += "caiwu_http_requests_total{route=\"" + route.toUtf8() + "\",status=\"" + QByteArray::number(status) + "\"} "
            + QByteArray::number(it.value()) + '\n';
    }
    out += "# HELP caiwu_http_request_duration_seconds Time from a complete request to its response.\n"
           "# TYPE caiwu_http_request_duration_seconds histogram\n";
    for (const auto &shard : m_shards)
        shard->latency.mergeInto(latency);
    latency.appendTo(out, "caiwu_http_request_duration_seconds", {});

    out += "# HELP caiwu_db_ping_duration_seconds Latency of the database health ping.\n"
           "# TYPE caiwu_db_ping_duration_seconds histogram\n";
    m_dbLatency.appendTo(out, "caiwu_db_ping_duration_seconds", {});

    int open = 0;
    for (const auto &shard : m_shards)
        open += shard->openConnections.load(std::memory_order_relaxed);
    out += "# HELP caiwu_http_open_connections Client connections open now.\n"
           "# TYPE caiwu_http_open_connections gauge\n"
           "caiwu_http_open_connections " + QByteArray::number(open) + '\n';
    return out;
}

quint64 Metrics::totalRequests() const
{
    std::lock_guard lock(m_shardsMutex);
    quint64 total = 0;
    for (const auto &shard : m_shards)
        total += shard->latency.count();
    return total;
}

quint64 Metrics::totalErrors() const
{
    std::lock_guard lock(m_shardsMutex);
    quint64 total = 0;
    for (const auto &shard : m_shards) {
        std::lock_guard shardLock(shard->mutex);
        for (auto it = shard->requests.cbegin(); it != shard->requests.cend(); ++it)
            if ((it.key() & ((1 << StatusBits) - 1)) >= 500)
                total += it.value();
    }
    return total;
}

int Metrics::openConnections() const
{
    std::lock_guard lock(m_shardsMutex);
    int open = 0;
    for (const auto &shard : m_shards)
        open += shard->openConnections.load(std::memory_order_relaxed);
    return open;
}

double Metrics::latencyQuantileMs(double q) const
{
    Histogram merged;
    std::lock_guard lock(m_shardsMutex);
    for (const auto &shard : m_shards)
        shard->latency.mergeInto(merged);
    return merged.quantileMs(q);
}

} // namespace caiwu
