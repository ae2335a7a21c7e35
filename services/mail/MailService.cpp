#include "MailService.h"

#include "MailRoutes.h"
#include "Outbox.h"
#include "core/Log.h"
#include "storage/Database.h"

namespace caiwu {

MailService::MailService(Database &db, Outbox &outbox)
    : m_db(db)
    , m_outbox(outbox)
{
}

MailService::~MailService()
{
    stop();
}

Result<void> MailService::start(const MailServiceOptions &options)
{
    if (isRunning())
        return {};
    if (auto requeued = m_outbox.requeueInterrupted(); !requeued)
        return requeued.error();
    else if (*requeued > 0)
        qCWarning(lcMail) << *requeued << "message(s) were being sent when Caiwu stopped; they are sent again";

    m_sender = std::make_unique<MailSender>(m_db, m_outbox, options.smtp, options.retry);
    m_router = Router();
    MailSender *sender = m_sender.get();
    registerMailRoutes(m_router, m_outbox, options.token, [sender] { sender->wake(); });

    ApiServerOptions http;
    http.address = options.address;
    http.port = options.port;
    http.threads = 1; // acceptance is one short insert; one thread keeps up with thousands a second
    http.limits = options.limits;
    http.logRequests = options.logRequests;
    Database *db = &m_db;
    auto server = std::make_unique<ApiServer>(m_router, m_metrics, [db] { db->releaseThreadConnection(); });
    if (auto ok = server->start(http); !ok) {
        m_sender.reset();
        return ok.error();
    }
    m_http = std::move(server);
    m_sender->start();
    if (!m_sender->smtpConfigured())
        qCWarning(lcMail) << "smtp.host is not set: mail is accepted and queued, but not sent until it is";
    return {};
}

void MailService::stop()
{
    if (m_http) {
        m_http->stop();
        m_http.reset();
    }
    if (m_sender) {
        m_sender->stop();
        m_sender.reset();
    }
}

} // namespace caiwu
