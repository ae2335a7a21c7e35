#pragma once

#include "ConnectionGuard.h"
#include "CorsPolicy.h"
#include "HttpLimits.h"
#include "Metrics.h"
#include "Router.h"

#include <QObject>
#include <QTimer>

class QTcpSocket;

namespace caiwu {

class GuardedTcpServer;

// One worker thread's HTTP server: its listening socket's guards frame and parse each
// request; this class routes it, runs the handler synchronously, writes the response
// itself, and records the log line and metrics.
class ApiWorker : public QObject {
    Q_OBJECT
public:
    struct Options {
        const Router *router = nullptr;
        CorsPolicy cors;
        Metrics *metrics = nullptr;
        bool logRequests = true;
        RequestGate gate;
    };

    // Serves connections accepted on the listening socket `fd`.
    ApiWorker(Options options, const HttpLimits &limits, int fd, QObject *parent = nullptr);
    ~ApiWorker() override;

    // Stop accepting, let requests in progress finish, then quit this thread; after
    // `graceMs` whatever is still open is closed.
    Q_INVOKABLE void drain(int graceMs);

private:
    void handleRequest(QTcpSocket *socket, const RequestFramer::Head &head, QByteArray body);
    HttpResponse dispatch(HttpRequest &request, int *routeId);
    void logRequest(const HttpRequest &request, int status, qint64 elapsedUs);
    void checkDrained();

    Options m_options;
    Metrics::Shard *m_shard = nullptr;
    GuardedTcpServer *m_tcp = nullptr;
    ConnectionGuard::RequestHandler m_handler;
    bool m_draining = false;
    QTimer m_drainPoll;
    qint64 m_drainDeadlineMs = 0;
};

} // namespace caiwu
