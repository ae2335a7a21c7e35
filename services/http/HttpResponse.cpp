#include "HttpResponse.h"

#include "core/Json.h"

#include <QDateTime>
#include <QLocale>
#include <QRandomGenerator>

#include <atomic>

namespace caiwu {

namespace {

// The Date header changes once a second; format it once per second per thread.
const QByteArray &httpDate()
{
    thread_local qint64 second = -1;
    thread_local QByteArray text;
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    if (now != second) {
        second = now;
        text = QLocale::c().toString(QDateTime::fromSecsSinceEpoch(now, Qt::UTC), QStringLiteral("ddd, dd MMM yyyy hh:mm:ss"))
                   .toLatin1()
            + " GMT";
    }
    return text;
}

// Headers serialize() writes itself; a handler's copy of one would make a second.
bool isManagedHeader(QByteArrayView name)
{
    for (QByteArrayView managed : {"Content-Type", "Content-Length", "Connection", "Date", "Server", "X-Request-Id", "Transfer-Encoding"})
        if (name.compare(managed, Qt::CaseInsensitive) == 0)
            return true;
    return false;
}

} // namespace

const char *reasonPhrase(int status)
{
    switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 417: return "Expectation Failed";
    case 422: return "Unprocessable Content";
    case 423: return "Locked";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
    }
}

HttpResponse HttpResponse::json(const QJsonObject &object, int status)
{
    return HttpResponse{status, "application/json", Json::bytes(object), {}};
}

HttpResponse HttpResponse::json(const QJsonArray &array, int status)
{
    return HttpResponse{status, "application/json", Json::bytes(array), {}};
}

HttpResponse HttpResponse::error(const AppError &error)
{
    return json(error.toJson(), error.status);
}

HttpResponse HttpResponse::bytes(QByteArray body, QByteArray contentType, int status)
{
    return HttpResponse{status, std::move(contentType), std::move(body), {}};
}

HttpResponse HttpResponse::noContent()
{
    return HttpResponse{204, {}, {}, {}};
}

void HttpResponse::setHeader(const QByteArray &name, const QByteArray &value)
{
    for (auto &header : headers) {
        if (header.first.compare(name, Qt::CaseInsensitive) == 0) {
            header.second = value;
            return;
        }
    }
    headers.append({name, value});
}

QByteArray HttpResponse::header(const QByteArray &name) const
{
    for (const auto &header : headers)
        if (header.first.compare(name, Qt::CaseInsensitive) == 0)
            return header.second;
    return {};
}

QByteArray HttpResponse::serialize(const QByteArray &requestId, bool headRequest, bool keepAlive) const
{
    QByteArray out;
    out.reserve(256 + (headRequest ? 0 : body.size()));
    out += "HTTP/1.1 ";
    out += QByteArray::number(status);
    out += ' ';
    out += reasonPhrase(status);
    out += "\r\nDate: ";
    out += httpDate();
    out += "\r\nServer: caiwu\r\nX-Request-Id: ";
    out += requestId;
    if (!contentType.isEmpty() && status != 204 && status != 304) {
        out += "\r\nContent-Type: ";
        out += contentType;
        if (contentType == "application/json")
            out += "; charset=utf-8";
    }
    if (status != 204 && status != 304) {
        out += "\r\nContent-Length: ";
        out += QByteArray::number(body.size());
    }
    out += keepAlive ? "\r\nConnection: keep-alive" : "\r\nConnection: close";
    for (const auto &[name, value] : headers) {
        if (isManagedHeader(name))
            continue; // written above from the response's own fields; never twice
        out += "\r\n";
        out += name;
        out += ": ";
        out += value;
    }
    out += "\r\n\r\n";
    if (!headRequest && status != 204 && status != 304)
        out += body;
    return out;
}

QByteArray HttpResponse::newRequestId()
{
    // A random process prefix plus a counter: unique, ordered within a run, no syscall.
    static const quint32 prefix = QRandomGenerator::system()->generate();
    static std::atomic<quint64> counter{0};
    const quint64 n = counter.fetch_add(1, std::memory_order_relaxed);
    return QByteArray::number(prefix, 16).rightJustified(8, '0') + QByteArray::number(n, 16).rightJustified(8, '0');
}

} // namespace caiwu
