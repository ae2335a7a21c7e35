// The audit log as its readers see it (/api/audit-logs, its options and its CSV export): every
// filter works, readers see only what their data scope allows, and the log cannot be changed.
#include "support/ApiClient.h"
#include "support/TestServer.h"

#include <QDateTime>
#include <QJsonArray>
#include <QRegularExpression>
#include <QTest>
#include <QTimeZone>
#include <QUrl>

namespace {

const QByteArray OfficeZone = "Asia/Dubai"; // UTC+4 all year: predictable local times

QByteArray param(const char *name, const QString &value)
{
    return QByteArray(name) + '=' + QUrl::toPercentEncoding(value);
}

QDate officeToday()
{
    return QDateTime::currentDateTimeUtc().toTimeZone(QTimeZone(OfficeZone)).date();
}

} // namespace

class ApiAuditTest : public QObject {
    Q_OBJECT

private:
    TestServer m_server;
    ApiClient m_admin{0};
    ApiClient m_auditor{0};   // system.audit.view, data scope self
    ApiClient m_plain{0};     // no system rights
    QString m_auditorId;

    QJsonObject list(const ApiClient &client, const QByteArray &query = {})
    {
        const HttpReply reply = client.get("/api/audit-logs" + (query.isEmpty() ? QByteArray() : '?' + query));
        if (reply.status != 200)
            qWarning("audit-logs?%s: %d %s", query.constData(), reply.status, reply.body.constData());
        return reply.json();
    }

    // The distinct actors of a page's rows.
    QSet<QString> actorsOf(const QJsonObject &page)
    {
        QSet<QString> ids;
        for (const QJsonValue &row : page.value(QStringLiteral("results")).toArray())
            ids << row.toObject().value(QStringLiteral("actorId")).toString();
        return ids;
    }

    bool insertRow(const QString &action, qint64 at, const QVariant &actor = {}, const QString &entity = {},
                   const QString &entityId = {}, const QString &ip = {}, const QString &detail = {})
    {
        auto orNull = [](const QString &s) { return s.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(s); };
        return execSql(m_server,
                       QStringLiteral("INSERT INTO audit_logs (id, actor_id, action, entity, entity_id, detail, ip, at) "
                                      "VALUES (lower(hex(randomblob(16))), ?, ?, ?, ?, ?, ?, ?)"),
                       {actor.isValid() ? actor : QVariant(QMetaType::fromType<QString>()), action, orNull(entity),
                        orNull(entityId), orNull(detail), orNull(ip), at});
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_server.setEnv(QStringLiteral("CAIWU_OFFICE_TIMEZONE"), QString::fromLatin1(OfficeZone));
        QVERIFY2(m_server.startCaiwu(), m_server.output().constData());
        m_admin = signInAdmin(m_server);
        QVERIFY(!m_admin.token().isEmpty());

        const QString auditor = addPosition(m_server, QStringLiteral("self_auditor"), 1, QStringLiteral("self"),
                                            permissionMatrix(QStringLiteral("system"), QStringLiteral("audit"), {QStringLiteral("view")}));
        const QString plain = addPosition(m_server, QStringLiteral("plain"), 3, QStringLiteral("self"), QJsonObject{});
        m_auditor = signInStaff(m_server, {QStringLiteral("auditor@office.test"), QStringLiteral("auditor-password-1"), auditor, {},
                                           {}, {}, true},
                                &m_auditorId);
        m_plain = signInStaff(m_server, {QStringLiteral("plain@office.test"), QStringLiteral("plain-password-1"), plain, {}, {}, {}, true});
        QVERIFY(!m_auditor.token().isEmpty() && !m_plain.token().isEmpty());
        // Rows the time filters can be pinned to: 2024-03-10 and 2024-03-11, 12:00 in the office.
        QVERIFY(insertRow(QStringLiteral("time_probe"), QDateTime(QDate(2024, 3, 10), QTime(12, 0), QTimeZone(OfficeZone)).toMSecsSinceEpoch()));
        QVERIFY(insertRow(QStringLiteral("time_probe"), QDateTime(QDate(2024, 3, 11), QTime(12, 0), QTimeZone(OfficeZone)).toMSecsSinceEpoch()));
    }

    void cleanupTestCase()
    {
        m_server.signal(SIGTERM);
        QCOMPARE(m_server.waitForExit(), 0);
    }

    void everyRouteNeedsAToken()
    {
        for (const char *target : {"/api/audit-logs", "/api/audit-logs/options", "/api/audit-logs/export"}) {
            const HttpReply reply = ApiClient(m_server.port()).get(target);
            QCOMPARE(reply.status, 401);
            QCOMPARE(reply.json().value(QStringLiteral("code")).toString(), QStringLiteral("UNAUTHORIZED"));
        }
    }

    void readingNeedsThePermission()
    {
        for (const char *target : {"/api/audit-logs", "/api/audit-logs/options", "/api/audit-logs/export"}) {
            const HttpReply reply = m_plain.get(target);
            QCOMPARE(reply.status, 403);
            QCOMPARE(reply.json().value(QStringLiteral("code")).toString(), QStringLiteral("FORBIDDEN"));
        }
        // Viewing is not exporting.
        QCOMPARE(m_auditor.get("/api/audit-logs").status, 200);
        QCOMPARE(m_auditor.get("/api/audit-logs/export").status, 403);
    }

    void rowsComeNewestFirstWithTheirActor()
    {
        const QJsonObject page = list(m_admin);
        const QJsonArray rows = page.value(QStringLiteral("results")).toArray();
        QVERIFY(rows.size() >= 5);
        QCOMPARE(page.value(QStringLiteral("total")).toInt(), rows.size());
        for (qsizetype i = 1; i < rows.size(); ++i)
            QVERIFY(rows[i - 1].toObject().value(QStringLiteral("at")).toDouble() >= rows[i].toObject().value(QStringLiteral("at")).toDouble());

        const QJsonObject adminLogin = list(m_admin, "action=login&actorKeyword=admin").value(QStringLiteral("results")).toArray()
                                           .first().toObject();
        QCOMPARE(adminLogin.value(QStringLiteral("entity")).toString(), QStringLiteral("user"));
        QCOMPARE(adminLogin.value(QStringLiteral("actorName")).toString(), QStringLiteral("管理员"));
        QCOMPARE(adminLogin.value(QStringLiteral("actorEmail")).toString(), QStringLiteral("admin@office.test"));
        QCOMPARE(adminLogin.value(QStringLiteral("ip")).toString(), QStringLiteral("127.0.0.1"));
        QVERIFY(adminLogin.value(QStringLiteral("detail")).isObject()); // parsed, not a string of JSON
        for (const char *field : {"id", "actorId", "entityId", "ipLocation"})
            QVERIFY2(adminLogin.contains(QLatin1String(field)), field);

        // The appliance's own rows have no employee behind them.
        const QJsonObject system = list(m_admin, "actorId=system").value(QStringLiteral("results")).toArray().first().toObject();
        QCOMPARE(system.value(QStringLiteral("action")).toString(), QStringLiteral("create"));
        QVERIFY(system.value(QStringLiteral("actorName")).isNull());
    }

    void everyFilterWorks()
    {
        auto all = [](const QJsonObject &page, const char *field, const QString &value) {
            const QJsonArray rows = page.value(QStringLiteral("results")).toArray();
            return !rows.isEmpty() && std::all_of(rows.begin(), rows.end(), [&](const QJsonValue &r) {
                return r.toObject().value(QLatin1String(field)).toString() == value;
            });
        };
        QVERIFY(all(list(m_admin, "action=login"), "action", QStringLiteral("login")));
        QVERIFY(all(list(m_admin, "entity=employee"), "entity", QStringLiteral("employee")));
        QVERIFY(all(list(m_admin, param("actorId", m_auditorId)), "actorId", m_auditorId));
        QVERIFY(all(list(m_admin, "actorKeyword=auditor%40office"), "actorId", m_auditorId)); // personal email
        QVERIFY(all(list(m_admin, param("actorKeyword", QStringLiteral("理员"))), "actorName", QStringLiteral("管理员")));
        // LIKE's wildcards are plain characters here.
        QCOMPARE(list(m_admin, param("actorKeyword", QStringLiteral("%"))).value(QStringLiteral("total")).toInt(), 0);
        QCOMPARE(list(m_admin, param("actorKeyword", QStringLiteral("_"))).value(QStringLiteral("total")).toInt(), 0);
        QCOMPARE(list(m_admin, "action=login&entity=position").value(QStringLiteral("total")).toInt(), 0);

        // Paging: the total counts every match, the page holds `limit` rows from `offset`.
        const QJsonObject whole = list(m_admin);
        const QJsonObject second = list(m_admin, "limit=2&offset=1");
        QCOMPARE(second.value(QStringLiteral("total")), whole.value(QStringLiteral("total")));
        QCOMPARE(second.value(QStringLiteral("results")).toArray().size(), 2);
        QCOMPARE(second.value(QStringLiteral("results")).toArray().first(), whole.value(QStringLiteral("results")).toArray().at(1));
    }

    void theReferenceClientsSnakeCaseNamesWorkToo()
    {
        QVERIFY(actorsOf(list(m_admin, param("actor_id", m_auditorId))) == QSet<QString>{m_auditorId});
        QVERIFY(actorsOf(list(m_admin, "actor_keyword=auditor")) == QSet<QString>{m_auditorId});
        QCOMPARE(list(m_admin, "action=time_probe&start_time=2024-03-11&end_time=2024-03-11").value(QStringLiteral("total")).toInt(), 1);
    }

    void timeFiltersTakeMillisecondsDatesAndDateTimes_data()
    {
        QTest::addColumn<QString>("startTime");
        QTest::addColumn<QString>("endTime");
        QTest::addColumn<int>("matches");
        const qint64 tenth = QDateTime(QDate(2024, 3, 10), QTime(12, 0), QTimeZone(OfficeZone)).toMSecsSinceEpoch();
        QTest::newRow("ms exact") << QString::number(tenth) << QString::number(tenth) << 1;
        QTest::newRow("ms after") << QString::number(tenth + 1) << QString() << 1;
        QTest::newRow("day is inclusive") << QString() << QStringLiteral("2024-03-10") << 1;
        QTest::newRow("both days") << QStringLiteral("2024-03-10") << QStringLiteral("2024-03-11") << 2;
        QTest::newRow("start day") << QStringLiteral("2024-03-11") << QString() << 1;
        QTest::newRow("office local time") << QStringLiteral("2024-03-10T12:00:00") << QStringLiteral("2024-03-10 12:00") << 1;
        QTest::newRow("just before, local") << QString() << QStringLiteral("2024-03-10T11:59:59.999") << 0;
        QTest::newRow("UTC") << QStringLiteral("2024-03-10T08:00:00Z") << QStringLiteral("2024-03-10T08:00:00.000Z") << 1;
        QTest::newRow("offset") << QStringLiteral("2024-03-10T16:00:00+08:00") << QStringLiteral("2024-03-11T16:00:00+08:00") << 2;
        QTest::newRow("offset excludes") << QStringLiteral("2024-03-10T16:00:01+08:00") << QStringLiteral("2024-03-11T15:59:59+0800") << 0;
    }
    void timeFiltersTakeMillisecondsDatesAndDateTimes()
    {
        QFETCH(QString, startTime);
        QFETCH(QString, endTime);
        QFETCH(int, matches);
        QByteArray query = "action=time_probe";
        if (!startTime.isEmpty())
            query += '&' + param("startTime", startTime);
        if (!endTime.isEmpty())
            query += '&' + param("endTime", endTime);
        QCOMPARE(list(m_admin, query).value(QStringLiteral("total")).toInt(), matches);
    }

    void todaysRowsAreInsideToday()
    {
        const QString today = officeToday().toString(Qt::ISODate);
        const int logins = list(m_admin, "action=login").value(QStringLiteral("total")).toInt();
        QVERIFY(logins >= 3);
        QCOMPARE(list(m_admin, "action=login&startTime=" + today.toLatin1() + "&endTime=" + today.toLatin1())
                     .value(QStringLiteral("total")).toInt(),
                 logins);
        QCOMPARE(list(m_admin, "action=login&startTime=" + officeToday().addDays(1).toString(Qt::ISODate).toLatin1())
                     .value(QStringLiteral("total")).toInt(),
                 0);
    }

    void malformedFiltersAre400_data()
    {
        QTest::addColumn<QByteArray>("query");
        QTest::addColumn<QString>("path");
        QTest::newRow("limit 0") << QByteArray("limit=0") << QStringLiteral("limit");
        QTest::newRow("limit 1001") << QByteArray("limit=1001") << QStringLiteral("limit");
        QTest::newRow("limit text") << QByteArray("limit=ten") << QStringLiteral("limit");
        QTest::newRow("offset negative") << QByteArray("offset=-1") << QStringLiteral("offset");
        QTest::newRow("month 13") << QByteArray("startTime=2025-13-01") << QStringLiteral("startTime");
        QTest::newRow("words") << QByteArray("endTime=soon") << QStringLiteral("endTime");
        QTest::newRow("snake case named camel") << QByteArray("end_time=yesterday") << QStringLiteral("endTime");
        QTest::newRow("backwards") << QByteArray("startTime=2024-03-11&endTime=2024-03-10") << QStringLiteral("endTime");
        QTest::newRow("offset hours") << QByteArray("startTime=2024-03-10T10:00:00%2B25:00") << QStringLiteral("startTime");
        QTest::newRow("long keyword") << param("actorKeyword", QString(101, QLatin1Char('x'))) << QStringLiteral("actorKeyword");
    }
    void malformedFiltersAre400()
    {
        QFETCH(QByteArray, query);
        QFETCH(QString, path);
        for (const QByteArray &target : {QByteArray("/api/audit-logs?"), QByteArray("/api/audit-logs/export?")}) {
            const HttpReply reply = m_admin.get(target + query);
            QCOMPARE(reply.status, 400);
            QCOMPARE(reply.json().value(QStringLiteral("code")).toString(), QStringLiteral("VALIDATION_ERROR"));
            QCOMPARE(reply.json().value(QStringLiteral("details")).toObject().value(QStringLiteral("path")).toString(), path);
        }
    }

    void selfScopeSeesOnlyItsOwnRows()
    {
        const QJsonObject page = list(m_auditor);
        QVERIFY(page.value(QStringLiteral("total")).toInt() >= 1); // its own login
        QCOMPARE(actorsOf(page), QSet<QString>{m_auditorId});
        // Asking for someone else's rows finds none, rather than leaking them.
        QCOMPARE(list(m_auditor, "actorId=system").value(QStringLiteral("total")).toInt(), 0);
        const QJsonObject options = m_auditor.get("/api/audit-logs/options").json();
        const QJsonArray actors = options.value(QStringLiteral("actors")).toArray();
        QCOMPARE(actors.size(), 1);
        QCOMPARE(actors.first().toObject().value(QStringLiteral("id")).toString(), m_auditorId);
        QCOMPARE(options.value(QStringLiteral("actions")).toArray(), QJsonArray{QStringLiteral("login")});
    }

    void optionsListTheDistinctValues()
    {
        const HttpReply reply = m_admin.get("/api/audit-logs/options");
        QCOMPARE(reply.status, 200);
        const QJsonObject options = reply.json();
        const QJsonArray actions = options.value(QStringLiteral("actions")).toArray();
        QVERIFY(actions.contains(QStringLiteral("login")) && actions.contains(QStringLiteral("create")));
        QCOMPARE(std::count(actions.begin(), actions.end(), QJsonValue(QStringLiteral("login"))), 1);
        QVERIFY(options.value(QStringLiteral("entities")).toArray().contains(QStringLiteral("user")));
        bool admin = false;
        for (const QJsonValue &a : options.value(QStringLiteral("actors")).toArray())
            admin = admin || (a.toObject().value(QStringLiteral("email")).toString() == QLatin1String("admin@office.test")
                              && a.toObject().value(QStringLiteral("name")).toString() == QStringLiteral("管理员"));
        QVERIFY(admin);
    }

    void exportIsAnAuditedCsvFile()
    {
        const HttpReply reply = m_admin.get("/api/audit-logs/export?action=time_probe");
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.header("content-type"), QByteArray("text/csv; charset=utf-8"));
        QCOMPARE(reply.header("content-disposition"),
                 "attachment; filename=\"audit-logs-" + officeToday().toString(Qt::ISODate).toLatin1() + ".csv\"");
        QVERIFY(reply.body.startsWith("\xEF\xBB\xBF"));
        const QList<QByteArray> lines = reply.body.mid(3).split('\n');
        QCOMPARE(lines.size(), 4); // header, two rows, and the end of the last line
        QCOMPARE(lines[0], QStringLiteral("时间,操作人,邮箱,操作,实体类型,实体ID,IP地址,IP归属地,详情\r").toUtf8());
        QCOMPARE(lines[1], QByteArray("2024/3/11 12:00:00,,,time_probe,,,,,\r")); // office time, newest first
        QCOMPARE(lines[2], QByteArray("2024/3/10 12:00:00,,,time_probe,,,,,\r"));

        const QJsonArray rows = list(m_admin, "action=export&entity=audit_log").value(QStringLiteral("results")).toArray();
        QCOMPARE(rows.size(), 1);
        const QJsonObject detail = rows.first().toObject().value(QStringLiteral("detail")).toObject();
        QCOMPARE(detail.value(QStringLiteral("count")).toInt(), 2);
        QCOMPARE(detail.value(QStringLiteral("filters")).toObject().value(QStringLiteral("action")).toString(), QStringLiteral("time_probe"));
    }

    void exportQuotesAndDisarmsFormulas()
    {
        QVERIFY(insertRow(QStringLiteral("csv_probe"), 86400000, QStringLiteral("system"), QStringLiteral("=HYPERLINK(\"x\")"),
                          QStringLiteral("+1"), QStringLiteral("@home"), QStringLiteral("a,\"b\"\nc")));
        const HttpReply reply = m_admin.get("/api/audit-logs/export?action=csv_probe");
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.body.mid(3).split('\n').mid(1).join('\n'),
                 QByteArray("1970/1/2 04:00:00,system,,csv_probe,\"'=HYPERLINK(\"\"x\"\")\",'+1,'@home,,\"a,\"\"b\"\"\nc\"\r\n"));
    }

    void exportStopsAtTenThousandRows()
    {
        QVERIFY(execSql(m_server, QStringLiteral("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10005) "
                                                 "INSERT INTO audit_logs (id, action, at) SELECT 'bulk-' || i, 'bulk', 1000 + i FROM n")));
        QCOMPARE(list(m_admin, "action=bulk").value(QStringLiteral("total")).toInt(), 10005);
        QCOMPARE(list(m_admin, "action=bulk").value(QStringLiteral("results")).toArray().size(), 100); // the default page
        QCOMPARE(list(m_admin, "action=bulk&limit=1000").value(QStringLiteral("results")).toArray().size(), 1000);
        const HttpReply reply = m_admin.get("/api/audit-logs/export?action=bulk&limit=5&offset=3"); // paging is ignored
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.body.count('\n'), 10001);
        QVERIFY(reply.body.contains(",bulk,"));
    }

    void theLogCannotBeChanged()
    {
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("SQL failed: UPDATE.*append-only")));
        QVERIFY(!execSql(m_server, QStringLiteral("UPDATE audit_logs SET action = 'forged' WHERE action = 'login'")));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("SQL failed: DELETE.*append-only")));
        QVERIFY(!execSql(m_server, QStringLiteral("DELETE FROM audit_logs")));
        QCOMPARE(list(m_admin, "action=forged").value(QStringLiteral("total")).toInt(), 0);
        // And the API has no route that would: only GETs exist.
        for (const QByteArray &method : {QByteArray("PUT"), QByteArray("DELETE"), QByteArray("POST")})
            QCOMPARE(m_admin.call(method, "/api/audit-logs", QJsonObject{{QStringLiteral("x"), 1}}).status, 405);
    }
};

QTEST_GUILESS_MAIN(ApiAuditTest)
#include "tst_api_audit.moc"
