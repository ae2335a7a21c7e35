// The emailed-link flows end to end, with the mail caught by a real SMTP server on loopback:
// activation (set a password, bind TOTP, logged in), password reset (self and HR), TOTP reset
// (public, as the reference intended), and the login notification. Links are built from the
// configured public base URL.
#include "SmtpSink.h"
#include "auth/Totp.h"
#include "support/ApiClient.h"
#include "support/TestServer.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QRegularExpression>
#include <QTest>

using namespace caiwu;

namespace {

const QString BaseUrl = QStringLiteral("http://caiwu.office.lan:8787");
const QString Password = QStringLiteral("staff-password-1");

qint64 nowMs() { return QDateTime::currentMSecsSinceEpoch(); }

} // namespace

class AuthMailTest : public QObject {
    Q_OBJECT

private:
    SmtpSink m_sink;
    TestServer m_server;
    ApiClient m_admin{0};
    QString m_position;
    int m_seen = 0;

    // The next message the sink receives, and the token of the link to `page` in it.
    QString nextLink(const QString &page, const QString &to, SmtpSink::Received *received = nullptr)
    {
        if (!m_sink.waitForCount(m_seen + 1))
            return {};
        const SmtpSink::Received mail = m_sink.received().at(m_seen++);
        if (received)
            *received = mail;
        if (!mail.rcptTos.contains(to)) {
            qWarning("mail went to %s, not %s", qPrintable(mail.rcptTos.join(QLatin1Char(','))), qPrintable(to));
            return {};
        }
        const QRegularExpression link(QRegularExpression::escape(BaseUrl + page) + QStringLiteral("\\?token=([0-9a-f]+)"));
        const auto match = link.match(mail.text);
        return match.hasMatch() ? match.captured(1) : QString();
    }

    QString staff(const QString &email, const QString &totpSecret = {})
    {
        return addStaffMember(m_server, StaffMember{email, Password, m_position, {}, {}, totpSecret});
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_sink.start());
        m_server.setEnv(QStringLiteral("CAIWU_SMTP_HOST"), QStringLiteral("127.0.0.1"));
        m_server.setEnv(QStringLiteral("CAIWU_SMTP_PORT"), QString::number(m_sink.port()));
        m_server.setEnv(QStringLiteral("CAIWU_SMTP_SECURITY"), QStringLiteral("none"));
        m_server.setEnv(QStringLiteral("CAIWU_MAIL_FROM_ADDRESS"), QStringLiteral("caiwu@office.test"));
        m_server.setEnv(QStringLiteral("CAIWU_PUBLIC_BASE_URL"), BaseUrl);
        QVERIFY2(m_server.startCaiwu(), m_server.output().constData());
        m_admin = signInAdmin(m_server);
        QVERIFY(!m_admin.token().isEmpty());
        m_position = addPosition(m_server, QStringLiteral("team_engineer"), 3, QStringLiteral("self"), QJsonObject{});
    }

    void cleanupTestCase()
    {
        m_server.signal(SIGTERM);
        QCOMPARE(m_server.waitForExit(), 0);
    }

    void activationSetsThePasswordBindsTotpAndLogsIn()
    {
        const QString id = staff(QStringLiteral("new@home.test"));
        QVERIFY(execSql(m_server, QStringLiteral("UPDATE employees SET password_hash = NULL WHERE id = ?"), {id}));
        HttpReply reply = m_admin.post("/api/employees/" + id.toLatin1() + "/resend-activation");
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.json(), (QJsonObject{{QStringLiteral("success"), true}}));
        SmtpSink::Received mail;
        const QString token = nextLink(QStringLiteral("/auth/activate"), QStringLiteral("new@home.test"), &mail);
        QCOMPARE(token.size(), 64);
        QVERIFY(mail.subject.contains(QStringLiteral("激活")));
        // The database keeps only the token's digest.
        QCOMPARE(querySql(m_server, QStringLiteral("SELECT activation_token FROM employees WHERE id = ?"), {id}).value(0).value(0).toString(),
                 QString::fromLatin1(QCryptographicHash::hash(token.toLatin1(), QCryptographicHash::Sha256).toHex()));

        reply = httpRequest(m_server.port(), "GET", "/api/auth/activate/verify?token=" + token.toLatin1());
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.json(), (QJsonObject{{QStringLiteral("email"), QStringLiteral("new@home.test")}, {QStringLiteral("valid"), true}}));
        QCOMPARE(httpRequest(m_server.port(), "GET", "/api/auth/activate/verify?token=" + QByteArray(64, 'a')).status, 404);
        QCOMPARE(httpRequest(m_server.port(), "GET", "/api/auth/activate/verify?token=../../x").status, 404);

        reply = ApiClient(m_server.port()).post("/api/auth/generate-totp-for-activation", QJsonObject{{QStringLiteral("email"), QStringLiteral("new@home.test")}});
        QCOMPARE(reply.status, 200);
        const QString secret = reply.json().value(QStringLiteral("secret")).toString();
        QCOMPARE(secret.size(), 32);
        QVERIFY(reply.json().value(QStringLiteral("qrCode")).toString().startsWith(QStringLiteral("data:image/svg+xml;base64,")));
        QCOMPARE(ApiClient(m_server.port()).post("/api/auth/generate-totp-for-activation", QJsonObject{{QStringLiteral("email"), QStringLiteral("nope")}}).status, 400);

        const ApiClient anonymous(m_server.port());
        QJsonObject body{{QStringLiteral("token"), token}, {QStringLiteral("password"), QStringLiteral("short")}};
        QCOMPARE(anonymous.post("/api/auth/activate", body).status, 400);
        body.insert(QStringLiteral("password"), QStringLiteral("activated-password-1"));
        reply = anonymous.post("/api/auth/activate", body); // 2FA is on: a code is required
        QCOMPARE(reply.status, 400);
        QCOMPARE(reply.json().value(QStringLiteral("details")).toObject().value(QStringLiteral("path")).toString(), QStringLiteral("totpCode"));
        body.insert(QStringLiteral("totpSecret"), secret);
        body.insert(QStringLiteral("totpCode"), QStringLiteral("000000"));
        QCOMPARE(anonymous.post("/api/auth/activate", body).status, 400);
        body.insert(QStringLiteral("totpCode"), *Totp::code(secret, nowMs()));
        reply = anonymous.post("/api/auth/activate", body);
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.json().value(QStringLiteral("ok")).toBool(), true);
        const QByteArray sessionToken = reply.json().value(QStringLiteral("token")).toString().toLatin1();
        QCOMPARE(ApiClient(m_server.port(), sessionToken).get("/api/auth/me").json().value(QStringLiteral("user")).toObject()
                     .value(QStringLiteral("email")).toString(),
                 QStringLiteral("new@home.test"));
        // The link worked once.
        QCOMPARE(anonymous.post("/api/auth/activate", body).status, 404);
        QCOMPARE(httpRequest(m_server.port(), "GET", "/api/auth/activate/verify?token=" + token.toLatin1()).status, 404);
        // The device that activated is trusted; a new device needs the bound authenticator.
        const QJsonObject credentials{{QStringLiteral("email"), QStringLiteral("new@home.test")},
                                      {QStringLiteral("password"), QStringLiteral("activated-password-1")}};
        QCOMPARE(anonymous.post("/api/auth/login", credentials).json().value(QStringLiteral("ok")).toBool(), true);
        reply = anonymous.call("POST", "/api/auth/login", credentials, {{"User-Agent", "another-browser/2"}});
        QCOMPARE(reply.json().value(QStringLiteral("needTotp")).toBool(), true);
        // And an activated account gets no new link.
        reply = m_admin.post("/api/employees/" + id.toLatin1() + "/resend-activation");
        QCOMPARE(reply.status, 400);
        QCOMPARE(reply.json().value(QStringLiteral("code")).toString(), QStringLiteral("BUSINESS_ERROR"));
    }

    void anExpiredActivationLinkSaysSo()
    {
        const QString id = staff(QStringLiteral("late@home.test"));
        QVERIFY(execSql(m_server, QStringLiteral("UPDATE employees SET password_hash = NULL WHERE id = ?"), {id}));
        QCOMPARE(m_admin.post("/api/employees/" + id.toLatin1() + "/resend-activation").status, 200);
        const QString token = nextLink(QStringLiteral("/auth/activate"), QStringLiteral("late@home.test"));
        QVERIFY(!token.isEmpty());
        QVERIFY(execSql(m_server, QStringLiteral("UPDATE employees SET activation_expires_at = ? WHERE id = ?"), {nowMs() - 1, id}));
        const HttpReply reply = httpRequest(m_server.port(), "GET", "/api/auth/activate/verify?token=" + token.toLatin1());
        QCOMPARE(reply.status, 400);
        QVERIFY(reply.json().value(QStringLiteral("error")).toString().contains(QStringLiteral("过期")));
    }

    void aPasswordResetByMailEndsOldSessions()
    {
        staff(QStringLiteral("forgot@home.test"));
        const QByteArray oldToken = login(m_server.port(), QStringLiteral("forgot@home.test"), Password);
        const ApiClient me(m_server.port(), oldToken);
        HttpReply reply = me.post("/api/auth/request-my-reset-link");
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.json().value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
        const QString token = nextLink(QStringLiteral("/auth/reset-password"), QStringLiteral("forgot@home.test"));
        QCOMPARE(token.size(), 64);
        // A second request within the minute sends nothing more.
        QCOMPARE(me.post("/api/auth/request-my-reset-link").status, 200);

        reply = httpRequest(m_server.port(), "GET", "/api/auth/reset-password/verify?token=" + token.toLatin1());
        QCOMPARE(reply.json(), (QJsonObject{{QStringLiteral("email"), QStringLiteral("forgot@home.test")}, {QStringLiteral("valid"), true}}));
        const ApiClient anonymous(m_server.port());
        QCOMPARE(anonymous.post("/api/auth/reset-password", QJsonObject{{QStringLiteral("token"), token}, {QStringLiteral("password"), QStringLiteral("1234567")}}).status, 400);
        reply = anonymous.post("/api/auth/reset-password", QJsonObject{{QStringLiteral("token"), token}, {QStringLiteral("password"), QStringLiteral("brand-new-pass-1")}});
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.json().value(QStringLiteral("ok")).toBool(), true);
        QCOMPARE(me.get("/api/my-permissions").status, 401); // the old session is gone
        QCOMPARE(anonymous.post("/api/auth/reset-password", QJsonObject{{QStringLiteral("token"), token}, {QStringLiteral("password"), QStringLiteral("again-new-pass-1")}}).status, 404);
        QVERIFY(login(m_server.port(), QStringLiteral("forgot@home.test"), QStringLiteral("brand-new-pass-1")).size() > 0);
        SmtpSink::Received changed;
        nextLink(QStringLiteral("/"), QStringLiteral("forgot@home.test"), &changed);
        QVERIFY2(changed.subject.contains(QStringLiteral("密码修改成功")), qPrintable(changed.subject));
        QCOMPARE(m_sink.received().size(), m_seen); // nothing else was sent (the second request sent nothing)
    }

    void aResetByMailDoesNotBypassTheAuthenticator()
    {
        const QString secret = Totp::generateSecret();
        const QString id = staff(QStringLiteral("guarded@home.test"), secret);
        QCOMPARE(m_admin.post("/api/employees/" + id.toLatin1() + "/reset-password").status, 200);
        const QString token = nextLink(QStringLiteral("/auth/reset-password"), QStringLiteral("guarded@home.test"));
        QVERIFY(!token.isEmpty());
        const HttpReply reply = ApiClient(m_server.port())
                                    .post("/api/auth/reset-password", QJsonObject{{QStringLiteral("token"), token}, {QStringLiteral("password"), QStringLiteral("guarded-new-pass-1")}});
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.json().value(QStringLiteral("needTotp")).toBool(), true);
        QVERIFY(!reply.json().contains(QStringLiteral("token")));
        nextLink(QStringLiteral("/"), QStringLiteral("guarded@home.test")); // the "password changed" notice
        QCOMPARE(ApiClient(m_server.port())
                     .post("/api/auth/login", QJsonObject{{QStringLiteral("email"), QStringLiteral("guarded@home.test")},
                                                          {QStringLiteral("password"), QStringLiteral("guarded-new-pass-1")},
                                                          {QStringLiteral("totp"), *Totp::code(secret, nowMs())}})
                     .json().value(QStringLiteral("ok")).toBool(),
                 true);
    }

    void aTotpResetIsPublicAndAlwaysAnswersSuccess()
    {
        const QString secret = Totp::generateSecret();
        staff(QStringLiteral("lostphone@home.test"), secret);
        const ApiClient anonymous(m_server.port());
        HttpReply reply = anonymous.post("/api/auth/mobile/request-totp-reset", QJsonObject{{QStringLiteral("email"), QStringLiteral("nobody@home.test")}});
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.json(), (QJsonObject{{QStringLiteral("status"), QStringLiteral("success")}}));
        reply = anonymous.post("/api/auth/mobile/request-totp-reset", QJsonObject{{QStringLiteral("email"), QStringLiteral("lostphone@home.test")}});
        QCOMPARE(reply.json(), (QJsonObject{{QStringLiteral("status"), QStringLiteral("success")}}));
        SmtpSink::Received mail;
        const QString token = nextLink(QStringLiteral("/auth/reset-totp"), QStringLiteral("lostphone@home.test"), &mail);
        QCOMPARE(token.size(), 32); // and the unknown address got nothing: this is the next message
        QVERIFY(mail.subject.contains(QStringLiteral("2FA")));

        QCOMPARE(httpRequest(m_server.port(), "GET", "/api/auth/mobile/reset-totp/verify?token=" + token.toLatin1()).json(),
                 (QJsonObject{{QStringLiteral("valid"), true}}));
        QCOMPARE(httpRequest(m_server.port(), "GET", "/api/auth/mobile/reset-totp/verify?token=" + QByteArray(32, '0')).status, 400);
        QCOMPARE(anonymous.post("/api/auth/mobile/reset-totp/confirm", QJsonObject{}).status, 400);
        reply = anonymous.post("/api/auth/mobile/reset-totp/confirm", QJsonObject{{QStringLiteral("token"), token}});
        QCOMPARE(reply.json(), (QJsonObject{{QStringLiteral("success"), true}}));
        QCOMPARE(anonymous.post("/api/auth/mobile/reset-totp/confirm", QJsonObject{{QStringLiteral("token"), token}}).status, 400);
        // Without a bound authenticator the password is enough again.
        QVERIFY(!login(m_server.port(), QStringLiteral("lostphone@home.test"), Password).isEmpty());
    }

    void hrResetsAnAuthenticatorOnlyWithinTheirScopeAndRights()
    {
        const QString secret = Totp::generateSecret();
        const QString id = staff(QStringLiteral("hrcase@home.test"), secret);
        // A member without hr.employee.update.
        staff(QStringLiteral("peer@home.test"));
        const ApiClient peer(m_server.port(), login(m_server.port(), QStringLiteral("peer@home.test"), Password));
        QCOMPARE(peer.post("/api/employees/" + id.toLatin1() + "/reset-totp").status, 403);
        // An HR member whose scope is only themselves.
        const QString hrPosition = addPosition(m_server, QStringLiteral("team_hr"), 3, QStringLiteral("self"),
                                               QJsonObject{{QStringLiteral("hr"), QJsonObject{{QStringLiteral("employee"), QJsonArray{QStringLiteral("update")}}}}});
        addStaffMember(m_server, StaffMember{QStringLiteral("hr@home.test"), Password, hrPosition, {}, {}, {}});
        const ApiClient hr(m_server.port(), login(m_server.port(), QStringLiteral("hr@home.test"), Password));
        HttpReply reply = hr.post("/api/employees/" + id.toLatin1() + "/reset-totp");
        QCOMPARE(reply.status, 403);
        QVERIFY(reply.json().value(QStringLiteral("error")).toString().contains(QStringLiteral("scope")));
        QCOMPARE(m_admin.post("/api/employees/no-such-id/reset-totp").status, 404);
        QCOMPARE(m_admin.post("/api/employees/" + id.toLatin1() + "/reset-totp").json(), (QJsonObject{{QStringLiteral("success"), true}}));
        QVERIFY(!login(m_server.port(), QStringLiteral("hrcase@home.test"), Password).isEmpty());
    }

    void aLoginNotificationIsSentWhenSwitchedOn()
    {
        staff(QStringLiteral("notify@home.test"));
        QCOMPARE(m_admin.put("/api/system-config/email_notification_enabled", QJsonObject{{QStringLiteral("value"), true}}).status, 200);
        QVERIFY(!login(m_server.port(), QStringLiteral("notify@home.test"), Password).isEmpty());
        SmtpSink::Received mail;
        nextLink(QStringLiteral("/"), QStringLiteral("notify@home.test"), &mail);
        QVERIFY2(mail.subject.contains(QStringLiteral("登录提醒")), qPrintable(mail.subject));
        QVERIFY(mail.text.contains(QStringLiteral("127.0.0.1")));
        QCOMPARE(m_admin.put("/api/system-config/email_notification_enabled", QJsonObject{{QStringLiteral("value"), false}}).status, 200);
    }
};

QTEST_GUILESS_MAIN(AuthMailTest)
#include "tst_auth_mail.moc"
