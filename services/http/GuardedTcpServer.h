#pragma once

#include "HttpLimits.h"

#include <QTcpServer>
#include <QTimer>

namespace caiwu {

// One worker's listening socket: every accepted connection gets its ConnectionGuard,
// which owns it from then on (it is not queued as a pending connection). A sweep a few
// times a second enforces the guards' idle and request deadlines.
class GuardedTcpServer : public QTcpServer {
    Q_OBJECT
public:
    explicit GuardedTcpServer(const HttpLimits &limits, QObject *parent = nullptr);

protected:
    void incomingConnection(qintptr descriptor) override;

public:
    // The guards of the open connections.
    QList<class ConnectionGuard *> guards() const;

private:
    void sweep();

    HttpLimits m_limits;
    QTimer m_sweep;
};

} // namespace caiwu
