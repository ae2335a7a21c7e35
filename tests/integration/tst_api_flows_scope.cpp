// Who may do what with cash flows (reference §1.3, §3.7, issue "Finance API"): every route
// needs a token and its permission, and a clerk sees and books only within their data scope
// (all, project, group, self), with no row left behind by a refused request.
#include "support/ApiClient.h"
#include "support/FinanceData.h"
#include "support/TestServer.h"

#include <QJsonArray>
#include <QSet>
#include <QTest>

namespace {

QJsonObject flowRights(const QStringList &actions)
{
    return permissionMatrix(QStringLiteral("finance"), QStringLiteral("flow"), actions);
}

const QStringList AllFlowRights{QStringLiteral("view"), QStringLiteral("create"), QStringLiteral("update"), QStringLiteral("reverse")};

QSet<QString> listed(const ApiClient &client, const QByteArray &query = {})
{
    QSet<QString> ids;
    for (const QJsonValue &v : client.get("/api/flows" + query).json().value(QStringLiteral("results")).toArray())
        ids.insert(v.toObject().value(QStringLiteral("id")).toString());
    return ids;
}

} // namespace

class ApiFlowsScopeTest : public QObject {
    Q_OBJECT

private:
    TestServer m_server;
    ApiClient m_admin{0};
    TwoProjects m_places;
    QString m_account, m_expense;
    QString m_flowA, m_flowB, m_flowHq;   // recorded by the admin

    QJsonObject body(const ApiClient &uploader, const QString &site)
    {
        QJsonObject b = cashFlowBody(m_account, m_expense, QStringLiteral("expense"), 500, QStringLiteral("2024-08-01"),
                                     uploadVoucher(uploader));
        if (!site.isEmpty())
            b.insert(QStringLiteral("siteId"), site);
        return b;
    }

    QString recordAs(const ApiClient &client, const QString &site)
    {
        const HttpReply reply = client.post("/api/flows", body(client, site));
        if (reply.status != 200)
            qWarning("record failed: %d %s", reply.status, reply.body.constData());
        return reply.json().value(QStringLiteral("id")).toString();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_server.startCaiwu(), m_server.output().constData());
        m_admin = signInAdmin(m_server);
        QVERIFY(!m_admin.token().isEmpty());
        m_places = addTwoProjects(m_server);
        m_account = addAccount(m_server, QStringLiteral("基本户"), 1000000);
        m_expense = addCategory(m_server, QStringLiteral("材料费"), QStringLiteral("expense"));
        m_flowA = recordAs(m_admin, m_places.siteA);
        m_flowB = recordAs(m_admin, m_places.siteB);
        m_flowHq = recordAs(m_admin, {});
        QVERIFY(!m_flowA.isEmpty() && !m_flowB.isEmpty() && !m_flowHq.isEmpty());
    }

    void cleanupTestCase()
    {
        m_server.signal(SIGTERM);
        QCOMPARE(m_server.waitForExit(), 0);
    }

    void everyRouteNeedsAToken_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("target");
        QTest::newRow("next voucher") << QByteArray("GET") << QByteArray("/api/flows/next-voucher?date=2024-01-01");
        QTest::newRow("list") << QByteArray("GET") << QByteArray("/api/flows");
        QTest::newRow("one") << QByteArray("GET") << QByteArray("/api/flows/x");
        QTest::newRow("record") << QByteArray("POST") << QByteArray("/api/flows");
        QTest::newRow("vouchers") << QByteArray("PUT") << QByteArray("/api/flows/x/voucher");
        QTest::newRow("reverse") << QByteArray("POST") << QByteArray("/api/flows/x/reverse");
    }
    void everyRouteNeedsAToken()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, target);
        QVERIFY(refusedWithoutToken(m_server.port(), method, target));
    }

    void eachRouteNeedsItsPermission()
    {
        const ApiClient viewer = signInWithPosition(m_server, QStringLiteral("viewer"), QStringLiteral("all"), flowRights({QStringLiteral("view")}));
        const ApiClient clerk = signInWithPosition(m_server, QStringLiteral("clerk"), QStringLiteral("all"), flowRights({QStringLiteral("create")}));
        const qint64 flows = countRows(m_server, QStringLiteral("cash_flows"));
        const qint64 ledger = countRows(m_server, QStringLiteral("account_transactions"));

        // View only: reads, but records, replaces and reverses nothing.
        QCOMPARE(viewer.get("/api/flows").status, 200);
        QCOMPARE(viewer.get("/api/flows/" + m_flowA.toUtf8()).status, 200);
        QCOMPARE(viewer.get("/api/flows/next-voucher?date=2024-08-01").status, 200);
        const HttpReply post = viewer.post("/api/flows", body(m_admin, m_places.siteA));
        QCOMPARE(post.status, 403);
        QCOMPARE(post.json().value(QStringLiteral("code")).toString(), QStringLiteral("FORBIDDEN"));
        QCOMPARE(viewer.put("/api/flows/" + m_flowA.toUtf8() + "/voucher", {{QStringLiteral("voucherUrl"), uploadVoucher(m_admin)}}).status, 403);
        QCOMPARE(viewer.post("/api/flows/" + m_flowA.toUtf8() + "/reverse").status, 403);
        QCOMPARE(countRows(m_server, QStringLiteral("cash_flows")), flows);
        QCOMPARE(countRows(m_server, QStringLiteral("account_transactions")), ledger);

        // Create only: records, but does not browse; the form may still show the next number.
        QCOMPARE(clerk.get("/api/flows/next-voucher?date=2024-08-01").status, 200);
        QCOMPARE(clerk.get("/api/flows").status, 403);
        QCOMPARE(clerk.get("/api/flows/" + m_flowA.toUtf8()).status, 403);
        QVERIFY(!recordAs(clerk, m_places.siteA).isEmpty());
    }

    void withoutAFlowRightNothingIsShown()
    {
        const ApiClient other = signInWithPosition(m_server, QStringLiteral("transfer_only"), QStringLiteral("all"),
                                      permissionMatrix(QStringLiteral("finance"), QStringLiteral("transfer"), {QStringLiteral("view"), QStringLiteral("create")}));
        for (const QByteArray &target : {QByteArray("/api/flows"), QByteArray("/api/flows/") + m_flowA.toUtf8(),
                                         QByteArray("/api/flows/next-voucher?date=2024-08-01")}) {
            const HttpReply reply = other.get(target);
            QVERIFY2(reply.status == 403, target.constData());
            QCOMPARE(reply.json().value(QStringLiteral("code")).toString(), QStringLiteral("FORBIDDEN"));
        }
    }

    void aProjectClerkSeesAndBooksOnlyTheirProject()
    {
        const ApiClient clerk = signInWithPosition(m_server, QStringLiteral("clerk_a"), QStringLiteral("project"), flowRights(AllFlowRights), m_places.projectA);
        const QString own = recordAs(clerk, m_places.siteA);
        QVERIFY(!own.isEmpty());
        QCOMPARE(m_admin.get("/api/flows/" + own.toUtf8()).json().value(QStringLiteral("departmentId")).toString(), m_places.projectA);

        const qint64 flows = countRows(m_server, QStringLiteral("cash_flows"));
        const qint64 ledger = countRows(m_server, QStringLiteral("account_transactions"));
        // Another project's site, another project named outright, or headquarters: refused, nothing written.
        QJsonObject toB = body(clerk, m_places.siteB);
        QCOMPARE(clerk.post("/api/flows", toB).status, 403);
        QJsonObject namedB = body(clerk, {});
        namedB.insert(QStringLiteral("departmentId"), m_places.projectB);
        QCOMPARE(clerk.post("/api/flows", namedB).status, 403);
        QJsonObject hq = body(clerk, m_places.siteA);
        hq.insert(QStringLiteral("ownerScope"), QStringLiteral("hq"));
        QCOMPARE(clerk.post("/api/flows", hq).status, 403);
        QCOMPARE(clerk.post("/api/flows", body(clerk, {})).status, 403);
        QCOMPARE(countRows(m_server, QStringLiteral("cash_flows")), flows);
        QCOMPARE(countRows(m_server, QStringLiteral("account_transactions")), ledger);

        // They see project A's flows (anyone's), not B's or headquarters'.
        const QSet<QString> seen = listed(clerk);
        QVERIFY(seen.contains(own));
        QVERIFY(seen.contains(m_flowA));
        QVERIFY(!seen.contains(m_flowB));
        QVERIFY(!seen.contains(m_flowHq));
        QCOMPARE(clerk.get("/api/flows?limit=500").json().value(QStringLiteral("total")).toInt(), seen.size());
        // A filter cannot widen the scope.
        QVERIFY(listed(clerk, "?departmentId=" + m_places.projectB.toUtf8()).isEmpty());
        QVERIFY(listed(clerk, "?siteId=" + m_places.siteB.toUtf8()).isEmpty());
        // Out of scope looks like nothing at all.
        QCOMPARE(clerk.get("/api/flows/" + m_flowB.toUtf8()).status, 404);
        QCOMPARE(clerk.put("/api/flows/" + m_flowB.toUtf8() + "/voucher", {{QStringLiteral("voucherUrl"), uploadVoucher(clerk)}}).status, 404);
        QCOMPARE(clerk.post("/api/flows/" + m_flowB.toUtf8() + "/reverse").status, 404);
        QCOMPARE(m_admin.get("/api/flows/" + m_flowB.toUtf8()).json().value(QStringLiteral("isReversed")).toBool(), false);
        // Within scope they may reverse.
        QCOMPARE(clerk.post("/api/flows/" + own.toUtf8() + "/reverse").status, 200);
    }

    void aSelfScopedClerkSeesOnlyTheirOwnFlows()
    {
        QString employee;
        const ApiClient clerk = signInWithPosition(m_server, QStringLiteral("clerk_self"), QStringLiteral("self"), flowRights(AllFlowRights), m_places.projectA, &employee);
        const QString own = recordAs(clerk, m_places.siteA);
        QVERIFY(!own.isEmpty());
        QCOMPARE(listed(clerk), QSet<QString>{own});
        QCOMPARE(listed(clerk, "?siteId=" + m_places.siteA.toUtf8()), QSet<QString>{own});
        QCOMPARE(clerk.get("/api/flows/" + m_flowA.toUtf8()).status, 404); // same project, someone else's
        QCOMPARE(m_admin.get("/api/flows/" + own.toUtf8()).json().value(QStringLiteral("createdBy")).toString(), employee);
    }

    void aGroupScopeFallsBackToOwnFlows()
    {
        // Flows carry no group (org department): a group-scoped clerk sees their own, as the reference.
        const ApiClient clerk = signInWithPosition(m_server, QStringLiteral("clerk_group"), QStringLiteral("group"), flowRights(AllFlowRights), m_places.projectB);
        const QString own = recordAs(clerk, m_places.siteB);
        QVERIFY(!own.isEmpty());
        QCOMPARE(listed(clerk), QSet<QString>{own});
    }

    void aProjectScopeWithoutAProjectSeesNothing()
    {
        const ApiClient clerk = signInWithPosition(m_server, QStringLiteral("clerk_nowhere"), QStringLiteral("project"), flowRights(AllFlowRights));
        QVERIFY(listed(clerk).isEmpty());
        const qint64 flows = countRows(m_server, QStringLiteral("cash_flows"));
        QCOMPARE(clerk.post("/api/flows", body(clerk, m_places.siteA)).status, 403);
        QCOMPARE(countRows(m_server, QStringLiteral("cash_flows")), flows);
    }
};

QTEST_GUILESS_MAIN(ApiFlowsScopeTest)
#include "tst_api_flows_scope.moc"
