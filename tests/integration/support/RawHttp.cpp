#include "RawHttp.h"

#include <QDeadlineTimer>
#include <QHostAddress>
#include <QJsonDocument>

QByteArray HttpReply::header(QByteArrayView name) const
{
    for (const auto &h : headers)
        if (QByteArrayView(h.first).compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    return {};
}

QJsonObject HttpReply::json() const
{
    return QJsonDocument::fromJson(body).object();
}

bool RawClient::connectTo(quint16 port)
{
    m_socket.connectToHost(QHostAddress::LocalHost, port);
    return m_socket.waitForConnected(10000);
}

void RawClient::send(const QByteArray &bytes)
{
    m_socket.write(bytes);
    m_socket.waitForBytesWritten(10000);
}

bool RawClient::fill(int timeoutMs)
{
    if (m_socket.bytesAvailable() == 0 && !m_socket.waitForReadyRead(timeoutMs))
        return false;
    m_buffer += m_socket.readAll();
    return true;
}

HttpReply RawClient::readReply(bool headRequest, int timeoutMs)
{
    HttpReply reply;
    QDeadlineTimer deadline(timeoutMs);
    qsizetype end;
    while ((end = m_buffer.indexOf("\r\n\r\n")) < 0) {
        if (deadline.hasExpired() || !fill(int(std::max<qint64>(1, deadline.remainingTime()))))
            return reply;
    }
    const QList<QByteArray> lines = m_buffer.left(end).split('\n');
    m_buffer.remove(0, end + 4);
    reply.statusLine = lines.first().trimmed();
    const QList<QByteArray> parts = reply.statusLine.split(' ');
    const int status = parts.value(1).toInt();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines[i].trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon > 0)
            reply.headers.append({line.left(colon).trimmed(), line.mid(colon + 1).trimmed()});
    }
    qint64 length = reply.header("content-length").toLongLong();
    if (headRequest || status == 204 || status == 304 || (status >= 100 && status < 200))
        length = 0;
    while (m_buffer.size() < length) {
        if (deadline.hasExpired() || !fill(int(std::max<qint64>(1, deadline.remainingTime()))))
            return reply;
    }
    reply.body = m_buffer.left(length);
    m_buffer.remove(0, length);
    reply.status = status;
    return reply;
}

bool RawClient::waitClosed(int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        if (m_socket.state() == QAbstractSocket::UnconnectedState)
            return true;
        m_socket.waitForReadyRead(50);
        m_socket.readAll();
        if (m_socket.state() == QAbstractSocket::UnconnectedState || m_socket.error() == QAbstractSocket::RemoteHostClosedError)
            return true;
    }
    return false;
}

HttpReply httpRequest(quint16 port, const QByteArray &method, const QByteArray &path, const QByteArray &body,
                      const QList<QPair<QByteArray, QByteArray>> &headers)
{
    RawClient client;
    if (!client.connectTo(port))
        return {};
    QByteArray request = method + ' ' + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (const auto &[name, value] : headers)
        request += name + ": " + value + "\r\n";
    if (!body.isEmpty() || method == "POST" || method == "PUT")
        request += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    request += "\r\n" + body;
    client.send(request);
    return client.readReply(method == "HEAD");
}
