#include "ConnectionGuard.h"

#include "HttpResponse.h"
#include "core/Clock.h"
#include "core/Log.h"

#include <QTcpSocket>

#include <sys/socket.h>

namespace caiwu {

namespace {
// The worker's open-connections gauge: read by /metrics and by the drain.
thread_local std::atomic<int> *t_gauge = nullptr;
thread_local ConnectionGuard::RequestHandler *t_handler = nullptr;
const char *const GuardProperty = "caiwu.guard";
} // namespace

void ConnectionGuard::setThreadGauge(std::atomic<int> *gauge) { t_gauge = gauge; }
void ConnectionGuard::setThreadHandler(RequestHandler *handler) { t_handler = handler; }

ConnectionGuard::ConnectionGuard(QTcpSocket *socket, const HttpLimits &limits)
    : QObject(socket)
    , m_socket(socket)
    , m_limits(limits)
    , m_framer(limits)
{
    if (t_gauge)
        t_gauge->fetch_add(1, std::memory_order_relaxed);
    socket->setProperty(GuardProperty, QVariant::fromValue(static_cast<QObject *>(this)));
    connect(socket, &QTcpSocket::readyRead, this, &ConnectionGuard::onReadyRead);
    connect(socket, &QTcpSocket::disconnected, this, &ConnectionGuard::closed);
    connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    updateDeadline();
}

ConnectionGuard::~ConnectionGuard()
{
    if (t_gauge)
        t_gauge->fetch_sub(1, std::memory_order_relaxed);
}

ConnectionGuard *ConnectionGuard::of(const QTcpSocket *socket)
{
    return qobject_cast<ConnectionGuard *>(socket->property(GuardProperty).value<QObject *>());
}

void ConnectionGuard::updateDeadline()
{
    const qint64 now = Clock::monotonicMs();
    switch (m_framer.state()) {
    case RequestFramer::State::Idle:
        m_headStarted = false;
        m_deadlineMs = now + m_limits.idleTimeoutMs;
        break;
    case RequestFramer::State::Head:
        // The whole head must arrive within the limit (slowloris), so only set once.
        if (!m_headStarted) {
            m_headStarted = true;
            m_deadlineMs = now + m_limits.requestTimeoutMs;
        }
        break;
    case RequestFramer::State::Body:
        // A body may be large; what is limited is a stall.
        m_deadlineMs = now + m_limits.requestTimeoutMs;
        break;
    case RequestFramer::State::Failed:
        break;
    }
}

void ConnectionGuard::checkDeadline(qint64 nowMs)
{
    if (nowMs >= m_deadlineMs)
        onTimeout();
}

void ConnectionGuard::onReadyRead()
{
    if (m_refused) {
        // Lingering after an error: drop whatever the client is still sending.
        m_socket->readAll();
        return;
    }
    const qint64 available = m_socket->bytesAvailable();
    if (available <= 0)
        return;
    // One buffer per thread, reused: reading must not allocate on every request.
    thread_local QByteArray buffer;
    if (buffer.size() < available)
        buffer.resize(available);
    const qint64 read = m_socket->read(buffer.data(), available);
    const RequestFramer::Outcome outcome = m_framer.feed(QByteArrayView(buffer.constData(), std::max<qint64>(read, 0)));
    if (outcome.errorStatus) {
        refuse(outcome.errorStatus, outcome.errorMessage);
        return;
    }
    if (outcome.requestCompleted && outcome.bytesAfterRequest) {
        // Answering in order would mean queueing; browsers do not pipeline.
        refuse(400, QStringLiteral("pipelined requests are not supported; send the next request after the response"));
        return;
    }
    if (outcome.headCompleted && m_framer.head().expectContinue && !outcome.requestCompleted)
        m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
    updateDeadline();
    if (outcome.requestCompleted && t_handler)
        (*t_handler)(m_socket, m_framer.head(), m_framer.takeBody());
}

void ConnectionGuard::refuse(int status, const QString &message)
{
    m_refused = true;
    m_socket->readAll();
    const QByteArray requestId = HttpResponse::newRequestId();
    HttpResponse response = HttpResponse::error(AppError{status, status == 413 ? QByteArray("PAYLOAD_TOO_LARGE")
                                                                                : QByteArray("VALIDATION_ERROR"),
                                                         message, {}});
    m_socket->write(response.serialize(requestId, false, false));
    m_socket->flush();
    qCInfo(lcHttp).noquote() << "refused" << m_socket->peerAddress().toString() << status << message << "id" << requestId;
    // Half-close: the client gets our answer and EOF, and we keep reading (and dropping)
    // for a moment so its unread upload does not turn our response into a reset.
    ::shutdown(int(m_socket->socketDescriptor()), SHUT_WR);
    m_deadlineMs = Clock::monotonicMs() + m_limits.lingerMs;
}

void ConnectionGuard::onTimeout()
{
    if (m_refused) {
        m_socket->abort();
        return;
    }
    if (m_framer.state() == RequestFramer::State::Idle) {
        m_socket->disconnectFromHost();
        return;
    }
    refuse(408, QStringLiteral("the request was not received in time"));
}

void ConnectionGuard::beginDrain()
{
    m_draining = true;
    if (m_framer.state() == RequestFramer::State::Idle || m_refused)
        m_socket->disconnectFromHost();
}

void ConnectionGuard::responseWritten(bool keepAlive)
{
    if (!keepAlive || m_draining)
        m_socket->disconnectFromHost();
    else
        updateDeadline();
}

} // namespace caiwu
