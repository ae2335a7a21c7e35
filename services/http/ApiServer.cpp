#include "ApiServer.h"

#include "ApiWorker.h"
#include "ListenSocket.h"
#include "core/Log.h"

#include <QEventLoop>
#include <QSemaphore>
#include <QThread>

#include <unistd.h>

namespace caiwu {

ApiServer::ApiServer(const Router &router, Metrics &metrics, std::function<void()> threadExit, QObject *parent)
    : QObject(parent)
    , m_router(router)
    , m_metrics(metrics)
    , m_threadExit(std::move(threadExit))
{
}

ApiServer::~ApiServer()
{
    stop(0);
}

Result<void> ApiServer::start(const ApiServerOptions &options)
{
    if (isRunning())
        return AppError::internal(QStringLiteral("the API server is already running"));
    const int count = options.threads > 0 ? options.threads : std::max(1, QThread::idealThreadCount());

    // Bind every socket before starting any thread, so a busy port fails cleanly.
    std::vector<int> fds;
    quint16 port = options.port;
    for (int i = 0; i < count; ++i) {
        auto fd = ListenSocket::open(options.address, port);
        if (!fd) {
            for (int open : fds)
                ::close(open);
            return fd.error();
        }
        if (i == 0)
            port = ListenSocket::boundPort(*fd); // with port 0, the rest join the one the kernel chose
        fds.push_back(*fd);
    }
    m_port = port;
    m_address = options.address;

    QSemaphore ready;
    // Sized once: each thread writes its own slot, and nothing may reallocate under it.
    m_workers.assign(size_t(count), nullptr);
    for (int i = 0; i < count; ++i) {
        const int fd = fds[size_t(i)];
        ApiWorker::Options workerOptions{&m_router, options.cors, &m_metrics, options.logRequests, options.gate};
        const HttpLimits limits = options.limits;
        auto exitHook = m_threadExit;
        QObject **slot = &m_workers[size_t(i)];
        std::unique_ptr<QThread> thread(QThread::create([=, &ready]() {
            ApiWorker worker(workerOptions, limits, fd);
            *slot = &worker;
            ready.release();
            QEventLoop loop; // QThread::quit() ends it (QThread::exec is protected)
            loop.exec();
            if (exitHook)
                exitHook();
        }));
        thread->setObjectName(QStringLiteral("api-%1").arg(i));
        thread->start();
        m_threads.push_back(std::move(thread));
    }
    ready.acquire(count);
    qCInfo(lcHost).noquote() << QStringLiteral("API listening on http://%1:%2 with %3 worker threads")
                                    .arg(m_address.protocol() == QAbstractSocket::IPv6Protocol
                                             ? QLatin1Char('[') + m_address.toString() + QLatin1Char(']')
                                             : m_address.toString())
                                    .arg(m_port)
                                    .arg(count);
    return {};
}

QUrl ApiServer::dialUrl(const QHostAddress &address, quint16 port)
{
    QHostAddress host = address;
    if (host == QHostAddress::Any || host == QHostAddress::AnyIPv4)
        host = QHostAddress::LocalHost;
    else if (host == QHostAddress::AnyIPv6)
        host = QHostAddress::LocalHostIPv6;
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    url.setHost(host.toString());
    url.setPort(port);
    return url;
}

void ApiServer::stop(int graceMs)
{
    if (!isRunning())
        return;
    for (QObject *worker : m_workers)
        QMetaObject::invokeMethod(worker, "drain", Qt::QueuedConnection, Q_ARG(int, graceMs));
    for (auto &thread : m_threads)
        thread->wait();
    m_threads.clear();
    m_workers.clear();
    qCInfo(lcHost) << "API stopped";
}

} // namespace caiwu
