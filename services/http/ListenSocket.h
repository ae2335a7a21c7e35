#pragma once

#include "core/Result.h"

#include <QHostAddress>

namespace caiwu {

// A listening TCP socket with SO_REUSEPORT, so each worker thread can own one on the
// same port and the kernel spreads new connections across them.
struct ListenSocket {
    static Result<int> open(const QHostAddress &address, quint16 port, int backlog = 1024);
    static quint16 boundPort(int fd);
};

} // namespace caiwu
