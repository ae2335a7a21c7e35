// Logging in and staying logged in, against a real `caiwu serve`: the reference's response
// shapes, the three ways to send the token, JWT checks, one session per user, 2FA with trusted
// devices, the lockout, bcrypt hashes moved in from the reference, and the admin command.
#include "auth/Jwt.h"
#include "auth/PermissionCatalog.h"
#include "auth/Totp.h"
#include "support/ApiClient.h"
#include "support/TestServer.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTest>
#include <QUuid>

using namespace caiwu;

namespace {

const QByteArray JwtKey = "0123456789abcdef0123456789abcdef-test-key";
const QString Password = QStringLiteral("staff-password-1");

QByteArray b64(const QByteArray &bytes) { return bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals); }

} // namespace

class AuthTest : public QObject {
    Q_OBJECT

private:
    TestServer m_server;
    QTemporaryDir m_credentials;
    ApiClient m_admin{0};
    QString m_staffPosition;

    QJsonObject loginBody(const QString &email, const QString &password, const QString &totp = {})
    {
        QJsonObject body{{QStringLiteral("email"), email}, {QStringLiteral("password"), password}};
        if (!totp.isEmpty())
            body.insert(QStringLiteral("totp"), totp);
        return body;
    }
    HttpReply postLogin(const QJsonObject &body, const QByteArray &agent = "tests/1", const QByteArray &forwardedFor = {})
    {
        QList<QPair<QByteArray, QByteArray>> headers{{"User-Agent", agent}};
        if (!forwardedFor.isEmpty())
            headers.append({"X-Forwarded-For", forwardedFor});
        return ApiClient(m_server.port()).call("POST", "/api/auth/login", body, headers);
    }
    QString staff(const QString &email, const QString &totpSecret = {})
    {
        return addStaffMember(m_server, StaffMember{email, Password, m_staffPosition, {}, {}, totpSecret});
    }
    int auditCount(const QString &action, const QString &detailLike = QStringLiteral("%"))
    {
        return querySql(m_server, QStringLiteral("SELECT count(*) FROM audit_logs WHERE action = ? AND COALESCE(detail, '') LIKE ?"),
                    {action, detailLike})
            .value(0)
            .value(0)
            .toInt();
    }

private Q_SLOTS:
    void initTestCase()
    {
        // The server reads its JWT key from here, so this test can sign tokens of its own.
        QFile key(m_credentials.filePath(QStringLiteral("AUTH_JWT_SECRET")));
        QVERIFY(key.open(QIODevice::WriteOnly));
        key.write(JwtKey);
        key.close();
        m_server.setEnv(QStringLiteral("CREDENTIALS_DIRECTORY"), m_credentials.path());
        m_server.setEnv(QStringLiteral("CAIWU_HTTP_TRUSTED_PROXIES"), QStringLiteral("127.0.0.1"));
        m_server.setEnv(QStringLiteral("CAIWU_AUTH_IP_FAILURE_LIMIT"), QStringLiteral("4"));
        QVERIFY2(m_server.startCaiwu(), m_server.output().constData());
        m_admin = signInAdmin(m_server);
        QVERIFY(!m_admin.token().isEmpty());
        m_staffPosition = addPosition(m_server, QStringLiteral("team_engineer"), 3, QStringLiteral("self"),
                                      QJsonObject{{QStringLiteral("self"), QJsonObject{{QStringLiteral("profile"), QJsonArray{QStringLiteral("view")}}}}});
        QVERIFY(!m_staffPosition.isEmpty());
    }

    void cleanupTestCase()
    {
        m_server.signal(SIGTERM);
        QCOMPARE(m_server.waitForExit(), 0);
    }

    void aSuccessfulLoginHasTheReferenceShape()
    {
        staff(QStringLiteral("shape@home.test"));
        const HttpReply reply = postLogin(loginBody(QStringLiteral("shape@home.test"), Password));
        QCOMPARE(reply.status, 200);
        const QJsonObject body = reply.json();
        QCOMPARE(body.value(QStringLiteral("ok")).toBool(), true);
        QCOMPARE(body.value(QStringLiteral("expiresIn")).toInt(), 7200);
        const QJsonObject user = body.value(QStringLiteral("user")).toObject();
        QCOMPARE(user.value(QStringLiteral("email")).toString(), QStringLiteral("shape@home.test"));
        QVERIFY(!user.value(QStringLiteral("id")).toString().isEmpty());
        QVERIFY(!user.value(QStringLiteral("sessionId")).toString().isEmpty());
        const QJsonObject position = user.value(QStringLiteral("position")).toObject();
        for (const char *field : {"id", "code", "name", "level", "functionRole", "canManageSubordinates", "permissions"})
            QVERIFY2(position.contains(QLatin1String(field)), field);
        QCOMPARE(position.value(QStringLiteral("code")).toString(), QStringLiteral("team_engineer"));
        // The token's claims are the reference's, with a 2-hour lifetime.
        auto claims = Jwt::verify(body.value(QStringLiteral("token")).toString().toLatin1(), JwtKey, QDateTime::currentMSecsSinceEpoch());
        QVERIFY(claims);
        QCOMPARE(claims->value(QStringLiteral("sid")).toString(), user.value(QStringLiteral("sessionId")).toString());
        QCOMPARE(claims->value(QStringLiteral("sub")).toString(), user.value(QStringLiteral("id")).toString());
        QCOMPARE(claims->value(QStringLiteral("exp")).toInteger() - claims->value(QStringLiteral("iat")).toInteger(), 7200);
        QCOMPARE(claims->value(QStringLiteral("position")).toObject().value(QStringLiteral("code")).toString(),
                 QStringLiteral("team_engineer"));
        QCOMPARE(auditCount(QStringLiteral("login"), QStringLiteral("%shape@home.test%")), 1);
    }

    void wrongCredentialsAreOneAnswer()
    {
        staff(QStringLiteral("wrong@home.test"));
        const HttpReply wrong = postLogin(loginBody(QStringLiteral("wrong@home.test"), QStringLiteral("not-the-password")));
        const HttpReply unknown = postLogin(loginBody(QStringLiteral("nobody@home.test"), QStringLiteral("not-the-password")));
        for (const HttpReply &reply : {wrong, unknown}) {
            QCOMPARE(reply.status, 401);
            QCOMPARE(reply.json(), (QJsonObject{{QStringLiteral("ok"), false},
                                                {QStringLiteral("error"), QStringLiteral("用户名或密码错误")},
                                                {QStringLiteral("code"), QStringLiteral("UNAUTHORIZED")}}));
        }
        QVERIFY(auditCount(QStringLiteral("login_failed"), QStringLiteral("%nobody@home.test%")) == 1);
    }

    void aMalformedLoginIsA400NamingTheField()
    {
        HttpReply reply = postLogin(QJsonObject{{QStringLiteral("email"), QStringLiteral("x@home.test")}});
        QCOMPARE(reply.status, 400);
        QCOMPARE(reply.json().value(QStringLiteral("code")).toString(), QStringLiteral("VALIDATION_ERROR"));
        QCOMPARE(reply.json().value(QStringLiteral("details")).toObject().value(QStringLiteral("path")).toString(), QStringLiteral("password"));
        reply = httpRequest(m_server.port(), "POST", "/api/auth/login", "{not json");
        QCOMPARE(reply.status, 400);
        reply = ApiClient(m_server.port()).post("/api/auth/login-password", QJsonObject{{QStringLiteral("email"), 5}});
        QCOMPARE(reply.status, 400);
        QCOMPARE(reply.json().value(QStringLiteral("error")).toString(), QStringLiteral("Invalid request"));
    }

    void theAliasLogsInToo()
    {
        staff(QStringLiteral("alias@home.test"));
        const HttpReply reply = ApiClient(m_server.port()).post("/api/auth/login-password", loginBody(QStringLiteral("alias@home.test"), Password));
        QCOMPARE(reply.status, 200);
        QVERIFY(!reply.json().value(QStringLiteral("token")).toString().isEmpty());
    }

    void theTokenTravelsThreeWays()
    {
        staff(QStringLiteral("ways@home.test"));
        const QByteArray token = login(m_server.port(), QStringLiteral("ways@home.test"), Password);
        QVERIFY(!token.isEmpty());
        for (const auto &header : QList<QPair<QByteArray, QByteArray>>{{"Authorization", "Bearer " + token},
                                                                       {"x-caiwu-token", token},
                                                                       {"Cookie", "theme=dark; caiwu_auth=" + token}}) {
            const HttpReply reply = httpRequest(m_server.port(), "GET", "/api/my-permissions", {}, {header});
            QCOMPARE(reply.status, 200);
            QCOMPARE(reply.json().value(QStringLiteral("permissions")).toObject().value(QStringLiteral("self")).toObject()
                         .value(QStringLiteral("profile")).toArray().first().toString(),
                     QStringLiteral("view"));
        }
        const HttpReply none = httpRequest(m_server.port(), "GET", "/api/my-permissions");
        QCOMPARE(none.status, 401);
        QCOMPARE(none.json(), (QJsonObject{{QStringLiteral("error"), QStringLiteral("unauthorized")},
                                           {QStringLiteral("code"), QStringLiteral("UNAUTHORIZED")}}));
    }

    void meAnswersNullWithoutAValidToken()
    {
        for (const char *path : {"/api/auth/me", "/api/me"}) {
            HttpReply reply = httpRequest(m_server.port(), "GET", path);
            QCOMPARE(reply.status, 200);
            QVERIFY(reply.json().value(QStringLiteral("user")).isNull());
            reply = httpRequest(m_server.port(), "GET", path, {}, {{"Authorization", "Bearer garbage"}});
            QVERIFY(reply.json().value(QStringLiteral("user")).isNull());
            reply = m_admin.get(path);
            QCOMPARE(reply.json().value(QStringLiteral("user")).toObject().value(QStringLiteral("email")).toString(),
                     QStringLiteral("admin@office.test"));
        }
    }

    void forgedExpiredAndRevokedTokensAreRefused()
    {
        const QString id = staff(QStringLiteral("jwt@home.test"));
        const QByteArray token = login(m_server.port(), QStringLiteral("jwt@home.test"), Password);
        auto claims = Jwt::verify(token, JwtKey, QDateTime::currentMSecsSinceEpoch());
        QVERIFY(claims);
        const auto status = [this](const QByteArray &t) {
            return httpRequest(m_server.port(), "GET", "/api/my-permissions", {}, {{"Authorization", "Bearer " + t}}).status;
        };
        QCOMPARE(status(token), 200);
        // Expired: well signed, but its exp has passed.
        QJsonObject expired = *claims;
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        expired.insert(QStringLiteral("iat"), now - 7300);
        expired.insert(QStringLiteral("exp"), now - 100);
        QCOMPARE(status(Jwt::sign(expired, JwtKey)), 401);
        // Tampered: another employee's id in the payload, the old signature.
        const QList<QByteArray> parts = token.split('.');
        QJsonObject other = *claims;
        other.insert(QStringLiteral("sub"), QStringLiteral("someone-else"));
        QCOMPARE(status(parts[0] + '.' + b64(QJsonDocument(other).toJson(QJsonDocument::Compact)) + '.' + parts[2]), 401);
        // Signed with our key but for a different owner than the session's: refused too.
        QCOMPARE(status(Jwt::sign(other, JwtKey)), 401);
        // Signed with another key.
        QCOMPARE(status(Jwt::sign(*claims, "another-key-another-key-another-key")), 401);
        // alg "none" and a foreign algorithm.
        QCOMPARE(status(b64(R"({"alg":"none","typ":"JWT"})") + '.' + parts[1] + '.'), 401);
        QCOMPARE(status(b64(R"({"alg":"HS512","typ":"JWT"})") + '.' + parts[1] + '.' + parts[2]), 401);
        // Revoked: the session ends at logout, though the token has not expired.
        QCOMPARE(httpRequest(m_server.port(), "POST", "/api/auth/logout", {}, {{"Authorization", "Bearer " + token}}).status, 200);
        QCOMPARE(status(token), 401);
        QCOMPARE(httpRequest(m_server.port(), "POST", "/api/auth/logout", {}, {{"Authorization", "Bearer " + token}}).status, 401);
        QCOMPARE(querySql(m_server, QStringLiteral("SELECT count(*) FROM sessions WHERE user_id = ?"), {id}).value(0).value(0).toInt(), 0);
        QCOMPARE(auditCount(QStringLiteral("logout"), QStringLiteral("%jwt@home.test%")), 1);
    }

    void aNewLoginEndsTheOldSession()
    {
        staff(QStringLiteral("single@home.test"));
        const QByteArray first = login(m_server.port(), QStringLiteral("single@home.test"), Password);
        const QByteArray second = login(m_server.port(), QStringLiteral("single@home.test"), Password);
        QCOMPARE(ApiClient(m_server.port(), first).get("/api/my-permissions").status, 401);
        QCOMPARE(ApiClient(m_server.port(), second).get("/api/my-permissions").status, 200);
    }

    void anInactiveAccountOrAMissingPasswordOrPositionIsRefused()
    {
        addStaffMember(m_server, StaffMember{QStringLiteral("gone@home.test"), Password, m_staffPosition, {}, {}, {}, false});
        HttpReply reply = postLogin(loginBody(QStringLiteral("gone@home.test"), Password));
        QCOMPARE(reply.status, 403);
        QCOMPARE(reply.json().value(QStringLiteral("error")).toString(), QStringLiteral("账号已停用"));

        const QString id = staff(QStringLiteral("nopass@home.test"));
        QVERIFY(execSql(m_server, QStringLiteral("UPDATE employees SET password_hash = NULL WHERE id = ?"), {id}));
        reply = postLogin(loginBody(QStringLiteral("nopass@home.test"), Password));
        QCOMPARE(reply.status, 403);
        QCOMPARE(reply.json().value(QStringLiteral("code")).toString(), QStringLiteral("PASSWORD_NOT_SET"));

        addStaffMember(m_server, StaffMember{QStringLiteral("noposition@home.test"), Password, {}, {}, {}, {}});
        reply = postLogin(loginBody(QStringLiteral("noposition@home.test"), Password));
        QCOMPARE(reply.status, 403);
    }

    void aBcryptHashFromTheReferenceLogsInAndBecomesArgon2id()
    {
        const QString id = staff(QStringLiteral("bcrypt@home.test"));
        QVERIFY(execSql(m_server, QStringLiteral("UPDATE employees SET password_hash = ? WHERE id = ?"),
                        {QStringLiteral("$2a$10$2xmHNfgcVvmvB9K3alLuIeMjV58q3KaO7x/0zQIlr5NoRLCwG8KFG"), id}));
        QCOMPARE(postLogin(loginBody(QStringLiteral("bcrypt@home.test"), QStringLiteral("wrong-bcrypt-pass"))).status, 401);
        QVERIFY(querySql(m_server, QStringLiteral("SELECT password_hash FROM employees WHERE id = ?"), {id})
                    .value(0).value(0).toString().startsWith(QStringLiteral("$2a$")));
        QCOMPARE(postLogin(loginBody(QStringLiteral("bcrypt@home.test"), QStringLiteral("old-bcrypt-pass"))).status, 200);
        const QString stored = querySql(m_server, QStringLiteral("SELECT password_hash FROM employees WHERE id = ?"), {id}).value(0).value(0).toString();
        QVERIFY2(stored.startsWith(QStringLiteral("$argon2id$v=19$m=65536,t=3,p=1$")), qPrintable(stored));
        QCOMPARE(postLogin(loginBody(QStringLiteral("bcrypt@home.test"), QStringLiteral("old-bcrypt-pass"))).status, 200);
    }

    void aNewDeviceNeedsTheCodeOnceForNinetyDays()
    {
        const QString secret = Totp::generateSecret();
        const QString id = staff(QStringLiteral("totp@home.test"), secret);
        const auto code = [&secret] { return *Totp::code(secret, QDateTime::currentMSecsSinceEpoch()); };
        HttpReply reply = postLogin(loginBody(QStringLiteral("totp@home.test"), Password), "phone/1");
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.json(), (QJsonObject{{QStringLiteral("ok"), false},
                                            {QStringLiteral("needTotp"), true},
                                            {QStringLiteral("mustChangePassword"), false},
                                            {QStringLiteral("message"), QStringLiteral("请输入Google验证码")}}));
        reply = postLogin(loginBody(QStringLiteral("totp@home.test"), Password, QStringLiteral("000000")), "phone/1");
        QCOMPARE(reply.status, 401);
        QCOMPARE(reply.json().value(QStringLiteral("code")).toString(), QStringLiteral("INVALID_TOTP"));
        QCOMPARE(reply.json().value(QStringLiteral("error")).toString(), QStringLiteral("Google验证码错误"));
        const QString good = code();
        reply = postLogin(loginBody(QStringLiteral("totp@home.test"), Password, good), "phone/1");
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.json().value(QStringLiteral("ok")).toBool(), true);
        // The device is trusted now: no code needed.
        reply = postLogin(loginBody(QStringLiteral("totp@home.test"), Password), "phone/1");
        QCOMPARE(reply.json().value(QStringLiteral("ok")).toBool(), true);
        // Another device is not, and the code already used cannot be replayed there.
        reply = postLogin(loginBody(QStringLiteral("totp@home.test"), Password, good), "laptop/1");
        QCOMPARE(reply.status, 401);
        QCOMPARE(reply.json().value(QStringLiteral("code")).toString(), QStringLiteral("INVALID_TOTP"));
        // Trust ends 90 days after it began.
        QVERIFY(execSql(m_server, QStringLiteral("UPDATE trusted_devices SET created_at = created_at - ? WHERE user_id = ?"),
                        {qint64(90) * 24 * 3600 * 1000, id}));
        reply = postLogin(loginBody(QStringLiteral("totp@home.test"), Password), "phone/1");
        QCOMPARE(reply.json().value(QStringLiteral("needTotp")).toBool(), true);
        // With 2FA switched off in system config, the password is enough.
        QCOMPARE(m_admin.put("/api/system-config/2fa_enabled", QJsonObject{{QStringLiteral("value"), false}}).status, 200);
        reply = postLogin(loginBody(QStringLiteral("totp@home.test"), Password), "tablet/1");
        QCOMPARE(reply.json().value(QStringLiteral("ok")).toBool(), true);
        QCOMPARE(m_admin.put("/api/system-config/2fa_enabled", QJsonObject{{QStringLiteral("value"), true}}).status, 200);
    }

    void fiveFailuresLockTheAccountWhateverThePassword()
    {
        staff(QStringLiteral("locked@home.test"));
        for (int i = 0; i < 5; ++i)
            QCOMPARE(postLogin(loginBody(QStringLiteral("locked@home.test"), QStringLiteral("bad-guess-%1").arg(i))).status, 401);
        HttpReply reply = postLogin(loginBody(QStringLiteral("locked@home.test"), Password));
        QCOMPARE(reply.status, 429);
        QCOMPARE(reply.json().value(QStringLiteral("code")).toString(), QStringLiteral("ACCOUNT_LOCKED"));
        QCOMPARE(reply.json().value(QStringLiteral("ok")).toBool(), false);
        QVERIFY(reply.header("Retry-After").toInt() > 800);
        QCOMPARE(auditCount(QStringLiteral("lockout"), QStringLiteral("%locked@home.test%")), 1);

        // The admin sees it and unlocks; then the right password works.
        reply = m_admin.get("/api/auth/lockouts");
        QCOMPARE(reply.status, 200);
        bool listed = false;
        for (const QJsonValue &lock : reply.json().value(QStringLiteral("results")).toArray())
            listed = listed || lock.toObject().value(QStringLiteral("subject")).toString() == QLatin1String("locked@home.test");
        QVERIFY(listed);
        reply = m_admin.post("/api/auth/lockouts/unlock", QJsonObject{{QStringLiteral("email"), QStringLiteral("LOCKED@home.test")}});
        QCOMPARE(reply.json(), (QJsonObject{{QStringLiteral("ok"), true}, {QStringLiteral("unlocked"), true}}));
        QCOMPARE(auditCount(QStringLiteral("unlock"), QStringLiteral("%locked@home.test%")), 1);
        QCOMPARE(postLogin(loginBody(QStringLiteral("locked@home.test"), Password)).status, 200);

        // And from the command line.
        for (int i = 0; i < 5; ++i)
            postLogin(loginBody(QStringLiteral("locked@home.test"), QStringLiteral("bad-guess-%1").arg(i)));
        QCOMPARE(postLogin(loginBody(QStringLiteral("locked@home.test"), Password)).status, 429);
        const auto run = m_server.caiwu({QStringLiteral("admin"), QStringLiteral("unlock"), QStringLiteral("locked@home.test")});
        QCOMPARE(run.code, 0);
        QVERIFY(run.out.contains("unlocked"));
        QCOMPARE(postLogin(loginBody(QStringLiteral("locked@home.test"), Password)).status, 200);
    }

    void onlyAnAdminSeesAndLiftsLockouts()
    {
        staff(QStringLiteral("nosy@home.test"));
        const ApiClient nosy(m_server.port(), login(m_server.port(), QStringLiteral("nosy@home.test"), Password));
        HttpReply reply = nosy.get("/api/auth/lockouts");
        QCOMPARE(reply.status, 403);
        QCOMPARE(reply.json().value(QStringLiteral("code")).toString(), QStringLiteral("FORBIDDEN"));
        QCOMPARE(nosy.post("/api/auth/lockouts/unlock", QJsonObject{{QStringLiteral("email"), QStringLiteral("x@home.test")}}).status, 403);
        QCOMPARE(ApiClient(m_server.port()).get("/api/auth/lockouts").status, 401);
        QCOMPARE(m_admin.post("/api/auth/lockouts/unlock", QJsonObject{}).status, 400);
    }

    void oneAddressGuessingManyAccountsIsSlowedDown()
    {
        // Through the trusted proxy on loopback, as a LAN client 192.0.2.50 (limit 4 in this test).
        for (int i = 0; i < 4; ++i)
            QCOMPARE(postLogin(loginBody(QStringLiteral("guess%1@home.test").arg(i), QStringLiteral("whatever-1")), "bot", "192.0.2.50").status, 401);
        staff(QStringLiteral("victim@home.test"));
        HttpReply reply = postLogin(loginBody(QStringLiteral("victim@home.test"), Password), "bot", "192.0.2.50");
        QCOMPARE(reply.status, 429);
        QCOMPARE(reply.json().value(QStringLiteral("code")).toString(), QStringLiteral("TOO_MANY_ATTEMPTS"));
        QCOMPARE(auditCount(QStringLiteral("lockout"), QStringLiteral("%192.0.2.50%")), 1);
        // Another address is not affected.
        QCOMPARE(postLogin(loginBody(QStringLiteral("victim@home.test"), Password), "pc", "192.0.2.51").status, 200);
        // The failures were recorded with the client's address, not the proxy's.
        QVERIFY(querySql(m_server, QStringLiteral("SELECT count(*) FROM audit_logs WHERE action = 'login_failed' AND ip = '192.0.2.50'"))
                    .value(0).value(0).toInt() >= 4);
    }

    void systemConfigReadsWritesAndValidates()
    {
        HttpReply reply = httpRequest(m_server.port(), "GET", "/api/system-config/email-notification/enabled");
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.json(), (QJsonObject{{QStringLiteral("enabled"), false}}));
        reply = m_admin.get("/api/system-config");
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.json().value(QStringLiteral("config")).toObject().value(QStringLiteral("2fa_enabled")).toBool(), true);
        reply = m_admin.get("/api/system-config/annual_leave_cycle_months");
        QCOMPARE(reply.json().value(QStringLiteral("value")).toInt(), 6);
        QCOMPARE(m_admin.get("/api/system-config/no_such_key").status, 404);
        reply = m_admin.put("/api/system-config/annual_leave_cycle_months", QJsonObject{{QStringLiteral("value"), 7}});
        QCOMPARE(reply.status, 400);
        QCOMPARE(reply.json().value(QStringLiteral("details")).toObject().value(QStringLiteral("path")).toString(), QStringLiteral("value"));
        QCOMPARE(m_admin.put("/api/system-config/Bad%20Key", QJsonObject{{QStringLiteral("value"), 1}}).status, 400);
        QCOMPARE(m_admin.put("/api/system-config/office_motto", QJsonObject{{QStringLiteral("description"), QStringLiteral("x")}}).status, 400);
        reply = m_admin.put("/api/system-config/office_motto",
                            QJsonObject{{QStringLiteral("value"), QJsonObject{{QStringLiteral("zh"), QStringLiteral("诚信")}}},
                                        {QStringLiteral("description"), QStringLiteral("座右铭")}});
        QCOMPARE(reply.status, 200);
        reply = m_admin.get("/api/system-config/office_motto");
        QCOMPARE(reply.json().value(QStringLiteral("value")).toObject().value(QStringLiteral("zh")).toString(), QStringLiteral("诚信"));
        QCOMPARE(reply.json().value(QStringLiteral("description")).toString(), QStringLiteral("座右铭"));
        QCOMPARE(m_admin.put("/api/system-config/email_notification_enabled", QJsonObject{{QStringLiteral("value"), QStringLiteral("true")}}).status, 200);
        QCOMPARE(httpRequest(m_server.port(), "GET", "/api/system-config/email-notification/enabled").json(),
                 (QJsonObject{{QStringLiteral("enabled"), true}}));
        QCOMPARE(m_admin.put("/api/system-config/email_notification_enabled", QJsonObject{{QStringLiteral("value"), false}}).status, 200);
        QVERIFY(auditCount(QStringLiteral("update"), QStringLiteral("%office_motto%")) == 1);
        // A member without the rights.
        staff(QStringLiteral("reader@home.test"));
        const ApiClient reader(m_server.port(), login(m_server.port(), QStringLiteral("reader@home.test"), Password));
        QCOMPARE(reader.get("/api/system-config").status, 403);
        QCOMPARE(reader.put("/api/system-config/2fa_enabled", QJsonObject{{QStringLiteral("value"), false}}).status, 403);
        QCOMPARE(ApiClient(m_server.port()).get("/api/system-config").status, 401);
    }

    // Every route the router documents is either public by design, or needs a session and
    // names a permission from the catalog; the few that need only a session are listed here.
    void everyRouteIsGuarded()
    {
        static const QStringList sessionOnly = {
            QStringLiteral("post /api/auth/logout"), QStringLiteral("get /api/my-permissions"),
            QStringLiteral("post /api/auth/request-my-reset-link"), QStringLiteral("get /api/permission-config"),
            // Checks one of several recording rights itself / serves only who may see a referencing record.
            QStringLiteral("post /api/upload/voucher"), QStringLiteral("get /api/vouchers/{path}"),
            // finance.flow.view or finance.flow.create, checked by the route.
            QStringLiteral("get /api/flows/next-voucher")};
        const QJsonObject paths = httpRequest(m_server.port(), "GET", "/api/doc").json().value(QStringLiteral("paths")).toObject();
        int guarded = 0;
        for (auto path = paths.begin(); path != paths.end(); ++path) {
            const QJsonObject operations = path.value().toObject();
            for (auto op = operations.begin(); op != operations.end(); ++op) {
                const QJsonObject operation = op.value().toObject();
                const QString name = op.key() + QLatin1Char(' ') + path.key();
                if (operation.value(QStringLiteral("security")).toArray().isEmpty() && operation.contains(QStringLiteral("security")))
                    continue; // public
                const QString permission = operation.value(QStringLiteral("x-caiwu-permission")).toString();
                if (permission.isEmpty())
                    QVERIFY2(sessionOnly.contains(name), qPrintable(name + QStringLiteral(" names no permission")));
                else
                    QVERIFY2(PermissionCatalog::contains(permission), qPrintable(name + QStringLiteral(": ") + permission));
                for (const QJsonValue &alternative : operation.value(QStringLiteral("x-caiwu-also-permitted")).toArray())
                    QVERIFY2(PermissionCatalog::contains(alternative.toString()), qPrintable(name + QStringLiteral(": ") + alternative.toString()));
                QString concrete = path.key();
                concrete.replace(QRegularExpression(QStringLiteral("\\{[^}]+\\}")), QStringLiteral("x"));
                const HttpReply reply = httpRequest(m_server.port(), op.key().toUpper().toLatin1(), concrete.toLatin1());
                QVERIFY2(reply.status == 401, qPrintable(name + QStringLiteral(" answered ") + QString::number(reply.status)));
                ++guarded;
            }
        }
        QVERIFY(guarded >= 10);
    }

    void adminCreateRefusesWhatItCannotDo()
    {
        auto run = m_server.caiwu({QStringLiteral("admin"), QStringLiteral("create"), QStringLiteral("--email"),
                                   QStringLiteral("admin@office.test"), QStringLiteral("--name"), QStringLiteral("又一个")},
                                  "another-password-1");
        QCOMPARE(run.code, 1);
        QVERIFY2(run.err.contains("exists already"), run.err.constData());
        run = m_server.caiwu({QStringLiteral("admin"), QStringLiteral("create"), QStringLiteral("--email"),
                              QStringLiteral("short@office.test"), QStringLiteral("--name"), QStringLiteral("短")},
                             "short");
        QCOMPARE(run.code, 2);
        QVERIFY2(run.err.contains("8"), run.err.constData());
        run = m_server.caiwu({QStringLiteral("admin"), QStringLiteral("create"), QStringLiteral("--email"), QStringLiteral("x@office.test")},
                             "long-enough-1");
        QCOMPARE(run.code, 2);
        run = m_server.caiwu({QStringLiteral("admin"), QStringLiteral("create"), QStringLiteral("--email"),
                              QStringLiteral("not-an-email"), QStringLiteral("--name"), QStringLiteral("x")},
                             "long-enough-1");
        QCOMPARE(run.code, 2);
        run = m_server.caiwu({QStringLiteral("admin"), QStringLiteral("create"), QStringLiteral("--email"),
                              QStringLiteral("empty@office.test"), QStringLiteral("--name"), QStringLiteral("x")});
        QCOMPARE(run.code, 2);
        // None of these left an employee behind.
        QCOMPARE(querySql(m_server, QStringLiteral("SELECT count(*) FROM employees WHERE email IN "
                                               "('short@office.test', 'x@office.test', 'empty@office.test')"))
                     .value(0).value(0).toInt(),
                 0);
        // A second administrator shares the one system_admin position.
        run = m_server.caiwu({QStringLiteral("admin"), QStringLiteral("create"), QStringLiteral("--email"),
                              QStringLiteral("second@office.test"), QStringLiteral("--name"), QStringLiteral("副管理员")},
                             "second-password-1\n");
        QCOMPARE(run.code, 0);
        QCOMPARE(querySql(m_server, QStringLiteral("SELECT count(*) FROM positions WHERE code = 'system_admin'")).value(0).value(0).toInt(), 1);
        QCOMPARE(ApiClient(m_server.port(), login(m_server.port(), QStringLiteral("second@office.test"), QStringLiteral("second-password-1")))
                     .get("/api/system-config").status,
                 200);
    }
};

QTEST_GUILESS_MAIN(AuthTest)
#include "tst_auth.moc"
