#pragma once

#include "MailSender.h"
#include "core/Result.h"
#include "http/ApiServer.h"
#include "http/Metrics.h"
#include "http/Router.h"

#include <memory>

namespace caiwu {

class Database;
class Outbox;

struct MailServiceOptions {
    QHostAddress address = QHostAddress::LocalHost;
    quint16 port = 8788;
    QByteArray token;             // EMAIL_TOKEN; empty: no authentication (as the reference)
    SmtpSettings smtp;
    RetryPolicy retry;
    HttpLimits limits;
    bool logRequests = true;
};

// Caiwu's internal email sender: its own HTTP port (/health, /send) in front of the
// durable outbox, and the sender thread that delivers through SMTP.
class MailService {
public:
    MailService(Database &db, Outbox &outbox);
    ~MailService();

    Result<void> start(const MailServiceOptions &options);
    void stop();

    bool isRunning() const { return m_http != nullptr; }
    quint16 port() const { return m_http ? m_http->port() : 0; }
    bool smtpConfigured() const { return m_sender && m_sender->smtpConfigured(); }
    QString lastDeliveryError() const { return m_sender ? m_sender->lastError() : QString(); }

private:
    Database &m_db;
    Outbox &m_outbox;
    Router m_router;
    Metrics m_metrics;
    std::unique_ptr<ApiServer> m_http;
    std::unique_ptr<MailSender> m_sender;
};

} // namespace caiwu
