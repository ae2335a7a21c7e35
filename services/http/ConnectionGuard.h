#pragma once

#include "HttpLimits.h"
#include "RequestFramer.h"

#include <QObject>

#include <atomic>
#include <functional>

class QTcpSocket;

namespace caiwu {

// Receives everything on one connection: reads the bytes, feeds the framer, and hands
// each complete request to this thread's handler (the ApiWorker). When the framer
// refuses a request, the guard answers with the JSON error, stops writing and drains
// what the client still sends for a moment so the client reads the error instead of a
// reset. It also answers Expect: 100-continue and closes idle and slow connections
// (deadlines checked by GuardedTcpServer's sweep).
//
// QtHttpServer 6.4's parser is not used: it reads the head one byte at a time through
// QIODevice (measured: a 2.6 KiB Authorization header cut a route's rate to a third),
// and the framer has already parsed everything it would.
class ConnectionGuard : public QObject {
    Q_OBJECT
public:
    // Answers one complete request; must end with responseWritten() on the guard.
    using RequestHandler = std::function<void(QTcpSocket *socket, const RequestFramer::Head &head, QByteArray body)>;

    ConnectionGuard(QTcpSocket *socket, const HttpLimits &limits);
    ~ConnectionGuard() override;

    static ConnectionGuard *of(const QTcpSocket *socket);

    // The head of the request now being handled (for keep-alive and HEAD decisions).
    const RequestFramer::Head &currentHead() const { return m_framer.head(); }

    // The server is shutting down: close as soon as no request is in progress.
    void beginDrain();
    // Called after a response was written; closes if draining or if the client asked.
    void responseWritten(bool keepAlive);

    // Closes the connection if its deadline passed; the server calls it for every
    // connection a few times a second (cheaper than a timer restarted per request).
    void checkDeadline(qint64 nowMs);

    // Where this thread's guards count open connections (the worker's metrics gauge,
    // which its drain also waits on).
    static void setThreadGauge(std::atomic<int> *gauge);
    // Who answers this thread's requests.
    static void setThreadHandler(RequestHandler *handler);

Q_SIGNALS:
    void closed();

private:
    void onReadyRead();
    void refuse(int status, const QString &message);
    void onTimeout();
    void updateDeadline();

    QTcpSocket *m_socket;
    HttpLimits m_limits;
    RequestFramer m_framer;
    qint64 m_deadlineMs = 0;   // monotonic; what happens then depends on the state
    bool m_refused = false;
    bool m_draining = false;
    bool m_headStarted = false;
};

} // namespace caiwu
