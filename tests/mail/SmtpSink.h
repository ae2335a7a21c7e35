#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

#include <memory>

// How the test SMTP server behaves.
struct SmtpSinkOptions {
    enum class Tls { None, StartTls, Smtps };
    Tls tls = Tls::None;
    bool requireStartTls = true;     // StartTls only: MAIL before STARTTLS is refused
    bool requireAuth = false;        // AUTH PLAIN/LOGIN over TLS; a wrong password gets 535
    QString user = QStringLiteral("caiwu");
    QString password = QStringLiteral("sink-secret");
    QString authMechanism;           // "PLAIN" or "LOGIN": offer only that one (empty: both)
    int failFirst = 0;               // the first N messages get "451 4.3.0 try again later" after DATA
    QString rejectRecipient;         // RCPT TO this address gets 550
    quint16 port = 0;                // 0: a free port; else this one (a restarted server)
};

// A real SMTP server on 127.0.0.1 (tests/mail/smtp_sink.py on Debian's aiosmtpd), in
// its own process, with a spool folder the test reads. Its TLS certificate is for
// localhost and 127.0.0.1, signed by a CA made for this test process (caFile()).
class SmtpSink {
public:
    explicit SmtpSink(SmtpSinkOptions options = {});
    ~SmtpSink(); // stops
    SmtpSink(const SmtpSink &) = delete;
    SmtpSink &operator=(const SmtpSink &) = delete;

    bool start();   // false (with a warning saying why) when the sink cannot run
    void stop();
    quint16 port() const;
    QString caFile() const;  // the CA that signed the sink's certificate

    struct Received {
        QByteArray messageId;
        QString subject, from, to, contentType, date;
        QStringList mailFrom;    // MAIL FROM (one entry)
        QStringList rcptTos;     // RCPT TO
        QString text, html;      // the first text/plain and text/html bodies, decoded, LF line ends
        QList<QPair<QString, QString>> parts; // every text/* leaf: content type, decoded body
        QList<QPair<QString, QString>> headers; // top-level headers, decoded
        QByteArray raw;          // the message as it arrived
    };
    QList<Received> received() const; // everything in the spool so far, in arrival order
    bool waitForCount(int n, int timeoutMs = 30000) const; // hang guard only

    // How many times the sink saw `verb` ("EHLO", "MAIL", "AUTH-PLAIN", "AUTH-LOGIN"); `tlsOnly` counts only those
    // sent over TLS. EHLO counts connections (twice per STARTTLS connection).
    int commandCount(const QString &verb, bool tlsOnly = false) const;
    QString spoolDir() const;

    // A CA that signed nothing the sink uses: a client trusting only it must refuse the sink.
    static QString unrelatedCaFile();

private:
    struct Private;
    std::unique_ptr<Private> d;
};
