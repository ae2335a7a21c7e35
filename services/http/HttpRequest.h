#pragma once

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrlQuery>

namespace caiwu {

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
