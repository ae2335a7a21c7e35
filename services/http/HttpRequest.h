#pragma once

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrlQuery>

#include <memory>

namespace caiwu {

struct AuthSession; // services/auth: who is calling, once the access gate has admitted them

// A request as handlers see it: already framed, limited and routed.
struct HttpRequest {
    QByteArray method;                 // upper case; HEAD is routed to the GET handler
    QString path;                      // percent-decoded
    QUrlQuery query;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    QHostAddress peer;
    QByteArray requestId;
    QHash<QString, QString> params;    // {name} segments of the matched route

    // Set by the access gate before the handler runs.
    QString clientAddress;             // the peer, or the client behind a trusted proxy
    std::shared_ptr<const AuthSession> session; // the caller of an authenticated route
    QString actor;                     // who the request log names ("-" when nobody)

    QByteArray header(QByteArrayView name) const
    {
        for (const auto &h : headers)
            if (QByteArrayView(h.first).compare(name, Qt::CaseInsensitive) == 0)
                return h.second;
        return {};
    }
    QString queryValue(const QString &name) const { return query.queryItemValue(name, QUrl::FullyDecoded); }
};

} // namespace caiwu
