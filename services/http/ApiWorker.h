#pragma once

#include "CorsPolicy.h"
#include "Metrics.h"
#include "Router.h"

#include <QAbstractHttpServer>
#include <QTimer>

namespace caiwu {

class GuardedTcpServer;

// One worker thread's HTTP server: QtHttpServer parses the (already guarded) request,
// this class routes it, runs the handler synchronously, writes the response itself,
// and records the log line and metrics.
class ApiWorker : public QAbstractHttpServer {
    Q_OBJECT
public:
    struct Options {
        const Router *router = nullptr;
        CorsPolicy cors;
        Metrics *metrics = nullptr;
        bool logRequests = true;
        RequestGate gate;
    };

    explicit ApiWorker(Options options, QObject *parent = nullptr);

    // Stop accepting, let requests in progress finish, then quit this thread; after
    // `graceMs` whatever is still open is closed.
    Q_INVOKABLE void drain(int graceMs);

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    HttpResponse dispatch(HttpRequest &request, int *routeId);
    void logRequest(const HttpRequest &request, int status, qint64 elapsedUs);
    void checkDrained();

    Options m_options;
    Metrics::Shard *m_shard = nullptr;
    bool m_draining = false;
    QTimer m_drainPoll;
    qint64 m_drainDeadlineMs = 0;
};

} // namespace caiwu
