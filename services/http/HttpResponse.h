#pragma once

#include "core/AppError.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QPair>

namespace caiwu {

// What a handler answers. Serialised by the server itself (not QHttpServerResponder)
// so that HEAD carries no body, Connection: close is honoured and every response
// has its request id.
struct HttpResponse {
    int status = 200;
    QByteArray contentType = "application/json";
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;

    static HttpResponse json(const QJsonObject &object, int status = 200);
    static HttpResponse json(const QJsonArray &array, int status = 200);
    static HttpResponse error(const AppError &error);
    static HttpResponse bytes(QByteArray body, QByteArray contentType, int status = 200);
    static HttpResponse noContent();

    void setHeader(const QByteArray &name, const QByteArray &value);
    QByteArray header(const QByteArray &name) const;

    // The bytes on the wire. A HEAD answer keeps Content-Length but drops the body.
    QByteArray serialize(const QByteArray &requestId, bool headRequest, bool keepAlive) const;

    // 16 hex characters, unique per process run; cheap enough for every request.
    static QByteArray newRequestId();
};

const char *reasonPhrase(int status);

} // namespace caiwu
