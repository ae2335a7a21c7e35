#include "MailClient.h"

#include "core/Clock.h"
#include "core/Json.h"
#include "core/Log.h"
#include "storage/Database.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

#include <curl/curl.h>

namespace caiwu {

namespace {

constexpr qint64 FirstRetryMs = 1000;
constexpr qint64 LongestRetryMs = 30000;

size_t collect(char *data, size_t size, size_t count, void *into)
{
    static_cast<QByteArray *>(into)->append(data, qsizetype(size * count));
    return size * count;
}

struct Handoff {
    QString id, to, subject, html, text;
};

// One POST /send. Returns the HTTP status (0 when the service did not answer) and the body.
std::pair<long, QByteArray> post(const QString &url, const QByteArray &token, const Handoff &h)
{
    QJsonObject body{{QStringLiteral("to"), h.to}, {QStringLiteral("subject"), h.subject}};
    if (!h.html.isEmpty())
        body.insert(QStringLiteral("html"), h.html);
    if (!h.text.isEmpty())
        body.insert(QStringLiteral("text"), h.text);
    const QByteArray json = Json::bytes(body);
    const QByteArray target = url.toUtf8() + "/send";
    CURL *curl = curl_easy_init();
    curl_slist *headers = nullptr;
    headers = curl_slist_append(headers, "Content-Type: application/json");
    headers = curl_slist_append(headers, ("Idempotency-Key: " + h.id.toLatin1()).constData());
    if (!token.isEmpty())
        headers = curl_slist_append(headers, ("x-email-token: " + token).constData());
    QByteArray reply;
    curl_easy_setopt(curl, CURLOPT_URL, target.constData());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, json.constData());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, long(json.size()));
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 3L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_PROXY, ""); // the mail service is local: never through a proxy
    long status = 0;
    if (curl_easy_perform(curl) == CURLE_OK)
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    return {status, reply};
}

} // namespace

MailClient::MailClient(Database &db, QString serviceUrl, QByteArray token)
    : m_db(db)
    , m_serviceUrl(std::move(serviceUrl))
    , m_token(std::move(token))
{
}

MailClient::~MailClient()
{
    stop();
}

void MailClient::start()
{
    m_thread.start([this] { run(); });
}

void MailClient::stop()
{
    m_thread.stop();
}

Result<QString> MailClient::send(const QString &to, const QString &subject, const QString &html, const QString &text)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    QSqlQuery q(*db);
    q.prepare(QStringLiteral("INSERT INTO mail_handoff (id, to_address, subject, html, body_text, created_at) VALUES (?, ?, ?, ?, ?, ?)"));
    q.addBindValue(id);
    q.addBindValue(to);
    q.addBindValue(subject);
    q.addBindValue(html.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(html));
    q.addBindValue(text.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(text));
    q.addBindValue(Clock::nowMs());
    if (!q.exec())
        return AppError::unavailable(QStringLiteral("cannot keep the mail for sending: %1").arg(q.lastError().text()));
    m_thread.wake();
    return id;
}

Result<int> MailClient::waiting()
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    QSqlQuery q(*db);
    if (!q.exec(QStringLiteral("SELECT count(*) FROM mail_handoff")) || !q.next())
        return AppError::unavailable(q.lastError().text());
    return q.value(0).toInt();
}

QString MailClient::lastError() const
{
    std::lock_guard lock(m_errorMutex);
    return m_lastError;
}

void MailClient::run()
{
    qint64 backoffMs = FirstRetryMs;
    qint64 idleMs = 0;
    do {
        if (handOver()) {
            // Nothing waits: sleep until new mail wakes the loop.
            backoffMs = FirstRetryMs;
            idleMs = LongestRetryMs;
        } else {
            // The mail service did not take it: try again after a growing pause.
            backoffMs = std::min(backoffMs * 2, LongestRetryMs);
            idleMs = backoffMs;
        }
    } while (m_thread.sleep(idleMs));
    m_db.releaseThreadConnection();
}

bool MailClient::handOver()
{
    auto db = m_db.connection();
    if (!db)
        return false;
    QSqlQuery q(*db);
    if (!q.exec(QStringLiteral("SELECT id, to_address, subject, html, body_text FROM mail_handoff ORDER BY created_at LIMIT 100")))
        return false;
    QList<Handoff> waiting;
    while (q.next())
        waiting.append({q.value(0).toString(), q.value(1).toString(), q.value(2).toString(), q.value(3).toString(),
                        q.value(4).toString()});
    q.finish();
    for (const Handoff &h : waiting) {
        if (m_thread.stopping())
            return false;
        const auto [status, reply] = post(m_serviceUrl, m_token, h);
        QString error;
        if (status == 200) {
            // Accepted: the mail service owns it now.
        } else if (status == 400) {
            // The message itself is unacceptable (e.g. a bad address): it never will be.
            qCWarning(lcMail).noquote() << "the mail service refused message" << h.id << "to" << h.to << ':' << reply;
        } else {
            error = status == 0 ? QStringLiteral("the mail service at %1 does not answer").arg(m_serviceUrl)
                  : status == 401 ? QStringLiteral("the mail service refused the EMAIL_TOKEN")
                                  : QStringLiteral("the mail service answered %1: %2").arg(status).arg(QString::fromUtf8(reply));
            QSqlQuery update(*db);
            update.prepare(QStringLiteral("UPDATE mail_handoff SET attempts = attempts + 1, last_error = ? WHERE id = ?"));
            update.addBindValue(error);
            update.addBindValue(h.id);
            update.exec();
            std::lock_guard lock(m_errorMutex);
            m_lastError = error;
            return false;
        }
        QSqlQuery done(*db);
        done.prepare(QStringLiteral("DELETE FROM mail_handoff WHERE id = ?"));
        done.addBindValue(h.id);
        done.exec();
        std::lock_guard lock(m_errorMutex);
        m_lastError.clear();
    }
    return true;
}

} // namespace caiwu
