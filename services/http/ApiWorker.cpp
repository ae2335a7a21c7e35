#include "ApiWorker.h"

#include "ConnectionGuard.h"
#include "GuardedTcpServer.h"
#include "core/Clock.h"
#include "core/Log.h"

#include <QTcpSocket>
#include <QThread>
#include <QUrl>

#include <chrono>
#include <exception>

namespace caiwu {

namespace {

// A client's own X-Request-Id is kept when it is short and plain, so one id can
// follow a request through the client's logs and ours.
QByteArray requestIdFor(const HttpRequest &request)
{
    const QByteArray given = request.header("x-request-id");
    if (!given.isEmpty() && given.size() <= 64
        && std::all_of(given.begin(), given.end(), [](char c) { return std::isalnum(uchar(c)) || c == '-' || c == '_'; }))
        return given;
    return HttpResponse::newRequestId();
}

} // namespace

ApiWorker::ApiWorker(Options options, const HttpLimits &limits, int fd, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_shard(m_options.metrics->addShard())
    , m_tcp(new GuardedTcpServer(limits, this))
    , m_handler([this](QTcpSocket *socket, const RequestFramer::Head &head, QByteArray body) {
        handleRequest(socket, head, std::move(body));
    })
{
    ConnectionGuard::setThreadGauge(&m_shard->openConnections);
    ConnectionGuard::setThreadHandler(&m_handler);
    m_tcp->setSocketDescriptor(fd);
    m_drainPoll.setInterval(20);
    connect(&m_drainPoll, &QTimer::timeout, this, &ApiWorker::checkDrained);
}

ApiWorker::~ApiWorker()
{
    ConnectionGuard::setThreadHandler(nullptr);
}

void ApiWorker::handleRequest(QTcpSocket *socket, const RequestFramer::Head &head, QByteArray body)
{
    const auto started = std::chrono::steady_clock::now();
    ConnectionGuard *guard = ConnectionGuard::of(socket);

    HttpRequest request;
    request.method = head.method;
    if (head.target == "*") {
        request.path = QStringLiteral("*");
    } else {
        const QUrl url = QUrl::fromEncoded(head.target);
        request.path = url.path();
        request.query = QUrlQuery(url);
    }
    request.headers = head.headers;
    request.body = std::move(body);
    request.peer = socket->peerAddress();
    request.requestId = requestIdFor(request);
    request.clientAddress = request.peer.toString();

    int routeId = -1;
    HttpResponse response = dispatch(request, &routeId);
    m_options.cors.apply(request, response);

    // Counted and logged before the client can see the answer, so its next request
    // (a /metrics scrape, say) already includes this one.
    const qint64 elapsedUs =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count();
    m_options.metrics->recordRequest(m_shard, routeId, response.status, elapsedUs);
    if (m_options.logRequests)
        logRequest(request, response.status, elapsedUs);

    const bool keepAlive = head.keepAlive && !m_draining;
    socket->write(response.serialize(request.requestId, request.method == "HEAD", keepAlive));
    // Write now rather than on the next event-loop pass: one syscall, no extra wake-up.
    socket->flush();
    if (guard)
        guard->responseWritten(keepAlive);
}

void ApiWorker::logRequest(const HttpRequest &request, int status, qint64 elapsedUs)
{
    QByteArray line = request.method;
    line += ' ';
    line += request.path.toUtf8();
    line += ' ';
    line += QByteArray::number(status);
    line += ' ';
    line += QByteArray::number(double(elapsedUs) / 1000.0, 'f', 3);
    line += "ms id=";
    line += request.requestId;
    line += " peer=";
    line += request.peer.toString().toLatin1();
    line += " user=";
    line += request.actor.isEmpty() ? QByteArray("-") : request.actor.toUtf8();
    Log::request(line);
}

HttpResponse ApiWorker::dispatch(HttpRequest &request, int *routeId)
{
    const Router &router = *m_options.router;
    const Router::Match match = router.match(request.method, request.path);
    if (m_options.gate) {
        if (auto admitted = m_options.gate(request, match.route ? &match.route->spec : nullptr); !admitted)
            return HttpResponse::error(admitted.error());
    }
    if (request.method == "OPTIONS") {
        const QList<QByteArray> methods = router.allowedMethods(request.path);
        if (methods.isEmpty())
            return HttpResponse::error(AppError::notFound(QStringLiteral("no such path: %1").arg(request.path)));
        return m_options.cors.preflight(request, methods);
    }
    if (!match.route) {
        if (!match.allowedMethods.isEmpty()) {
            HttpResponse response = HttpResponse::error(
                AppError{405, "METHOD_NOT_ALLOWED",
                         QStringLiteral("%1 is not allowed on %2; allowed: %3")
                             .arg(QString::fromLatin1(request.method), request.path,
                                  QString::fromLatin1(match.allowedMethods.join(", "))),
                         {}});
            response.setHeader("Allow", match.allowedMethods.join(", "));
            return response;
        }
        return HttpResponse::error(AppError::notFound(
            QStringLiteral("no route for %1 %2").arg(QString::fromLatin1(request.method), request.path)));
    }
    *routeId = match.route->id;
    request.params = match.params;
    try {
        Result<HttpResponse> result = match.route->handler(request);
        if (result)
            return std::move(result).value();
        if (result.error().status >= 500)
            qCWarning(lcHttp).noquote() << request.method << request.path << "failed:" << result.error().message << "id"
                                        << request.requestId;
        return HttpResponse::error(result.error());
    } catch (const std::exception &e) {
        qCCritical(lcHttp).noquote() << request.method << request.path << "threw:" << e.what() << "id" << request.requestId;
    } catch (...) {
        qCCritical(lcHttp).noquote() << request.method << request.path << "threw an unknown exception id" << request.requestId;
    }
    // The details stay in the log; the client gets the request id to quote.
    return HttpResponse::error(AppError::internal(
        QStringLiteral("internal error; quote request id %1 to the administrator").arg(QString::fromLatin1(request.requestId))));
}

void ApiWorker::drain(int graceMs)
{
    m_draining = true;
    m_drainDeadlineMs = Clock::monotonicMs() + graceMs;
    m_tcp->close();
    for (ConnectionGuard *guard : m_tcp->guards())
        guard->beginDrain();
    m_drainPoll.start();
    checkDrained();
}

void ApiWorker::checkDrained()
{
    if (m_shard->openConnections.load() > 0 && Clock::monotonicMs() < m_drainDeadlineMs)
        return;
    m_drainPoll.stop();
    for (QTcpSocket *socket : m_tcp->findChildren<QTcpSocket *>())
        socket->abort();
    QThread::currentThread()->quit();
}

} // namespace caiwu
