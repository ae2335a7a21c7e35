#include "ListenSocket.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace caiwu {

Result<int> ListenSocket::open(const QHostAddress &address, quint16 port, int backlog)
{
    const bool v6 = address.protocol() == QAbstractSocket::IPv6Protocol;
    const int fd = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return AppError::internal(QStringLiteral("cannot create a socket: %1").arg(QString::fromLocal8Bit(strerror(errno))));
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    int rc;
    if (v6) {
        sockaddr_in6 addr{};
        addr.sin6_family = AF_INET6;
        addr.sin6_port = htons(port);
        const Q_IPV6ADDR raw = address.toIPv6Address();
        memcpy(&addr.sin6_addr, &raw, sizeof raw);
        rc = ::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr);
    } else {
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port);
        addr.sin_addr.s_addr = htonl(address.toIPv4Address());
        rc = ::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr);
    }
    if (rc != 0 || ::listen(fd, backlog) != 0) {
        const QString why = QString::fromLocal8Bit(strerror(errno));
        ::close(fd);
        return AppError::unavailable(QStringLiteral("cannot listen on %1 port %2: %3 (is another program using the port?)")
                                         .arg(address.toString()).arg(port).arg(why));
    }
    return fd;
}

quint16 ListenSocket::boundPort(int fd)
{
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    if (::getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len) != 0)
        return 0;
    if (addr.ss_family == AF_INET6)
        return ntohs(reinterpret_cast<sockaddr_in6 *>(&addr)->sin6_port);
    return ntohs(reinterpret_cast<sockaddr_in *>(&addr)->sin_port);
}

} // namespace caiwu
