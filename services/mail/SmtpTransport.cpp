#include "SmtpTransport.h"

#include "MimeHeaders.h"
#include "core/Log.h"

#include <QDateTime>
#include <QSysInfo>
#include <QUrl>
#include <QUuid>

#include <curl/curl.h>

#include <algorithm>
#include <mutex>

namespace caiwu {
namespace {

void initCurlOnce()
{
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// Owners of libcurl's lists, freed after the transfer that used them.
struct Slist {
    curl_slist *list = nullptr;
    Slist() = default;
    Slist(const Slist &) = delete;
    Slist &operator=(const Slist &) = delete;
    ~Slist() { curl_slist_free_all(list); }
    bool append(const QByteArray &line)
    {
        curl_slist *grown = curl_slist_append(list, line.constData());
        if (grown)
            list = grown;
        return grown != nullptr;
    }
};

struct Mime {
    curl_mime *mime = nullptr;
    explicit Mime(CURL *curl) : mime(curl_mime_init(curl)) {}
    Mime(const Mime &) = delete;
    Mime &operator=(const Mime &) = delete;
    ~Mime() { curl_mime_free(mime); }
};

// Text bodies in canonical form (CRLF line ends), base64 when they are not ASCII so
// the message is 7-bit safe; quoted-printable keeps ASCII readable and folds long lines.
bool addTextPart(curl_mime *mime, const QString &body, const char *type)
{
    QString canonical = body;
    canonical.replace(QLatin1String("\r\n"), QLatin1String("\n")).replace(u'\r', u'\n');
    canonical.replace(QLatin1String("\n"), QLatin1String("\r\n"));
    const QByteArray utf8 = canonical.toUtf8();
    bool ascii = true;
    for (const char c : utf8) {
        if (uchar(c) >= 0x80) {
            ascii = false;
            break;
        }
    }
    curl_mimepart *part = curl_mime_addpart(mime);
    return part && curl_mime_data(part, utf8.constData(), size_t(utf8.size())) == CURLE_OK
        && curl_mime_type(part, type) == CURLE_OK
        && curl_mime_encoder(part, ascii ? "quoted-printable" : "base64") == CURLE_OK;
}

// A server's reply or libcurl's message, safe to show and store: one line, no controls.
QString printable(const QByteArray &text, int limit = 300)
{
    QString out = QString::fromUtf8(text).simplified();
    for (QChar &c : out) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            c = u' ';
    }
    if (out.size() > limit)
        out = out.left(limit) + QStringLiteral("…");
    return out;
}

int replyCode(const QByteArray &reply)
{
    if (reply.size() < 3)
        return 0;
    bool ok = false;
    const int code = reply.left(3).toInt(&ok);
    return ok && code >= 100 && code < 600 ? code : 0;
}

QByteArray ehloDomain()
{
    // EHLO names this machine; curl would say "localhost", which some servers distrust.
    const QString host = QSysInfo::machineHostName();
    for (const QChar c : host) {
        if (!(c.isLetterOrNumber() && c.unicode() < 0x80) && c != u'-' && c != u'.')
            return QByteArrayLiteral("localhost");
    }
    return host.isEmpty() ? QByteArrayLiteral("localhost") : host.toLatin1();
}

bool isTlsVerificationFailure(CURLcode code)
{
    switch (code) {
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
        return true;
    default:
        return false;
    }
}

} // namespace

struct SmtpTransport::Private {
    SmtpSettings settings;
    CURL *curl = nullptr;
    char errorBuffer[CURL_ERROR_SIZE] = {};
    QByteArray lastReply;   // the server's last reply line in this delivery
    QByteArray lastCommand; // the verb of the last command sent ("MAIL", "RCPT"...), never its arguments
    bool connectionKept = false; // the last delivery left a live connection in the handle
    bool quitSent = false;  // curl closes a failed connection inside the transfer
    QByteArray url;

    QString server() const { return QStringLiteral("%1:%2").arg(settings.host).arg(settings.port); }

    bool open();
    void close();
    DeliveryResult attempt(const OutgoingMessage &message, bool *connectionWasReused);
    DeliveryResult classify(CURLcode code, const OutgoingMessage &message) const;
    QString phase(const OutgoingMessage &message) const;

    static int onDebug(CURL *, curl_infotype type, char *data, size_t size, void *self);
};

// Watches the dialogue for the reply text and the phase a failure happened in. Only
// verbs are kept from what we send: AUTH lines carry credentials.
int SmtpTransport::Private::onDebug(CURL *, curl_infotype type, char *data, size_t size, void *self)
{
    auto *d = static_cast<Private *>(self);
    if (type == CURLINFO_HEADER_IN && !d->quitSent) { // "221 Bye" says nothing about the message
        const QList<QByteArray> lines = QByteArray(data, qsizetype(size)).split('\n');
        for (const QByteArray &line : lines) {
            const QByteArray trimmed = line.trimmed();
            if (replyCode(trimmed))
                d->lastReply = trimmed;
        }
    } else if (type == CURLINFO_HEADER_OUT) {
        static const QByteArrayList verbs{"EHLO", "HELO", "STARTTLS", "AUTH", "MAIL", "RCPT", "DATA", "RSET", "NOOP"};
        const QByteArray head = QByteArray(data, qsizetype(std::min<size_t>(size, 9))).trimmed();
        const QByteArray verb = head.left(head.indexOf(' ') < 0 ? head.size() : head.indexOf(' ')).toUpper();
        if (verb == "QUIT")
            d->quitSent = true;
        else if (verbs.contains(verb))
            d->lastCommand = verb;
    }
    return 0;
}

bool SmtpTransport::Private::open()
{
    close();
    initCurlOnce();
    curl = curl_easy_init();
    if (!curl)
        return false;
    const SmtpSettings &s = settings;
    QString host = s.host.trimmed();
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.mid(1, host.size() - 2);
    QByteArray hostPart = host.contains(u':') ? '[' + host.toLatin1() + ']' : QUrl::toAce(host);
    if (hostPart.isEmpty())
        hostPart = host.toUtf8();
    url = (s.security == SmtpSettings::Security::Smtps ? "smtps://" : "smtp://") + hostPart + ':'
        + QByteArray::number(s.port) + '/' + QUrl::toPercentEncoding(QString::fromLatin1(ehloDomain()));
    const long timeout = std::max(1, s.timeoutSeconds);

    bool ok = curl_easy_setopt(curl, CURLOPT_URL, url.constData()) == CURLE_OK;
    ok = ok && curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps") == CURLE_OK;
    ok = ok && curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L) == CURLE_OK;
    ok = ok && curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errorBuffer) == CURLE_OK;
    ok = ok && curl_easy_setopt(curl, CURLOPT_VERBOSE, 1L) == CURLE_OK; // feeds onDebug, prints nothing
    ok = ok && curl_easy_setopt(curl, CURLOPT_DEBUGFUNCTION, &Private::onDebug) == CURLE_OK;
    ok = ok && curl_easy_setopt(curl, CURLOPT_DEBUGDATA, this) == CURLE_OK;
    ok = ok && curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, timeout) == CURLE_OK;
    ok = ok && curl_easy_setopt(curl, CURLOPT_SERVER_RESPONSE_TIMEOUT, timeout) == CURLE_OK;
    ok = ok && curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L) == CURLE_OK;
    ok = ok && curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, timeout) == CURLE_OK;
    ok = ok && curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L) == CURLE_OK;
    ok = ok && curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L) == CURLE_OK;
    ok = ok && curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L) == CURLE_OK;
    if (s.security == SmtpSettings::Security::StartTls) // STARTTLS or nothing: never falls back to plain
        ok = ok && curl_easy_setopt(curl, CURLOPT_USE_SSL, long(CURLUSESSL_ALL)) == CURLE_OK;
    if (!s.caFile.isEmpty())
        ok = ok && curl_easy_setopt(curl, CURLOPT_CAINFO, s.caFile.toLocal8Bit().constData()) == CURLE_OK;
    if (!s.user.isEmpty()) {
        ok = ok && curl_easy_setopt(curl, CURLOPT_USERNAME, s.user.toUtf8().constData()) == CURLE_OK;
        ok = ok && curl_easy_setopt(curl, CURLOPT_PASSWORD, s.password.constData()) == CURLE_OK;
    }
    ok = ok && curl_easy_setopt(curl, CURLOPT_MAIL_FROM, ('<' + s.fromAddress.toLatin1() + '>').constData()) == CURLE_OK;
    if (!ok)
        close();
    return ok;
}

void SmtpTransport::Private::close()
{
    if (curl)
        curl_easy_cleanup(curl); // sends QUIT on a live connection
    curl = nullptr;
    connectionKept = false;
}

DeliveryResult SmtpTransport::Private::attempt(const OutgoingMessage &message, bool *connectionWasReused)
{
    *connectionWasReused = false;
    if (!curl && !open())
        return {DeliveryResult::Outcome::Temporary, 0,
                QStringLiteral("could not set up libcurl for SMTP (out of memory, or libcurl lacks SMTP/TLS support)")};

    const bool both = !message.text.isEmpty() && !message.html.isEmpty();
    QByteArray messageId = message.messageId.trimmed();
    if (messageId.isEmpty()) {
        const QString domain = settings.fromAddress.mid(settings.fromAddress.lastIndexOf(u'@') + 1);
        messageId = QUuid::createUuid().toString(QUuid::WithoutBraces).toLatin1() + '@' + domain.toLatin1();
    }
    if (!messageId.startsWith('<'))
        messageId = '<' + messageId + '>';

    Slist headers;
    Slist recipients;
    bool ok = headers.append("Date: " + MimeHeaders::date(message.dateMs > 0 ? message.dateMs : QDateTime::currentMSecsSinceEpoch()))
        && headers.append("From: " + MimeHeaders::mailbox(settings.fromName, settings.fromAddress))
        && headers.append("To: " + message.to.toLatin1())
        && headers.append("Subject: " + MimeHeaders::encodeText(message.subject))
        && headers.append("Message-ID: " + messageId)
        && headers.append("Auto-Submitted: auto-generated")
        // Only the top level of curl's MIME tree is ours to type; curl adds its boundary.
        && (!both || headers.append("Content-Type: multipart/alternative"))
        && recipients.append('<' + message.to.toLatin1() + '>');

    Mime mime(curl);
    ok = ok && mime.mime;
    if (ok && !message.text.isEmpty())
        ok = addTextPart(mime.mime, message.text, "text/plain; charset=utf-8");
    if (ok && !message.html.isEmpty())
        ok = addTextPart(mime.mime, message.html, "text/html; charset=utf-8");
    if (!ok)
        return {DeliveryResult::Outcome::Temporary, 0, QStringLiteral("could not build the message (out of memory)")};

    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, recipients.list);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.list);
    curl_easy_setopt(curl, CURLOPT_MIMEPOST, mime.mime);
    errorBuffer[0] = '\0';
    lastReply.clear();
    lastCommand.clear();
    quitSent = false;

    const CURLcode code = curl_easy_perform(curl);

    long connects = 0;
    curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &connects);
    *connectionWasReused = connectionKept && connects == 0;
    connectionKept = code == CURLE_OK;
    // The lists and the MIME tree die with this scope: the handle must not point at them.
    curl_easy_setopt(curl, CURLOPT_MIMEPOST, static_cast<curl_mime *>(nullptr));
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, static_cast<curl_slist *>(nullptr));
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, static_cast<curl_slist *>(nullptr));
    return classify(code, message);
}

// What the server's last reply was about, in the admin's words.
QString SmtpTransport::Private::phase(const OutgoingMessage &message) const
{
    if (lastCommand == "MAIL")
        return QStringLiteral("the sender address %1").arg(settings.fromAddress);
    if (lastCommand == "RCPT")
        return QStringLiteral("the recipient %1").arg(message.to);
    if (lastCommand == "DATA")
        return QStringLiteral("the message");
    if (lastCommand == "AUTH")
        return QStringLiteral("the login");
    return QStringLiteral("the connection");
}

DeliveryResult SmtpTransport::Private::classify(CURLcode code, const OutgoingMessage &message) const
{
    using Outcome = DeliveryResult::Outcome;
    // Only a reply seen in this delivery counts: CURLINFO_RESPONSE_CODE may be the
    // previous message's on a reused connection that broke before the server spoke.
    const int smtp = replyCode(lastReply);
    const QString reply = printable(lastReply);
    const QString error = printable(QByteArray(errorBuffer).isEmpty() ? QByteArray(curl_easy_strerror(code)) : QByteArray(errorBuffer));
    const QString why = reply.isEmpty() ? error : reply;

    if (code == CURLE_OK)
        return {Outcome::Delivered, smtp, QStringLiteral("accepted by %1 (%2)").arg(server(), why)};

    // 4xx: the server says "not now", whatever the command was.
    if (smtp >= 400 && smtp < 500)
        return {Outcome::Temporary, smtp,
                QStringLiteral("the SMTP server deferred %1 (%2): it will be tried again").arg(phase(message), why)};
    if (smtp == 535 || code == CURLE_LOGIN_DENIED)
        return {Outcome::Permanent, smtp,
                QStringLiteral("the SMTP server refused the login (%1): check smtp.user and the SMTP_PASSWORD secret").arg(why)};
    if (smtp == 530) {
        if (reply.contains(QLatin1String("TLS"), Qt::CaseInsensitive))
            return {Outcome::Permanent, smtp,
                    QStringLiteral("the SMTP server requires encryption (%1): set smtp.security to starttls or smtps").arg(why)};
        return {Outcome::Permanent, smtp,
                settings.user.isEmpty()
                    ? QStringLiteral("the SMTP server requires a login (%1): set smtp.user and the SMTP_PASSWORD secret").arg(why)
                    : QStringLiteral("the SMTP server requires a login but offered no way to log in on this connection (%1): "
                                     "check smtp.security (most servers only allow a login over TLS)")
                          .arg(why)};
    }
    if (smtp >= 500) {
        QString advice;
        if (lastCommand == "MAIL")
            advice = QStringLiteral(": check mail.from_address (and that smtp.user may send as it)");
        else if (lastCommand == "RCPT")
            advice = QStringLiteral(": check the recipient's address");
        else if (lastCommand == "AUTH")
            advice = QStringLiteral(": check smtp.user, the SMTP_PASSWORD secret and smtp.security");
        return {Outcome::Permanent, smtp, QStringLiteral("the SMTP server refused %1 (%2)%3").arg(phase(message), why, advice)};
    }

    if (isTlsVerificationFailure(code))
        return {Outcome::Permanent, smtp,
                QStringLiteral("the TLS certificate of the SMTP server %1 could not be verified (%2): check smtp.ca_file "
                               "(the CA that signed the server's certificate) and that the certificate names smtp.host")
                    .arg(server(), error)};
    switch (code) {
    case CURLE_SSL_CACERT_BADFILE:
        return {Outcome::Permanent, smtp,
                QStringLiteral("cannot use the CA file %1 named by smtp.ca_file (%2): check the path and that it is PEM")
                    .arg(settings.caFile, error)};
    case CURLE_USE_SSL_FAILED:
        return {Outcome::Permanent, smtp,
                QStringLiteral("the SMTP server %1 does not offer STARTTLS (%2), and smtp.security=starttls never sends "
                               "mail unencrypted: enable STARTTLS on the server, or check smtp.port and smtp.security")
                    .arg(server(), error)};
    case CURLE_SSL_CONNECT_ERROR:
        return {Outcome::Temporary, smtp,
                QStringLiteral("the TLS handshake with the SMTP server %1 failed (%2): check smtp.security (smtps for "
                               "port 465, starttls for 587)")
                    .arg(server(), error)};
    case CURLE_AUTH_ERROR:
        return {Outcome::Permanent, smtp,
                QStringLiteral("Caiwu and the SMTP server %1 have no login method in common (%2): check smtp.user and "
                               "smtp.security")
                    .arg(server(), error)};
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_NOT_BUILT_IN:
        return {Outcome::Permanent, smtp,
                QStringLiteral("the SMTP settings cannot be used (%1): check smtp.host, smtp.port and smtp.security").arg(error)};
    case CURLE_COULDNT_RESOLVE_HOST:
        return {Outcome::Temporary, smtp,
                QStringLiteral("cannot find the SMTP server %1 (%2): check smtp.host and the DNS").arg(settings.host, error)};
    case CURLE_COULDNT_CONNECT:
        return {Outcome::Temporary, smtp,
                QStringLiteral("cannot connect to the SMTP server %1 (%2): check smtp.host, smtp.port and that the server "
                               "is running")
                    .arg(server(), error)};
    case CURLE_OPERATION_TIMEDOUT:
        return {Outcome::Temporary, smtp,
                QStringLiteral("the SMTP server %1 did not answer within %2 s (%3): check that it is reachable, or raise "
                               "smtp.timeout_s")
                    .arg(server())
                    .arg(settings.timeoutSeconds)
                    .arg(error)};
    default:
        return {Outcome::Temporary, smtp,
                QStringLiteral("the connection to the SMTP server %1 failed (%2%3)")
                    .arg(server(), error, reply.isEmpty() ? QString() : QStringLiteral("; last reply: ") + reply)};
    }
}

SmtpTransport::SmtpTransport(SmtpSettings settings) : d(std::make_unique<Private>())
{
    d->settings = std::move(settings);
}

SmtpTransport::~SmtpTransport()
{
    d->close();
}

DeliveryResult SmtpTransport::deliver(const OutgoingMessage &message)
{
    using Outcome = DeliveryResult::Outcome;
    const SmtpSettings &s = d->settings;
    if (s.host.trimmed().isEmpty())
        return {Outcome::Permanent, 0, QStringLiteral("no SMTP server is configured: set smtp.host")};
    if (!MimeHeaders::isPlainAddress(s.fromAddress))
        return {Outcome::Permanent, 0,
                QStringLiteral("the sender address \"%1\" cannot be used: set mail.from_address to a plain address such as "
                               "caiwu@office.example")
                    .arg(s.fromAddress)};
    if (message.to.isEmpty())
        return {Outcome::Permanent, 0, QStringLiteral("the message has no recipient")};
    if (!MimeHeaders::isPlainAddress(message.to))
        return {Outcome::Permanent, 0,
                QStringLiteral("the recipient address \"%1\" cannot be used: it must be a plain ASCII address such as "
                               "name@example.com")
                    .arg(printable(message.to.toUtf8()))};
    if (message.text.isEmpty() && message.html.isEmpty())
        return {Outcome::Permanent, 0, QStringLiteral("the message has neither a text nor an HTML body")};
    if (message.messageId.contains('\r') || message.messageId.contains('\n') || message.messageId.contains(' '))
        return {Outcome::Permanent, 0, QStringLiteral("the message has a malformed Message-ID")};

    bool reused = false;
    DeliveryResult result = d->attempt(message, &reused);
    if (result.outcome != Outcome::Delivered && reused && d->lastReply.isEmpty()) {
        // The kept connection had died (the server's idle timeout) before the server said
        // anything about this message: nothing was accepted, so a fresh connection is safe.
        qCDebug(lcMail) << "reused SMTP connection failed before any reply; reconnecting:" << result.detail;
        d->close();
        result = d->attempt(message, &reused);
    }
    if (result.outcome != Outcome::Delivered)
        d->close(); // never reuse a connection that just failed
    static const char *const outcomes[] = {"delivered", "temporary failure", "permanent failure"};
    qCDebug(lcMail).noquote() << "SMTP" << outcomes[int(result.outcome)] << message.messageId << "to" << message.to
                              << "-" << result.detail;
    return result;
}

QByteArray SmtpTransport::encodeHeaderText(const QString &text)
{
    return MimeHeaders::encodeText(text);
}

} // namespace caiwu
