#pragma once

#include "HttpLimits.h"

#include <QTcpServer>
#include <QTimer>

namespace caiwu {

// The TCP server handed to QtHttpServer's bind(): every accepted socket gets its
// ConnectionGuard before QtHttpServer connects its own slots to it. A sweep a few
// times a second enforces the guards' idle and request deadlines.
class GuardedTcpServer : public QTcpServer {
    Q_OBJECT
public:
    explicit GuardedTcpServer(const HttpLimits &limits, QObject *parent = nullptr);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    void sweep();

    HttpLimits m_limits;
    QTimer m_sweep;
};

} // namespace caiwu
