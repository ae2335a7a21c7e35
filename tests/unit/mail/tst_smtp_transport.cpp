// SMTP delivery through libcurl against a real SMTP server on loopback (tests/mail/smtp_sink.py):
// what arrives, over which security, and what an admin reads when it does not.
#include "SmtpSink.h"
#include "mail/SmtpTransport.h"

#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QSet>
#include <QStringDecoder>
#include <QTcpServer>
#include <QTest>
#include <QUuid>

using namespace caiwu;
using Outcome = DeliveryResult::Outcome;
using Security = SmtpSettings::Security;
using SinkTls = SmtpSinkOptions::Tls;

Q_DECLARE_METATYPE(SinkTls)
Q_DECLARE_METATYPE(Security)

namespace {

const QString From = QStringLiteral("caiwu@office.example");
const QString To = QStringLiteral("zhang.san@office.example");
// 2026-11-25 09:00:00 UTC, a Wednesday.
constexpr qint64 DateMs = 1795597200000;

const QString ChineseText = QStringLiteral("张三，您好：\n\n您的账号于 2026-11-25 17:00 登录了财务系统。\n"
                                           "如果这不是您的操作，请立即修改密码。\n");
const QString ChineseHtml = QStringLiteral("<html><body><h1>⚡ 财务系统</h1><p>张三，您好：</p>"
                                           "<p>您的账号于 <b>2026-11-25 17:00</b> 登录了财务系统。</p></body></html>\n");

SmtpSettings settingsFor(const SmtpSink &sink, Security security)
{
    SmtpSettings s;
    s.host = QStringLiteral("127.0.0.1");
    s.port = sink.port();
    s.security = security;
    s.caFile = security == Security::None ? QString() : sink.caFile();
    s.timeoutSeconds = 20; // hang guard only
    s.fromAddress = From;
    s.fromName = QStringLiteral("Caiwu");
    return s;
}

OutgoingMessage message(const QString &subject = QStringLiteral("登录提醒"), const QString &text = ChineseText,
                        const QString &html = ChineseHtml)
{
    OutgoingMessage m;
    m.to = To;
    m.subject = subject;
    m.text = text;
    m.html = html;
    m.messageId = '<' + QUuid::createUuid().toString(QUuid::WithoutBraces).toLatin1() + "@caiwu.test>";
    m.dateMs = DateMs;
    return m;
}

QByteArray describe(const DeliveryResult &r)
{
    static const char *const names[] = {"Delivered", "Temporary", "Permanent"};
    return QByteArray(names[int(r.outcome)]) + ' ' + QByteArray::number(r.smtpCode) + ": " + r.detail.toUtf8();
}

QByteArray headerBlock(const QByteArray &raw)
{
    const qsizetype end = raw.indexOf("\r\n\r\n");
    return end < 0 ? raw : raw.left(end + 2);
}

bool isAscii(const QByteArray &bytes)
{
    return std::all_of(bytes.begin(), bytes.end(), [](char c) { return uchar(c) < 0x80; });
}

const QRegularExpression &encodedWord()
{
    static const QRegularExpression re(QStringLiteral("=\\?UTF-8\\?B\\?([A-Za-z0-9+/=]*)\\?="));
    return re;
}

// The value of the raw header `name`, unfolded lines kept as they are.
QByteArray rawHeader(const QByteArray &raw, const QByteArray &name)
{
    const QByteArray block = headerBlock(raw);
    const QList<QByteArray> lines = block.split('\n');
    QByteArray value;
    bool inside = false;
    for (const QByteArray &line : lines) {
        if (inside && (line.startsWith(' ') || line.startsWith('\t'))) {
            value += '\n' + line;
            continue;
        }
        inside = line.toLower().startsWith(name.toLower() + ':');
        if (inside)
            value = line.mid(name.size() + 1);
    }
    return value;
}

// Decodes "=?UTF-8?B?...?=" words as a mail reader does, and checks each word on its own:
// at most 75 characters, whole UTF-8 characters only. Returns the text, or a null string.
QString decodeWords(const QByteArray &encoded, QString *problem)
{
    const QString value = QString::fromLatin1(encoded);
    QByteArray bytes;
    qsizetype words = 0;
    auto it = encodedWord().globalMatch(value);
    while (it.hasNext()) {
        const auto match = it.next();
        ++words;
        if (match.capturedLength(0) > 75) {
            *problem = QStringLiteral("word longer than 75 characters: ") + match.captured(0);
            return {};
        }
        const QByteArray chunk = QByteArray::fromBase64(match.captured(1).toLatin1());
        QStringDecoder strict(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
        const QString piece = strict(chunk);
        if (strict.hasError()) {
            *problem = QStringLiteral("word splits a UTF-8 character: ") + match.captured(0);
            return {};
        }
        bytes += chunk;
    }
    // Between words there is only folding white space.
    QString rest = value;
    rest.remove(encodedWord());
    if (!rest.trimmed().isEmpty() || words == 0) {
        *problem = QStringLiteral("not only encoded words: ") + value;
        return {};
    }
    return QString::fromUtf8(bytes);
}

} // namespace

class SmtpTransportTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void cleanup() { QLoggingCategory::setFilterRules(QString()); }

    void deliversWithEachSecurity_data()
    {
        QTest::addColumn<SinkTls>("sinkTls");
        QTest::addColumn<Security>("security");
        QTest::addColumn<bool>("auth");
        QTest::addColumn<QString>("host");
        QTest::addColumn<QString>("mechanism"); // the only one the server offers; empty: PLAIN and LOGIN
        const QString ip = QStringLiteral("127.0.0.1");
        const QString any;
        QTest::newRow("none") << SinkTls::None << Security::None << false << ip << any;
        QTest::newRow("starttls") << SinkTls::StartTls << Security::StartTls << false << ip << any;
        QTest::newRow("smtps") << SinkTls::Smtps << Security::Smtps << false << ip << any;
        QTest::newRow("starttls + auth") << SinkTls::StartTls << Security::StartTls << true << ip << any;
        QTest::newRow("smtps + auth") << SinkTls::Smtps << Security::Smtps << true << ip << any;
        QTest::newRow("starttls + auth plain") << SinkTls::StartTls << Security::StartTls << true << ip
                                               << QStringLiteral("PLAIN");
        QTest::newRow("smtps + auth login") << SinkTls::Smtps << Security::Smtps << true << ip << QStringLiteral("LOGIN");
        QTest::newRow("starttls to localhost") << SinkTls::StartTls << Security::StartTls << false
                                               << QStringLiteral("localhost") << any;
    }

    void deliversWithEachSecurity()
    {
        QFETCH(SinkTls, sinkTls);
        QFETCH(Security, security);
        QFETCH(bool, auth);
        QFETCH(QString, host);
        QFETCH(QString, mechanism);
        SmtpSinkOptions options;
        options.tls = sinkTls;
        options.requireAuth = auth;
        options.authMechanism = mechanism;
        SmtpSink sink(options);
        QVERIFY(sink.start());

        SmtpSettings settings = settingsFor(sink, security);
        settings.host = host; // the certificate names both
        if (auth) {
            settings.user = options.user;
            settings.password = options.password.toUtf8();
        }
        SmtpTransport transport(settings);
        const OutgoingMessage sent = message();
        const DeliveryResult result = transport.deliver(sent);
        QVERIFY2(result.outcome == Outcome::Delivered, describe(result).constData());
        QCOMPARE(result.smtpCode, 250);

        QVERIFY(sink.waitForCount(1));
        const QList<SmtpSink::Received> got = sink.received();
        QCOMPARE(got.size(), 1);
        const SmtpSink::Received &mail = got.first();
        QCOMPARE(mail.messageId, sent.messageId);
        QCOMPARE(mail.from, QStringLiteral("Caiwu <caiwu@office.example>"));
        QCOMPARE(mail.to, To);
        QCOMPARE(mail.mailFrom, QStringList{From});
        QCOMPARE(mail.rcptTos, QStringList{To});
        QCOMPARE(mail.date, QStringLiteral("Wed, 25 Nov 2026 09:00:00 +0000"));
        QCOMPARE(mail.subject, sent.subject);
        QCOMPARE(mail.contentType, QStringLiteral("multipart/alternative"));
        QCOMPARE(mail.parts.size(), 2);
        QCOMPARE(mail.parts.at(0).first, QStringLiteral("text/plain"));
        QCOMPARE(mail.parts.at(1).first, QStringLiteral("text/html"));
        QCOMPARE(mail.text, ChineseText);
        QCOMPARE(mail.html, ChineseHtml);
        QVERIFY2(isAscii(mail.raw), "the message on the wire is 7-bit");
        QVERIFY(mail.raw.contains("charset=utf-8"));
        QCOMPARE(headerBlock(mail.raw).count("Content-Type:"), 1);
        QCOMPARE(headerBlock(mail.raw).count("MIME-Version: 1.0") + headerBlock(mail.raw).count("Mime-Version: 1.0"), 1);
        if (qEnvironmentVariableIsSet("CAIWU_SHOW_RAW"))
            qDebug().noquote() << QString::fromLatin1(mail.raw);

        // The transaction itself went over TLS whenever TLS was asked for.
        QCOMPARE(sink.commandCount(QStringLiteral("MAIL")), 1);
        if (security != Security::None)
            QCOMPARE(sink.commandCount(QStringLiteral("MAIL"), true), 1);
        if (auth) {
            const int plain = sink.commandCount(QStringLiteral("AUTH-PLAIN"), true);
            const int login = sink.commandCount(QStringLiteral("AUTH-LOGIN"), true);
            QCOMPARE(plain + login, 1); // one login, over TLS
            if (!mechanism.isEmpty())
                QCOMPARE(sink.commandCount(QStringLiteral("AUTH-") + mechanism, true), 1);
        }
    }

    void singleBody_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("html");
        QTest::addColumn<QString>("type");
        QTest::newRow("text only") << ChineseText << QString() << QStringLiteral("text/plain");
        QTest::newRow("html only") << QString() << ChineseHtml << QStringLiteral("text/html");
        QTest::newRow("ascii text only") << QStringLiteral("Hello.\nA line of plain ASCII that is rather long, "
                                                           "long enough to need a soft line break in quoted-printable "
                                                           "encoding, and then some more words.\n. a line with a dot\n")
                                         << QString() << QStringLiteral("text/plain");
    }

    void singleBody()
    {
        QFETCH(QString, text);
        QFETCH(QString, html);
        QFETCH(QString, type);
        SmtpSink sink;
        QVERIFY(sink.start());
        SmtpTransport transport(settingsFor(sink, Security::None));
        const DeliveryResult result = transport.deliver(message(QStringLiteral("Only one body"), text, html));
        QVERIFY2(result.outcome == Outcome::Delivered, describe(result).constData());
        QVERIFY(sink.waitForCount(1));
        const SmtpSink::Received mail = sink.received().value(0);
        QCOMPARE(mail.parts.size(), 1);
        QCOMPARE(mail.parts.at(0).first, type);
        QCOMPARE(mail.parts.at(0).second, text.isEmpty() ? html : text);
        QVERIFY(mail.contentType != QLatin1String("multipart/alternative"));
        QVERIFY(isAscii(mail.raw));
    }

    void encodedSubjectArrivesDecoded_data()
    {
        QTest::addColumn<QString>("subject");
        QTest::newRow("login notice") << QStringLiteral("🔐 登录提醒 - 财务系统");
        QTest::newRow("long") << QStringLiteral("🚀 激活您的账号 - 财务系统：请在二十四小时内点击邮件中的链接完成激活，"
                                                "否则链接将会失效，需要联系人事部门重新发送激活邮件");
        QTest::newRow("plain ascii") << QStringLiteral("Password changed");
        QTest::newRow("ascii that looks encoded") << QStringLiteral("=?UTF-8?B?aGk=?= is not a word here");
        QTest::newRow("line break") << QStringLiteral("Hello\r\nBcc: someone@else.example");
    }

    void encodedSubjectArrivesDecoded()
    {
        QFETCH(QString, subject);
        SmtpSink sink;
        QVERIFY(sink.start());
        SmtpTransport transport(settingsFor(sink, Security::None));
        const DeliveryResult result = transport.deliver(message(subject));
        QVERIFY2(result.outcome == Outcome::Delivered, describe(result).constData());
        QVERIFY(sink.waitForCount(1));
        const SmtpSink::Received mail = sink.received().value(0);
        QCOMPARE(mail.subject, subject); // a line break stays inside the one Subject header
        const QByteArray headers = headerBlock(mail.raw);
        QVERIFY2(isAscii(headers), headers.constData());
        QVERIFY2(!headers.contains("\r\nBcc:"), "no header injection through the subject");
        for (const QByteArray &line : headers.split('\n'))
            QVERIFY(line.size() <= 998);
        const QByteArray raw = rawHeader(mail.raw, "Subject").trimmed();
        if (subject.toUtf8() == subject.toLatin1() && !subject.contains(QLatin1String("=?")) && !subject.contains(u'\n')) {
            QCOMPARE(raw, subject.toLatin1());
        } else {
            QString problem;
            const QString decoded = decodeWords(raw, &problem);
            QVERIFY2(problem.isEmpty(), qPrintable(problem));
            QCOMPARE(decoded, subject);
        }
    }

    void chineseSenderNameIsEncoded()
    {
        SmtpSink sink;
        QVERIFY(sink.start());
        SmtpSettings settings = settingsFor(sink, Security::None);
        settings.fromName = QStringLiteral("财务系统");
        SmtpTransport transport(settings);
        const DeliveryResult result = transport.deliver(message());
        QVERIFY2(result.outcome == Outcome::Delivered, describe(result).constData());
        QVERIFY(sink.waitForCount(1));
        const SmtpSink::Received mail = sink.received().value(0);
        QCOMPARE(mail.from, QStringLiteral("财务系统 <caiwu@office.example>"));
        const QByteArray raw = rawHeader(mail.raw, "From").trimmed();
        QVERIFY2(isAscii(raw), raw.constData());
        QVERIFY2(raw.startsWith("=?UTF-8?B?") && raw.endsWith(" <caiwu@office.example>"), raw.constData());
        QCOMPARE(mail.mailFrom, QStringList{From});
    }

    void wrongPasswordIsPermanent()
    {
        SmtpSinkOptions options;
        options.tls = SinkTls::StartTls;
        options.requireAuth = true;
        SmtpSink sink(options);
        QVERIFY(sink.start());
        SmtpSettings settings = settingsFor(sink, Security::StartTls);
        settings.user = options.user;
        settings.password = "not-the-password-7731";
        SmtpTransport transport(settings);
        const DeliveryResult result = transport.deliver(message());
        QVERIFY2(result.outcome == Outcome::Permanent, describe(result).constData());
        QCOMPARE(result.smtpCode, 535);
        QVERIFY2(result.detail.contains(QLatin1String("login")), qPrintable(result.detail));
        QVERIFY2(result.detail.contains(QLatin1String("SMTP_PASSWORD")), qPrintable(result.detail));
        QVERIFY2(result.detail.contains(QLatin1String("535")), qPrintable(result.detail));
        QVERIFY(!result.detail.contains(QLatin1String("not-the-password-7731")));
        QCOMPARE(sink.commandCount(QStringLiteral("MAIL")), 0);
        QVERIFY(sink.received().isEmpty());
    }

    void startTlsNeverFallsBackToPlain()
    {
        SmtpSink sink; // offers no STARTTLS
        QVERIFY(sink.start());
        SmtpSettings settings = settingsFor(sink, Security::StartTls);
        settings.user = QStringLiteral("caiwu");
        settings.password = "sink-secret";
        SmtpTransport transport(settings);
        const DeliveryResult result = transport.deliver(message());
        QVERIFY2(result.outcome == Outcome::Permanent, describe(result).constData());
        QVERIFY2(result.detail.contains(QLatin1String("STARTTLS")), qPrintable(result.detail));
        QVERIFY2(result.detail.contains(QLatin1String("smtp.security")), qPrintable(result.detail));
        QCOMPARE(sink.commandCount(QStringLiteral("EHLO")), 1); // it did talk to the server...
        QCOMPARE(sink.commandCount(QStringLiteral("MAIL")), 0); // ...and sent nothing in plain
        QVERIFY(sink.received().isEmpty());
    }

    void wrongCaIsPermanent_data()
    {
        QTest::addColumn<SinkTls>("sinkTls");
        QTest::addColumn<Security>("security");
        QTest::newRow("starttls") << SinkTls::StartTls << Security::StartTls;
        QTest::newRow("smtps") << SinkTls::Smtps << Security::Smtps;
    }

    void wrongCaIsPermanent()
    {
        QFETCH(SinkTls, sinkTls);
        QFETCH(Security, security);
        SmtpSinkOptions options;
        options.tls = sinkTls;
        SmtpSink sink(options);
        QVERIFY(sink.start());
        SmtpSettings settings = settingsFor(sink, security);
        settings.caFile = SmtpSink::unrelatedCaFile();
        SmtpTransport transport(settings);
        const DeliveryResult result = transport.deliver(message());
        QVERIFY2(result.outcome == Outcome::Permanent, describe(result).constData());
        QVERIFY2(result.detail.contains(QLatin1String("certificate")), qPrintable(result.detail));
        QVERIFY2(result.detail.contains(QLatin1String("smtp.ca_file")), qPrintable(result.detail));
        QCOMPARE(sink.commandCount(QStringLiteral("MAIL")), 0);
        QVERIFY(sink.received().isEmpty());
    }

    void missingCaFileIsPermanent()
    {
        SmtpSinkOptions options;
        options.tls = SinkTls::StartTls;
        SmtpSink sink(options);
        QVERIFY(sink.start());
        SmtpSettings settings = settingsFor(sink, Security::StartTls);
        settings.caFile = sink.spoolDir() + QStringLiteral("/no-such-ca.pem");
        SmtpTransport transport(settings);
        const DeliveryResult result = transport.deliver(message());
        QVERIFY2(result.outcome == Outcome::Permanent, describe(result).constData());
        QVERIFY2(result.detail.contains(QLatin1String("smtp.ca_file")), qPrintable(result.detail));
        QVERIFY2(result.detail.contains(settings.caFile), qPrintable(result.detail));
        QCOMPARE(sink.commandCount(QStringLiteral("MAIL")), 0);
    }

    void tlsHandshakeFailureIsTemporary()
    {
        SmtpSink sink; // speaks plain SMTP where the transport expects TLS from the first byte
        QVERIFY(sink.start());
        SmtpTransport transport(settingsFor(sink, Security::Smtps));
        const DeliveryResult result = transport.deliver(message());
        QVERIFY2(result.outcome == Outcome::Temporary, describe(result).constData());
        QVERIFY2(result.detail.contains(QLatin1String("TLS handshake")), qPrintable(result.detail));
        QVERIFY2(result.detail.contains(QLatin1String("smtp.security")), qPrintable(result.detail));
        QCOMPARE(sink.commandCount(QStringLiteral("MAIL")), 0);
    }

    void serverDownIsTemporary()
    {
        quint16 port = 0;
        {
            QTcpServer probe; // a port that was free a moment ago, and has nothing listening now
            QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
            port = probe.serverPort();
        }
        SmtpSettings settings;
        settings.host = QStringLiteral("127.0.0.1");
        settings.port = port;
        settings.security = Security::None;
        settings.fromAddress = From;
        settings.timeoutSeconds = 20;
        SmtpTransport transport(settings);
        const DeliveryResult result = transport.deliver(message());
        QVERIFY2(result.outcome == Outcome::Temporary, describe(result).constData());
        QCOMPARE(result.smtpCode, 0);
        QVERIFY2(result.detail.contains(QLatin1String("cannot connect")), qPrintable(result.detail));
        QVERIFY2(result.detail.contains(QStringLiteral("127.0.0.1:%1").arg(port)), qPrintable(result.detail));
    }

    void deferredThenDelivered()
    {
        SmtpSinkOptions options;
        options.failFirst = 1;
        SmtpSink sink(options);
        QVERIFY(sink.start());
        SmtpTransport transport(settingsFor(sink, Security::None));
        const OutgoingMessage sent = message();
        const DeliveryResult first = transport.deliver(sent);
        QVERIFY2(first.outcome == Outcome::Temporary, describe(first).constData());
        QCOMPARE(first.smtpCode, 451);
        QVERIFY2(first.detail.contains(QLatin1String("451 4.3.0 try again later")), qPrintable(first.detail));
        QVERIFY(sink.received().isEmpty());

        const DeliveryResult second = transport.deliver(sent);
        QVERIFY2(second.outcome == Outcome::Delivered, describe(second).constData());
        QVERIFY(sink.waitForCount(1));
        QCOMPARE(sink.received().size(), 1);
        QCOMPARE(sink.received().first().messageId, sent.messageId);
        // The connection that failed was dropped, not reused.
        QCOMPARE(sink.commandCount(QStringLiteral("EHLO")), 2);
    }

    void rejectedRecipientIsPermanent()
    {
        SmtpSinkOptions options;
        options.rejectRecipient = To;
        SmtpSink sink(options);
        QVERIFY(sink.start());
        SmtpTransport transport(settingsFor(sink, Security::None));
        const DeliveryResult result = transport.deliver(message());
        QVERIFY2(result.outcome == Outcome::Permanent, describe(result).constData());
        QCOMPARE(result.smtpCode, 550);
        QVERIFY2(result.detail.contains(To), qPrintable(result.detail));
        QVERIFY2(result.detail.contains(QLatin1String("User unknown")), qPrintable(result.detail));
        QVERIFY(sink.received().isEmpty());

        // The next message to someone else goes through on a fresh connection.
        OutgoingMessage other = message();
        other.to = QStringLiteral("li.si@office.example");
        const DeliveryResult next = transport.deliver(other);
        QVERIFY2(next.outcome == Outcome::Delivered, describe(next).constData());
        QVERIFY(sink.waitForCount(1));
        QCOMPARE(sink.received().first().rcptTos, QStringList{other.to});
    }

    void serverRestartBetweenMessages()
    {
        auto sink = std::make_unique<SmtpSink>();
        QVERIFY(sink->start());
        const quint16 port = sink->port();
        SmtpTransport transport(settingsFor(*sink, Security::None));
        DeliveryResult result = transport.deliver(message());
        QVERIFY2(result.outcome == Outcome::Delivered, describe(result).constData());

        // The server goes away (restart, idle timeout) while the transport keeps its connection.
        sink.reset();
        SmtpSinkOptions options;
        options.port = port;
        sink = std::make_unique<SmtpSink>(options);
        QVERIFY(sink->start());
        const OutgoingMessage next = message();
        result = transport.deliver(next);
        QVERIFY2(result.outcome == Outcome::Delivered, describe(result).constData());
        QVERIFY(sink->waitForCount(1));
        QCOMPARE(sink->received().first().messageId, next.messageId);
    }

    void invalidMessageIsPermanent_data()
    {
        QTest::addColumn<QString>("to");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("html");
        QTest::addColumn<QString>("detail");
        QTest::newRow("no recipient") << QString() << ChineseText << QString() << QStringLiteral("no recipient");
        QTest::newRow("no body") << To << QString() << QString() << QStringLiteral("neither a text nor an HTML body");
        QTest::newRow("header in the address") << QStringLiteral("a@b.example\r\nBcc: c@d.example") << ChineseText
                                               << QString() << QStringLiteral("recipient address");
        QTest::newRow("not an address") << QStringLiteral("zhang san") << ChineseText << QString()
                                        << QStringLiteral("recipient address");
    }

    void invalidMessageIsPermanent()
    {
        QFETCH(QString, to);
        QFETCH(QString, text);
        QFETCH(QString, html);
        QFETCH(QString, detail);
        SmtpSink sink;
        QVERIFY(sink.start());
        SmtpTransport transport(settingsFor(sink, Security::None));
        OutgoingMessage m = message(QStringLiteral("x"), text, html);
        m.to = to;
        const DeliveryResult result = transport.deliver(m);
        QVERIFY2(result.outcome == Outcome::Permanent, describe(result).constData());
        QVERIFY2(result.detail.contains(detail), qPrintable(result.detail));
        QCOMPARE(sink.commandCount(QStringLiteral("EHLO")), 0);
    }

    void sustainedDeliveryReusesTheConnection()
    {
        constexpr int Count = 200;
        QLoggingCategory::setFilterRules(QStringLiteral("caiwu.mail.debug=false")); // one line per message is noise here
        SmtpSink sink;
        QVERIFY(sink.start());
        SmtpTransport transport(settingsFor(sink, Security::None));
        QSet<QByteArray> sent;
        QElapsedTimer clock;
        clock.start();
        for (int i = 0; i < Count; ++i) {
            OutgoingMessage m = message(QStringLiteral("🔐 登录提醒 #%1").arg(i), ChineseText,
                                        i % 3 == 0 ? QString() : ChineseHtml);
            sent.insert(m.messageId);
            const DeliveryResult result = transport.deliver(m);
            QVERIFY2(result.outcome == Outcome::Delivered, describe(result).constData());
        }
        const qint64 elapsedMs = std::max<qint64>(1, clock.elapsed());
        qInfo("delivered %d messages through one transport in %lld ms: %.0f messages/s (informational)", Count,
              elapsedMs, Count * 1000.0 / double(elapsedMs));

        QVERIFY(sink.waitForCount(Count));
        const QList<SmtpSink::Received> got = sink.received();
        QCOMPARE(got.size(), Count);
        QSet<QByteArray> arrived;
        for (const SmtpSink::Received &mail : got) {
            QVERIFY2(!arrived.contains(mail.messageId), mail.messageId.constData());
            arrived.insert(mail.messageId);
        }
        QCOMPARE(arrived, sent);
        QCOMPARE(sink.commandCount(QStringLiteral("EHLO")), 1); // one connection for all of them
    }

    void encodeHeaderText_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("empty") << QString();
        QTest::newRow("ascii") << QStringLiteral("Your password was changed");
        QTest::newRow("ascii punctuation") << QStringLiteral("Re: [Caiwu] 100% done (ok?) <x> \"y\"");
        QTest::newRow("chinese") << QStringLiteral("登录提醒");
        QTest::newRow("emoji and chinese") << QStringLiteral("🔐 登录提醒 - 财务系统");
        QTest::newRow("exactly 45 bytes") << QString(15, QChar(0x8D22)); // 15 × 3 bytes
        QTest::newRow("46 bytes") << QStringLiteral("a") + QString(15, QChar(0x8D22));
        QTest::newRow("emoji run") << QString::fromUtf8("🔐🚀✅🔒🔐🚀✅🔒🔐🚀✅🔒🔐🚀✅🔒🔐🚀✅🔒");
        QTest::newRow("long mixed") << QStringLiteral("审批结果 Approval result: 您于 2026-11-20 至 2026-11-22 的请假申请"
                                                      "（共 3 天，事由：家中有事）已被批准。Approved by 李四, memo: 注意交接工作。");
        QTest::newRow("latin-1") << QStringLiteral("Résumé für Zoë");
        QTest::newRow("control character") << QStringLiteral("line\nbreak");
        QTest::newRow("looks encoded") << QStringLiteral("=?UTF-8?B?aGk=?=");
        QTest::newRow("very long ascii") << QString(1200, u'x');
    }

    void encodeHeaderText()
    {
        QFETCH(QString, text);
        const QByteArray encoded = SmtpTransport::encodeHeaderText(text);
        QVERIFY(isAscii(encoded));
        const bool plain = text.size() <= 900 && !text.contains(QLatin1String("=?"))
            && std::all_of(text.begin(), text.end(), [](QChar c) { return c.unicode() >= 0x20 && c.unicode() <= 0x7e; });
        if (plain) {
            QCOMPARE(encoded, text.toLatin1());
            return;
        }
        QString problem;
        const QString decoded = decodeWords(encoded, &problem);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QCOMPARE(decoded, text);
        for (const QByteArray &line : encoded.split('\n'))
            QVERIFY2(line.size() <= 77, line.constData()); // one word and its folding per line
        QVERIFY(!encoded.contains("\r\n\r\n"));
        QVERIFY(!encoded.endsWith('\n'));
    }
};

QTEST_GUILESS_MAIN(SmtpTransportTest)
#include "tst_smtp_transport.moc"
