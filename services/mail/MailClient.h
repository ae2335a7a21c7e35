#pragma once

#include "core/Result.h"
#include "core/WakeableThread.h"

#include <QString>

#include <mutex>

namespace caiwu {

class Database;

// How the API sends mail: over HTTP to the mail service with the token, as the reference
// backend used its service binding. A message is first kept in `mail_handoff`, so the
// API's own action never waits for, or fails with, the mail service; a thread hands it
// over (Idempotency-Key = its id, so a repeat is harmless) and retries while the mail
// service does not answer.
class MailClient {
public:
    MailClient(Database &db, QString serviceUrl, QByteArray token);
    ~MailClient();

    void start();
    void stop();

    // Returns the hand-off id at once.
    Result<QString> send(const QString &to, const QString &subject, const QString &html, const QString &text);

    Result<int> waiting();
    QString lastError() const;

private:
    void run();
    // Hands over every waiting message; false if the service did not take one.
    bool handOver();

    Database &m_db;
    QString m_serviceUrl;
    QByteArray m_token;

    mutable std::mutex m_errorMutex;
    QString m_lastError;
    WakeableThread m_thread;
};

} // namespace caiwu
