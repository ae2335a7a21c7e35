// The mail service as its clients and the admin see it: the /send contract, delivery
// through a real SMTP server on loopback (aiosmtpd), retries, failures an admin can act
// on, and nothing lost or sent twice across a crash.
#include "SmtpSink.h"
#include "support/RawHttp.h"
#include "support/TestServer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QTcpServer>
#include <QTest>

namespace {

const QByteArray Token = "mail-token-for-tests";

HttpReply sendMail(quint16 port, const QByteArray &json, const QList<QPair<QByteArray, QByteArray>> &extra = {},
                   bool withToken = true)
{
    QList<QPair<QByteArray, QByteArray>> headers{{"Content-Type", "application/json"}};
    if (withToken)
        headers.append({"x-email-token", Token});
    return httpRequest(port, "POST", "/send", json, headers + extra);
}

QByteArray message(const QString &to, const QString &subject = QStringLiteral("测试"), int n = 0)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("to"), to},
                                     {QStringLiteral("subject"), subject},
                                     {QStringLiteral("text"), QStringLiteral("第 %1 封").arg(n)},
                                     {QStringLiteral("html"), QStringLiteral("<p>第 %1 封</p>").arg(n)}})
        .toJson(QJsonDocument::Compact);
}

// A TCP port nothing listens on (bound, then released).
quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost);
    return probe.serverPort();
}

void pointAtSink(TestServer &server, quint16 smtpPort)
{
    server.setEnv(QStringLiteral("CAIWU_SMTP_HOST"), QStringLiteral("127.0.0.1"));
    server.setEnv(QStringLiteral("CAIWU_SMTP_PORT"), QString::number(smtpPort));
    server.setEnv(QStringLiteral("CAIWU_SMTP_SECURITY"), QStringLiteral("none"));
    server.setEnv(QStringLiteral("CAIWU_MAIL_FROM_ADDRESS"), QStringLiteral("caiwu@office.test"));
    server.setEnv(QStringLiteral("CAIWU_MAIL_RETRY_BASE_S"), QStringLiteral("1"));
}

QJsonObject mailHealth(const TestServer &server)
{
    return httpRequest(server.port(), "GET", "/api/health").json().value(QStringLiteral("mail")).toObject();
}

} // namespace

class MailServiceTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void sendNeedsTheTokenWhenOneIsSet()
    {
        SmtpSink sink;
        QVERIFY(sink.start());
        TestServer server;
        pointAtSink(server, sink.port());
        QCOMPARE(server.caiwu({QStringLiteral("secrets"), QStringLiteral("set"), QStringLiteral("EMAIL_TOKEN")}, Token).code, 0);
        QVERIFY2(server.startCaiwu(), server.output().constData());
        QVERIFY(server.mailPort() > 0);

        HttpReply missing = sendMail(server.mailPort(), message(QStringLiteral("a@office.test")), {}, false);
        QCOMPARE(missing.status, 401);
        QCOMPARE(missing.json().value(QStringLiteral("success")).toBool(true), false);
        QCOMPARE(missing.json().value(QStringLiteral("error")).toString(), QStringLiteral("Unauthorized"));
        HttpReply wrong = sendMail(server.mailPort(), message(QStringLiteral("a@office.test")),
                                   {{"x-email-token", "not-the-token"}}, false);
        QCOMPARE(wrong.status, 401);
        HttpReply right = sendMail(server.mailPort(), message(QStringLiteral("a@office.test")));
        QCOMPARE(right.status, 200);
        QCOMPARE(right.json().value(QStringLiteral("success")).toBool(), true);
        QVERIFY(!right.json().value(QStringLiteral("id")).toString().isEmpty());
        QVERIFY(sink.waitForCount(1));
        QCOMPARE(sink.received().size(), 1); // the refused ones were never stored

        const HttpReply health = httpRequest(server.mailPort(), "GET", "/health");
        QCOMPARE(health.json().value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
        server.signal(SIGTERM);
        QCOMPARE(server.waitForExit(), 0);
    }

    void badRequestsAreRefusedAndNothingIsStored_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("error");
        QTest::newRow("not json") << QByteArray("{to:") << QStringLiteral("Invalid JSON");
        QTest::newRow("array") << QByteArray("[]") << QStringLiteral("Invalid JSON");
        QTest::newRow("no to") << QByteArray(R"({"subject":"s","text":"t"})") << QStringLiteral("Missing required fields");
        QTest::newRow("no subject") << QByteArray(R"({"to":"a@b.c","text":"t"})") << QStringLiteral("Missing required fields");
        QTest::newRow("no body") << QByteArray(R"({"to":"a@b.c","subject":"s"})") << QStringLiteral("Missing required fields");
        QTest::newRow("to not a string") << QByteArray(R"({"to":7,"subject":"s","text":"t"})") << QStringLiteral("Missing required fields");
        QTest::newRow("not an address") << QByteArray(R"({"to":"office","subject":"s","text":"t"})") << QStringLiteral("Invalid recipient address");
        QTest::newRow("two ats") << QByteArray(R"({"to":"a@b@c.d","subject":"s","text":"t"})") << QStringLiteral("Invalid recipient address");
        QTest::newRow("header injection") << QByteArray(R"({"to":"a@b.c\r\nBcc: x@y.z","subject":"s","text":"t"})")
                                          << QStringLiteral("Invalid recipient address");
        QTest::newRow("list") << QByteArray(R"({"to":"a@b.c, d@e.f","subject":"s","text":"t"})") << QStringLiteral("Invalid recipient address");
    }

    void badRequestsAreRefusedAndNothingIsStored()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, error);
        TestServer server;
        QVERIFY2(server.startCaiwu(), server.output().constData());
        const HttpReply reply = sendMail(server.mailPort(), body);
        QCOMPARE(reply.status, 400);
        QCOMPARE(reply.json().value(QStringLiteral("success")).toBool(true), false);
        QVERIFY2(reply.json().value(QStringLiteral("error")).toString().startsWith(error), reply.body.constData());
        QVERIFY(server.caiwu({QStringLiteral("mail"), QStringLiteral("queue")}).out.contains("0 queued, 0 sending, 0 sent"));
    }

    void anAcceptedMessageIsDeliveredAsProperMime()
    {
        SmtpSink sink;
        QVERIFY(sink.start());
        TestServer server;
        pointAtSink(server, sink.port());
        QVERIFY2(server.startCaiwu(), server.output().constData());
        const QString subject = QStringLiteral("🔐 登录提醒 - 财务系统");
        const HttpReply reply = sendMail(server.mailPort(), message(QStringLiteral("staff@office.test"), subject, 1));
        QCOMPARE(reply.status, 200);
        QVERIFY(sink.waitForCount(1));
        const SmtpSink::Received mail = sink.received().first();
        QCOMPARE(mail.subject, subject);
        QCOMPARE(mail.rcptTos, QStringList{QStringLiteral("staff@office.test")});
        QCOMPARE(mail.mailFrom, QStringList{QStringLiteral("caiwu@office.test")});
        QVERIFY(mail.contentType.startsWith(QLatin1String("multipart/")));
        QCOMPARE(mail.text.trimmed(), QStringLiteral("第 1 封"));
        QCOMPARE(mail.html.trimmed(), QStringLiteral("<p>第 1 封</p>"));
        QVERIFY(mail.messageId.startsWith('<') && mail.messageId.endsWith('>'));
        // The outbox records it as sent, so it is never sent again.
        QTRY_VERIFY(server.caiwu({QStringLiteral("mail"), QStringLiteral("queue"), QStringLiteral("sent")})
                        .out.contains(reply.json().value(QStringLiteral("id")).toString().toUtf8()));
        QTRY_COMPARE(mailHealth(server).value(QStringLiteral("ok")).toBool(), true);
    }

    void anIdempotencyKeyMakesARepeatHarmless()
    {
        SmtpSink sink;
        QVERIFY(sink.start());
        TestServer server;
        pointAtSink(server, sink.port());
        QVERIFY2(server.startCaiwu(), server.output().constData());
        const HttpReply first = sendMail(server.mailPort(), message(QStringLiteral("a@office.test")), {{"Idempotency-Key", "welcome-42"}});
        const HttpReply again = sendMail(server.mailPort(), message(QStringLiteral("a@office.test")), {{"Idempotency-Key", "welcome-42"}});
        QCOMPARE(first.status, 200);
        QCOMPARE(again.status, 200);
        QCOMPARE(again.json().value(QStringLiteral("id")), first.json().value(QStringLiteral("id")));
        QVERIFY(sink.waitForCount(1));
        QTest::qWait(500);
        QCOMPARE(sink.received().size(), 1);
    }

    void smtpDownThenUpStillDelivers()
    {
        const quint16 smtpPort = freePort();
        TestServer server;
        pointAtSink(server, smtpPort);
        QVERIFY2(server.startCaiwu(), server.output().constData());
        QCOMPARE(sendMail(server.mailPort(), message(QStringLiteral("late@office.test"))).status, 200);
        // While nothing listens, the message waits and health says why.
        QTRY_VERIFY_WITH_TIMEOUT(server.caiwu({QStringLiteral("mail"), QStringLiteral("queue")}).out.contains("last error"), 10000);
        SmtpSinkOptions options;
        options.port = smtpPort;
        SmtpSink sink(options);
        QVERIFY(sink.start());
        QVERIFY(sink.waitForCount(1, 60000));
        QCOMPARE(sink.received().first().rcptTos, QStringList{QStringLiteral("late@office.test")});
    }

    void aWrongSmtpPasswordFailsWithAClearReasonAndCanBeRetried()
    {
        SmtpSinkOptions options;
        options.tls = SmtpSinkOptions::Tls::StartTls;
        options.requireAuth = true;
        SmtpSink sink(options);
        QVERIFY(sink.start());
        TestServer server;
        pointAtSink(server, sink.port());
        server.setEnv(QStringLiteral("CAIWU_SMTP_SECURITY"), QStringLiteral("starttls"));
        server.setEnv(QStringLiteral("CAIWU_SMTP_HOST"), QStringLiteral("localhost"));
        server.setEnv(QStringLiteral("CAIWU_SMTP_CA_FILE"), sink.caFile());
        server.setEnv(QStringLiteral("CAIWU_SMTP_USER"), options.user);
        QCOMPARE(server.caiwu({QStringLiteral("secrets"), QStringLiteral("set"), QStringLiteral("SMTP_PASSWORD")}, "wrong").code, 0);
        QVERIFY2(server.startCaiwu(), server.output().constData());
        const QString id = sendMail(server.mailPort(), message(QStringLiteral("a@office.test"))).json().value(QStringLiteral("id")).toString();
        // A refused login is permanent: failed at once, with the reason the admin needs.
        QTRY_VERIFY_WITH_TIMEOUT(server.caiwu({QStringLiteral("mail"), QStringLiteral("queue"), QStringLiteral("failed")})
                                     .out.contains(id.toUtf8()), 20000);
        const QByteArray queue = server.caiwu({QStringLiteral("mail"), QStringLiteral("queue"), QStringLiteral("failed")}).out;
        QVERIFY2(queue.contains("535") && queue.contains("SMTP_PASSWORD"), queue.constData());
        QTRY_COMPARE(mailHealth(server).value(QStringLiteral("failed")).toInt(), 1); // the monitor looks every 2 s
        QCOMPARE(sink.received().size(), 0);

        // The admin fixes the password, restarts, and retries the message.
        server.signal(SIGTERM);
        QCOMPARE(server.waitForExit(), 0);
        QCOMPARE(server.caiwu({QStringLiteral("secrets"), QStringLiteral("set"), QStringLiteral("SMTP_PASSWORD")},
                              options.password.toUtf8()).code, 0);
        QVERIFY2(server.startCaiwu(), server.output().constData());
        const TestServer::Run retried = server.caiwu({QStringLiteral("mail"), QStringLiteral("retry"), id});
        QCOMPARE(retried.code, 0);
        QVERIFY(sink.waitForCount(1, 30000));
        QCOMPARE(server.caiwu({QStringLiteral("mail"), QStringLiteral("retry"), id}).code, 2); // sent: nothing to retry
    }

    void aFailedMessageCanBeDiscarded()
    {
        SmtpSinkOptions options;
        options.rejectRecipient = QStringLiteral("gone@office.test");
        SmtpSink sink(options);
        QVERIFY(sink.start());
        TestServer server;
        pointAtSink(server, sink.port());
        QVERIFY2(server.startCaiwu(), server.output().constData());
        const QString id = sendMail(server.mailPort(), message(QStringLiteral("gone@office.test"))).json().value(QStringLiteral("id")).toString();
        QTRY_VERIFY_WITH_TIMEOUT(server.caiwu({QStringLiteral("mail"), QStringLiteral("queue"), QStringLiteral("failed")})
                                     .out.contains("550"), 20000);
        QCOMPARE(server.caiwu({QStringLiteral("mail"), QStringLiteral("discard"), id}).code, 0);
        QVERIFY(server.caiwu({QStringLiteral("mail"), QStringLiteral("queue"), QStringLiteral("discarded")}).out.contains(id.toUtf8()));
        QCOMPARE(server.caiwu({QStringLiteral("mail"), QStringLiteral("discard"), QStringLiteral("no-such-id")}).code, 1);
    }

    void killedWithAHundredQueuedThenRestartedDeliversEachOnce()
    {
        const quint16 smtpPort = freePort();
        TestServer server;
        pointAtSink(server, smtpPort);
        QVERIFY2(server.startCaiwu(), server.output().constData());
        QSet<QString> ids;
        for (int i = 0; i < 100; ++i) {
            const HttpReply reply = sendMail(server.mailPort(), message(QStringLiteral("n%1@office.test").arg(i), QStringLiteral("第 %1 封").arg(i), i));
            QCOMPARE(reply.status, 200);
            ids.insert(reply.json().value(QStringLiteral("id")).toString());
        }
        QCOMPARE(ids.size(), 100);
        server.signal(SIGKILL);
        QCOMPARE(server.waitForExit(), -1);

        SmtpSinkOptions options;
        options.port = smtpPort;
        SmtpSink sink(options);
        QVERIFY(sink.start());
        QVERIFY2(server.startCaiwu(), server.output().constData());
        QVERIFY(sink.waitForCount(100, 120000));
        QTest::qWait(1000); // anything sent twice would arrive now
        QSet<QByteArray> messageIds;
        for (const auto &mail : sink.received())
            messageIds.insert(mail.messageId);
        QCOMPARE(sink.received().size(), 100);
        QCOMPARE(messageIds.size(), 100);
    }

    void killedWhileDeliveringLosesNothing()
    {
        SmtpSink sink;
        QVERIFY(sink.start());
        TestServer server;
        pointAtSink(server, sink.port());
        QVERIFY2(server.startCaiwu(), server.output().constData());
        for (int i = 0; i < 100; ++i)
            QCOMPARE(sendMail(server.mailPort(), message(QStringLiteral("k%1@office.test").arg(i), QStringLiteral("k%1").arg(i), i)).status, 200);
        QVERIFY(sink.waitForCount(20));
        server.signal(SIGKILL);
        QCOMPARE(server.waitForExit(), -1);
        QVERIFY2(server.startCaiwu(), server.output().constData());
        QByteArray queue;
        for (int i = 0; i < 600 && !queue.contains("0 queued, 0 sending, 100 sent"); ++i) {
            QTest::qWait(100);
            queue = server.caiwu({QStringLiteral("mail"), QStringLiteral("queue")}).out;
        }
        QVERIFY2(queue.contains("0 queued, 0 sending, 100 sent"),
                 (queue.trimmed().split('\n').last() + "\n" + server.output().right(1500)).constData());
        QSet<QString> recipients;
        for (const auto &mail : sink.received())
            recipients.insert(mail.rcptTos.value(0));
        QCOMPARE(recipients.size(), 100);
        // Only the one message being sent at the moment of the kill can arrive twice.
        QVERIFY2(sink.received().size() <= 101, QByteArray::number(sink.received().size()).constData());
    }

    void theApiSucceedsWhileTheMailServiceIsDownAndTheMailWaits()
    {
        SmtpSink sink;
        QVERIFY(sink.start());
        QTcpServer squatter; // the mail service's port is taken: it cannot start
        QVERIFY(squatter.listen(QHostAddress::LocalHost));
        TestServer server;
        pointAtSink(server, sink.port());
        server.setEnv(QStringLiteral("CAIWU_DATA_DIR"), server.dataDir());
        server.setEnv(QStringLiteral("CAIWU_API_PORT"), QStringLiteral("0"));
        server.setEnv(QStringLiteral("CAIWU_MAIL_PORT"), QString::number(squatter.serverPort()));
        QVERIFY2(server.startProgram(QStringLiteral(NOTES_SERVER), {}), server.output().constData());
        QTRY_VERIFY(server.output().contains("mail service not running"));
        const HttpReply action = httpRequest(server.port(), "POST", "/test/mail",
                                             R"({"to":"boss@office.test","subject":"审批结果","text":"已批准"})");
        QCOMPARE(action.status, 201);
        QTRY_COMPARE(mailHealth(server).value(QStringLiteral("waiting")).toInt(), 1);
        QCOMPARE(mailHealth(server).value(QStringLiteral("state")).toString(), QStringLiteral("unreachable"));
        server.signal(SIGTERM);
        QCOMPARE(server.waitForExit(), 0);

        // The port is free again: after a restart the waiting mail goes out.
        squatter.close();
        server.setEnv(QStringLiteral("CAIWU_MAIL_PORT"), QStringLiteral("0"));
        QVERIFY2(server.startProgram(QStringLiteral(NOTES_SERVER), {}), server.output().constData());
        QVERIFY(sink.waitForCount(1, 60000));
        QCOMPARE(sink.received().first().subject, QStringLiteral("审批结果"));
        QTRY_COMPARE(mailHealth(server).value(QStringLiteral("waiting")).toInt(), 0);
    }

    void mailTestSendsNowOrSaysWhatIsMissing()
    {
        TestServer server;
        const TestServer::Run unset = server.caiwu({QStringLiteral("mail"), QStringLiteral("test"), QStringLiteral("me@office.test")});
        QCOMPARE(unset.code, 2);
        QVERIFY(unset.err.contains("smtp.host is not set"));
        SmtpSink sink;
        QVERIFY(sink.start());
        pointAtSink(server, sink.port());
        const TestServer::Run sent = server.caiwu({QStringLiteral("mail"), QStringLiteral("test"), QStringLiteral("me@office.test")});
        QCOMPARE(sent.code, 0);
        QVERIFY(sent.out.contains("test message sent to me@office.test"));
        QVERIFY(sink.waitForCount(1));
        QVERIFY(sink.received().first().subject.contains(QStringLiteral("邮件测试")));
        QCOMPARE(server.caiwu({QStringLiteral("mail"), QStringLiteral("test"), QStringLiteral("not-an-address")}).code, 2);
    }
};

QTEST_GUILESS_MAIN(MailServiceTest)
#include "tst_mail_service.moc"
