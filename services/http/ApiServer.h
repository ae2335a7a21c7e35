#pragma once

#include "CorsPolicy.h"
#include "HttpLimits.h"
#include "Metrics.h"
#include "Router.h"
#include "core/Result.h"

#include <QHostAddress>
#include <QObject>
#include <QUrl>

#include <functional>
#include <memory>
#include <vector>

class QThread;

namespace caiwu {

struct ApiServerOptions {
    QHostAddress address = QHostAddress::Any;
    quint16 port = 8787;          // 0 picks a free port
    int threads = 0;              // 0 = one per core
    HttpLimits limits;
    CorsPolicy cors;
    bool logRequests = true;
    RequestGate gate;             // none: every request is admitted (tests of the bare server)
};

// The API's HTTP service: one QtHttpServer per worker thread, each on its own
// SO_REUSEPORT socket, all on the same port. Handlers run synchronously on the
// worker that accepted the connection (QtHttpServer 6.4 crashes on QFuture routes
// whose client went away).
class ApiServer : public QObject {
    Q_OBJECT
public:
    // `threadExit` runs on each worker thread as it ends (closes its DB connection).
    ApiServer(const Router &router, Metrics &metrics, std::function<void()> threadExit, QObject *parent = nullptr);
    ~ApiServer() override;

    Result<void> start(const ApiServerOptions &options);
    // Stops accepting, lets requests in progress finish (up to `graceMs`), joins the threads.
    void stop(int graceMs = 5000);

    bool isRunning() const { return !m_threads.empty(); }
    quint16 port() const { return m_port; }
    QHostAddress address() const { return m_address; }
    int threadCount() const { return int(m_threads.size()); }

    // The URL a client on this machine uses to reach a server listening on `address`:
    // a wildcard listener is reached on loopback, an IPv6 host is bracketed.
    static QUrl dialUrl(const QHostAddress &address, quint16 port);

private:
    const Router &m_router;
    Metrics &m_metrics;
    std::function<void()> m_threadExit;
    std::vector<std::unique_ptr<QThread>> m_threads;
    std::vector<QObject *> m_workers;
    quint16 m_port = 0;
    QHostAddress m_address;
};

} // namespace caiwu
