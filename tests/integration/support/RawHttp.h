#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QTcpSocket>

struct HttpReply {
    int status = 0;            // 0: no (complete) response arrived
    QByteArray statusLine;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;

    QByteArray header(QByteArrayView name) const;
    QJsonObject json() const;
};

// A blocking HTTP/1.1 client on a plain socket, so tests control every byte: oversized
// heads, split writes, pipelining, half-sent bodies, disconnects.
class RawClient {
public:
    bool connectTo(quint16 port);
    void send(const QByteArray &bytes);
    // Reads one response. `headRequest`: the response to HEAD has no body whatever its
    // Content-Length says. Interim 1xx responses are returned like any other.
    HttpReply readReply(bool headRequest = false, int timeoutMs = 15000);
    // True once the server has closed the connection (reading and dropping any data).
    bool waitClosed(int timeoutMs = 15000);
    QTcpSocket &socket() { return m_socket; }

private:
    bool fill(int timeoutMs);
    QTcpSocket m_socket;
    QByteArray m_buffer;
};

// One request on a fresh connection.
HttpReply httpRequest(quint16 port, const QByteArray &method, const QByteArray &path, const QByteArray &body = {},
                      const QList<QPair<QByteArray, QByteArray>> &headers = {});
