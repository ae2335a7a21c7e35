#pragma once

#include "HttpRequest.h"
#include "HttpResponse.h"

#include <QStringList>

namespace caiwu {

// Which browser origins may call the API with credentials. Configured origins
// replace the default, which is the appliance's public address plus loopback
// (any port, for an admin's tools on the appliance itself). Any other origin gets
// no CORS headers at all, so the browser refuses the response.
class CorsPolicy {
public:
    CorsPolicy() = default;
    CorsPolicy(const QStringList &configured, const QString &publicBaseUrl);

    bool allows(QByteArrayView origin) const;
    void apply(const HttpRequest &request, HttpResponse &response) const;
    HttpResponse preflight(const HttpRequest &request, const QList<QByteArray> &methods) const;

private:
    QList<QByteArray> m_origins;
    bool m_loopback = true;
};

} // namespace caiwu
