#include "GuardedTcpServer.h"

#include "ConnectionGuard.h"
#include "core/Clock.h"

#include <QTcpSocket>

namespace caiwu {

namespace {
// Timeouts are enforced to within this much; they are seconds long.
constexpr int SweepIntervalMs = 250;
}

GuardedTcpServer::GuardedTcpServer(const HttpLimits &limits, QObject *parent)
    : QTcpServer(parent)
    , m_limits(limits)
{
    m_sweep.setInterval(SweepIntervalMs);
    connect(&m_sweep, &QTimer::timeout, this, &GuardedTcpServer::sweep);
    m_sweep.start();
}

QList<ConnectionGuard *> GuardedTcpServer::guards() const
{
    QList<ConnectionGuard *> guards;
    for (QTcpSocket *socket : findChildren<QTcpSocket *>(Qt::FindDirectChildrenOnly))
        if (ConnectionGuard *guard = ConnectionGuard::of(socket))
            guards.append(guard);
    return guards;
}

void GuardedTcpServer::sweep()
{
    const qint64 now = Clock::monotonicMs();
    for (ConnectionGuard *guard : guards())
        guard->checkDeadline(now);
}

void GuardedTcpServer::incomingConnection(qintptr descriptor)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        return;
    }
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    new ConnectionGuard(socket, m_limits);
}

} // namespace caiwu
