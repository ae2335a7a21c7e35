#pragma once

#include <QByteArray>
#include <QString>

#include <memory>

namespace caiwu {

// How to reach the office's SMTP server. The password comes from the secret store.
struct SmtpSettings {
    enum class Security { StartTls, Smtps, None };

    QString host;                 // empty: not configured
    quint16 port = 587;
    Security security = Security::StartTls;  // StartTls: STARTTLS is required, never plain
    QString user;                 // empty: no AUTH
    QByteArray password;
    QString caFile;               // PEM file of CAs to trust instead of the system's (an internal CA)
    int timeoutSeconds = 30;
    QString fromAddress;
    QString fromName;
};

// One message as it goes on the wire. The Message-ID is fixed when the message is
// accepted, so a retry is recognisably the same message.
struct OutgoingMessage {
    QString to;
    QString subject;
    QString html;                 // may be empty
    QString text;                 // may be empty (not both)
    QByteArray messageId;         // "<uuid@host>"
    qint64 dateMs = 0;            // the Date header
};

struct DeliveryResult {
    enum class Outcome {
        Delivered,
        Temporary,   // try again later: cannot connect, timeout, 4xx
        Permanent,   // retrying cannot help: 5xx rejection, login refused, bad address
    };
    Outcome outcome = Outcome::Temporary;
    int smtpCode = 0;             // last SMTP reply code, 0 if none
    QString detail;               // for the admin: what failed and what to check
};

// Delivers messages through libcurl (SMTP, STARTTLS, SMTPS, AUTH PLAIN/LOGIN) as
// proper MIME: multipart/alternative when both bodies exist, UTF-8 headers encoded
// per RFC 2047, Message-ID and Date set. Keeps its connection between deliveries.
// Not thread-safe: one transport per sending thread.
class SmtpTransport {
public:
    explicit SmtpTransport(SmtpSettings settings);
    ~SmtpTransport();
    SmtpTransport(const SmtpTransport &) = delete;
    SmtpTransport &operator=(const SmtpTransport &) = delete;

    DeliveryResult deliver(const OutgoingMessage &message);

    // "=?UTF-8?B?...?=" words (each at most 75 characters) when `text` is not plain
    // printable ASCII; `text` unchanged otherwise.
    static QByteArray encodeHeaderText(const QString &text);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace caiwu
