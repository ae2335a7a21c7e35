// Metrics: what GET /metrics shows a Prometheus scraper, and the numbers the admin window reads.
#include "http/Metrics.h"

#include <QMap>
#include <QRegularExpression>
#include <QTest>
#include <QThread>

#include <memory>
#include <vector>

using namespace caiwu;

namespace {

QString routeName(int id)
{
    static const QStringList patterns{QStringLiteral("/api/health"), QStringLiteral("/api/accounts/{id}"),
                                      QStringLiteral("/api/flows"), QStringLiteral("/api/flows/{id}")};
    return patterns.value(id, QStringLiteral("route-%1").arg(id));
}

// Sample lines of the exposition text, "name{labels}" → value, in order.
struct Scrape {
    QList<QPair<QByteArray, QByteArray>> samples;
    QByteArray text;

    QByteArray value(const QByteArray &series) const
    {
        for (const auto &[name, value] : samples)
            if (name == series)
                return value;
        return "<missing " + series + ">";
    }
    QList<QPair<QByteArray, QByteArray>> startingWith(const QByteArray &prefix) const
    {
        QList<QPair<QByteArray, QByteArray>> out;
        for (const auto &sample : samples)
            if (sample.first.startsWith(prefix))
                out << sample;
        return out;
    }
};

Scrape scrape(const Metrics &metrics)
{
    Scrape s;
    s.text = metrics.prometheusText(routeName);
    for (const QByteArray &line : s.text.split('\n')) {
        if (line.isEmpty() || line.startsWith('#'))
            continue;
        const qsizetype space = line.lastIndexOf(' ');
        s.samples.append({line.left(space), line.mid(space + 1)});
    }
    return s;
}

} // namespace

class TestMetrics : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void expositionIsWellFormed();
    void requestCountsAreSummedAcrossShards();
    void durationHistogramIsCumulative();
    void dbPingHistogram();
    void openConnectionsAreSummed();
    void labelValuesAreEscaped();
    void totals();
    void quantiles_data();
    void quantiles();
    void quantileOfNothingIsZero();
    void concurrentShards();
};

void TestMetrics::expositionIsWellFormed()
{
    Metrics metrics;
    Metrics::Shard *shard = metrics.addShard();
    metrics.recordRequest(shard, 0, 200, 1200);
    metrics.dbLatency().record(800);
    const QByteArray text = metrics.prometheusText(routeName);
    QVERIFY(text.endsWith('\n'));
    const QRegularExpression sample(QStringLiteral(R"(^[a-z_]+(\{[a-z_]+="(?:[^"\\]|\\.)*"(,[a-z_]+="(?:[^"\\]|\\.)*")*\})? \S+$)"));
    const QRegularExpression comment(QStringLiteral(R"(^# (HELP|TYPE) caiwu_[a-z_]+ .+$)"));
    for (const QByteArray &line : text.chopped(1).split('\n')) {
        const QString l = QString::fromUtf8(line);
        QVERIFY2(sample.match(l).hasMatch() || comment.match(l).hasMatch(), line);
    }
    QVERIFY(text.contains("# TYPE caiwu_http_requests_total counter\n"));
    QVERIFY(text.contains("# TYPE caiwu_http_request_duration_seconds histogram\n"));
    QVERIFY(text.contains("# TYPE caiwu_db_ping_duration_seconds histogram\n"));
    QVERIFY(text.contains("# TYPE caiwu_http_open_connections gauge\n"));
}

void TestMetrics::requestCountsAreSummedAcrossShards()
{
    Metrics metrics;
    Metrics::Shard *a = metrics.addShard();
    Metrics::Shard *b = metrics.addShard();
    Metrics::Shard *c = metrics.addShard();
    for (int i = 0; i < 2; ++i)
        metrics.recordRequest(a, 0, 200, 100);
    for (int i = 0; i < 3; ++i)
        metrics.recordRequest(b, 0, 200, 100);
    for (int i = 0; i < 4; ++i)
        metrics.recordRequest(c, 0, 200, 100);
    metrics.recordRequest(c, 1, 404, 100);
    metrics.recordRequest(a, -1, 404, 100);
    metrics.recordRequest(b, -1, 404, 100);
    metrics.recordRequest(b, -1, 431, 100);
    metrics.recordRequest(a, 2, 503, 100);

    const Scrape s = scrape(metrics);
    QCOMPARE(s.value(R"(caiwu_http_requests_total{route="/api/health",status="200"})"), QByteArray("9"));
    QCOMPARE(s.value(R"(caiwu_http_requests_total{route="/api/accounts/{id}",status="404"})"), QByteArray("1"));
    QCOMPARE(s.value(R"(caiwu_http_requests_total{route="unmatched",status="404"})"), QByteArray("2"));
    QCOMPARE(s.value(R"(caiwu_http_requests_total{route="unmatched",status="431"})"), QByteArray("1"));
    QCOMPARE(s.value(R"(caiwu_http_requests_total{route="/api/flows",status="503"})"), QByteArray("1"));
    QCOMPARE(s.startingWith("caiwu_http_requests_total").size(), 5);
    // Series appear once each, however many shards saw them.
    QCOMPARE(s.text.count(R"(route="/api/health",status="200")"), 1);
}

void TestMetrics::durationHistogramIsCumulative()
{
    Metrics metrics;
    Metrics::Shard *a = metrics.addShard();
    Metrics::Shard *b = metrics.addShard();
    metrics.recordRequest(a, 0, 200, 400);        // ≤ 0.5 ms
    metrics.recordRequest(a, 0, 200, 1000);       // exactly 1 ms: in le="0.001"
    metrics.recordRequest(b, 0, 200, 1001);       // just above: le="0.0025"
    metrics.recordRequest(b, 0, 200, 250000);     // exactly 0.25 s
    metrics.recordRequest(b, 0, 200, 3000000);    // 3 s: only +Inf

    const Scrape s = scrape(metrics);
    const QList<QPair<QByteArray, QByteArray>> expected{
        {R"(caiwu_http_request_duration_seconds_bucket{le="0.0005"})", "1"},
        {R"(caiwu_http_request_duration_seconds_bucket{le="0.001"})", "2"},
        {R"(caiwu_http_request_duration_seconds_bucket{le="0.0025"})", "3"},
        {R"(caiwu_http_request_duration_seconds_bucket{le="0.005"})", "3"},
        {R"(caiwu_http_request_duration_seconds_bucket{le="0.01"})", "3"},
        {R"(caiwu_http_request_duration_seconds_bucket{le="0.025"})", "3"},
        {R"(caiwu_http_request_duration_seconds_bucket{le="0.05"})", "3"},
        {R"(caiwu_http_request_duration_seconds_bucket{le="0.1"})", "3"},
        {R"(caiwu_http_request_duration_seconds_bucket{le="0.25"})", "4"},
        {R"(caiwu_http_request_duration_seconds_bucket{le="0.5"})", "4"},
        {R"(caiwu_http_request_duration_seconds_bucket{le="1"})", "4"},
        {R"(caiwu_http_request_duration_seconds_bucket{le="2.5"})", "4"},
        {R"(caiwu_http_request_duration_seconds_bucket{le="+Inf"})", "5"},
        {"caiwu_http_request_duration_seconds_sum", "3.252401"},
        {"caiwu_http_request_duration_seconds_count", "5"},
    };
    QCOMPARE(s.startingWith("caiwu_http_request_duration_seconds"), expected);
}

void TestMetrics::dbPingHistogram()
{
    Metrics metrics;
    metrics.addShard();
    metrics.dbLatency().record(1500);
    metrics.dbLatency().record(30000);
    const Scrape s = scrape(metrics);
    QCOMPARE(s.value(R"(caiwu_db_ping_duration_seconds_bucket{le="0.001"})"), QByteArray("0"));
    QCOMPARE(s.value(R"(caiwu_db_ping_duration_seconds_bucket{le="0.0025"})"), QByteArray("1"));
    QCOMPARE(s.value(R"(caiwu_db_ping_duration_seconds_bucket{le="0.025"})"), QByteArray("1"));
    QCOMPARE(s.value(R"(caiwu_db_ping_duration_seconds_bucket{le="0.05"})"), QByteArray("2"));
    QCOMPARE(s.value(R"(caiwu_db_ping_duration_seconds_bucket{le="+Inf"})"), QByteArray("2"));
    QCOMPARE(s.value("caiwu_db_ping_duration_seconds_count"), QByteArray("2"));
    QCOMPARE(s.value("caiwu_db_ping_duration_seconds_sum"), QByteArray("0.031500"));
    // The ping is not an HTTP request.
    QCOMPARE(s.value("caiwu_http_request_duration_seconds_count"), QByteArray("0"));
    QCOMPARE(metrics.totalRequests(), 0u);
}

void TestMetrics::openConnectionsAreSummed()
{
    Metrics metrics;
    metrics.addShard()->openConnections = 2;
    metrics.addShard()->openConnections = 3;
    metrics.addShard();
    QCOMPARE(metrics.openConnections(), 5);
    QCOMPARE(scrape(metrics).value("caiwu_http_open_connections"), QByteArray("5"));

    Metrics idle;
    QCOMPARE(scrape(idle).value("caiwu_http_open_connections"), QByteArray("0"));
}

void TestMetrics::labelValuesAreEscaped()
{
    Metrics metrics;
    metrics.recordRequest(metrics.addShard(), 7, 200, 10);
    const QByteArray text = metrics.prometheusText([](int) { return QStringLiteral("/odd\"quote\\slash\nline/财务"); });
    QVERIFY2(text.contains(R"(caiwu_http_requests_total{route="/odd\"quote\\slash\nline/)"
                           "\xe8\xb4\xa2\xe5\x8a\xa1"
                           R"(",status="200"} 1)"
                           "\n"),
             text);
}

void TestMetrics::totals()
{
    Metrics metrics;
    Metrics::Shard *a = metrics.addShard();
    Metrics::Shard *b = metrics.addShard();
    for (int status : {200, 201, 204, 400, 404, 499})
        metrics.recordRequest(a, 0, status, 100);
    for (int status : {500, 503, 505, 200})
        metrics.recordRequest(b, -1, status, 100);
    QCOMPARE(metrics.totalRequests(), 10u);
    QCOMPARE(metrics.totalErrors(), 3u);
}

void TestMetrics::quantiles_data()
{
    QTest::addColumn<double>("q");
    QTest::addColumn<double>("ms");
    // 95 requests at 1 ms and 5 at 200 ms: the answer is the upper bound of the bucket
    // holding the ceil(q·100)-th fastest request.
    QTest::newRow("p0") << 0.0 << 1.0;
    QTest::newRow("p50") << 0.5 << 1.0;
    QTest::newRow("p95") << 0.95 << 1.0;
    QTest::newRow("p96") << 0.96 << 250.0;
    QTest::newRow("p99") << 0.99 << 250.0;
    QTest::newRow("p100") << 1.0 << 250.0;
}

void TestMetrics::quantiles()
{
    QFETCH(double, q);
    QFETCH(double, ms);
    Metrics metrics;
    Metrics::Shard *fast = metrics.addShard();
    Metrics::Shard *slow = metrics.addShard();
    for (int i = 0; i < 95; ++i)
        metrics.recordRequest(fast, 0, 200, 1000);
    for (int i = 0; i < 5; ++i)
        metrics.recordRequest(slow, 0, 200, 200000);
    QCOMPARE(metrics.latencyQuantileMs(q), ms);
}

void TestMetrics::quantileOfNothingIsZero()
{
    Metrics metrics;
    QCOMPARE(metrics.latencyQuantileMs(0.95), 0.0);
    metrics.addShard();
    QCOMPARE(metrics.latencyQuantileMs(0.95), 0.0);

    // Slower than the last bound: reported as the last bound (2.5 s), not as 0 or infinity.
    Metrics slow;
    slow.recordRequest(slow.addShard(), 0, 200, 10'000'000);
    QCOMPARE(slow.latencyQuantileMs(0.5), 2500.0);
}

void TestMetrics::concurrentShards()
{
    constexpr int Threads = 4;
    constexpr int PerThread = 10000;
    Metrics metrics;
    std::vector<Metrics::Shard *> shards;
    for (int t = 0; t < Threads; ++t)
        shards.push_back(metrics.addShard());

    std::vector<std::unique_ptr<QThread>> threads;
    for (int t = 0; t < Threads; ++t) {
        threads.emplace_back(QThread::create([&metrics, shard = shards[t], t] {
            for (int i = 0; i < PerThread; ++i)
                metrics.recordRequest(shard, t, i % 100 == 0 ? 500 : 200, 100 + i);
        }));
    }
    for (auto &thread : threads)
        thread->start();
    // Scrapes while the workers record: never more than what was recorded, never a crash.
    quint64 last = 0;
    bool running = true;
    while (running) {
        const quint64 now = metrics.totalRequests();
        QVERIFY(now >= last && now <= quint64(Threads * PerThread));
        last = now;
        (void)metrics.prometheusText(routeName);
        running = false;
        for (auto &thread : threads)
            running = running || !thread->isFinished();
    }
    for (auto &thread : threads)
        QVERIFY(thread->wait(60'000));

    QCOMPARE(metrics.totalRequests(), quint64(Threads * PerThread));
    QCOMPARE(metrics.totalErrors(), quint64(Threads * PerThread / 100));
    const Scrape s = scrape(metrics);
    QCOMPARE(s.value("caiwu_http_request_duration_seconds_count"), QByteArray::number(Threads * PerThread));
    QCOMPARE(s.value(R"(caiwu_http_request_duration_seconds_bucket{le="+Inf"})"), QByteArray::number(Threads * PerThread));
    for (int t = 0; t < Threads; ++t) {
        const QByteArray route = routeName(t).toUtf8();
        QCOMPARE(s.value("caiwu_http_requests_total{route=\"" + route + "\",status=\"200\"}"), QByteArray::number(PerThread * 99 / 100));
        QCOMPARE(s.value("caiwu_http_requests_total{route=\"" + route + "\",status=\"500\"}"), QByteArray::number(PerThread / 100));
    }
}

QTEST_GUILESS_MAIN(TestMetrics)
#include "tst_metrics.moc"
