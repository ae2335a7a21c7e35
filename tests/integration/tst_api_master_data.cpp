// Master data through a real server: who may call which route (every route of §1.2 needs a
// session and its permission), headquarters, currencies, income/expense categories and vendors.
// Projects, sites and org departments are in tst_api_organisation, accounts in tst_api_accounts.
#include "support/ApiClient.h"
#include "support/TestServer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>
#include <QUrl>
#include <QUuid>

namespace {

using Route = std::pair<QByteArray, QByteArray>;

// Every master-data route, with a made-up id where the path takes one.
const QList<Route> Routes = {
    {"GET", "/api/hq"}, {"POST", "/api/hq"}, {"PUT", "/api/hq/x"}, {"DELETE", "/api/hq/x"},
    {"GET", "/api/departments"}, {"POST", "/api/departments"}, {"PUT", "/api/departments/x"}, {"DELETE", "/api/departments/x"},
    {"GET", "/api/sites"}, {"POST", "/api/sites"}, {"PUT", "/api/sites/x"}, {"DELETE", "/api/sites/x"},
    {"GET", "/api/accounts"}, {"GET", "/api/accounts/x/transactions"}, {"POST", "/api/accounts"}, {"PUT", "/api/accounts/x"},
    {"DELETE", "/api/accounts/x"},
    {"GET", "/api/currencies"}, {"POST", "/api/currencies"}, {"PUT", "/api/currencies/x"}, {"DELETE", "/api/currencies/x"},
    {"GET", "/api/categories"}, {"POST", "/api/categories"}, {"PUT", "/api/categories/x"}, {"DELETE", "/api/categories/x"},
    {"GET", "/api/vendors"}, {"GET", "/api/vendors/x"}, {"POST", "/api/vendors"}, {"PUT", "/api/vendors/x"}, {"DELETE", "/api/vendors/x"},
    {"GET", "/api/org-departments"}, {"GET", "/api/org-departments/x"}, {"POST", "/api/org-departments"},
    {"PUT", "/api/org-departments/x"}, {"DELETE", "/api/org-departments/x"},
    {"GET", "/api/positions"}, {"GET", "/api/positions/available?orgDepartmentId=x"},
};

// The view right of every master-data entity: what the viewer holds.
QJsonObject viewRights()
{
    QJsonObject system;
    for (const char *sub : {"headquarters", "department", "account", "currency", "category", "vendor", "position"})
        system.insert(QLatin1String(sub), QJsonArray{QStringLiteral("view")});
    return QJsonObject{{QStringLiteral("system"), system},
                       {QStringLiteral("site"), QJsonObject{{QStringLiteral("info"), QJsonArray{QStringLiteral("view")}}}}};
}

QJsonArray arrayOf(const HttpReply &reply) { return QJsonDocument::fromJson(reply.body).array(); }

QString newId() { return QUuid::createUuid().toString(QUuid::WithoutBraces); }

} // namespace

class ApiMasterDataTest : public QObject {
    Q_OBJECT

private:
    TestServer m_server;
    ApiClient m_admin{0};
    ApiClient m_viewer{0};    // every master-data view right, no write right
    ApiClient m_outsider{0};  // a position with no master-data right at all

    QString createCategory(const QString &name, const QString &kind, const QString &parentId = {})
    {
        QJsonObject body{{QStringLiteral("name"), name}, {QStringLiteral("kind"), kind}};
        if (!parentId.isEmpty())
            body.insert(QStringLiteral("parentId"), parentId);
        const HttpReply reply = m_admin.post("/api/categories", body);
        if (reply.status != 200)
            qWarning("category %s: %d %s", qPrintable(name), reply.status, reply.body.constData());
        return reply.json().value(QStringLiteral("id")).toString();
    }

    // A cash flow that uses `categoryId`, on a fresh account (the ledger does not matter here).
    bool bookFlowUnder(const QString &categoryId)
    {
        const QString account = newId();
        return execSql(m_server, QStringLiteral("INSERT INTO accounts (id, name, type, currency) VALUES (?, 'flow test', 'cash', 'CNY')"),
                       {account})
            && execSql(m_server, QStringLiteral("INSERT INTO cash_flows (id, biz_date, type, account_id, category_id, amount_cents, "
                                               "created_at) VALUES (?, '2026-03-01', 'expense', ?, ?, 500, 1)"),
                       {newId(), account, categoryId});
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_server.startCaiwu(), m_server.output().constData());
        m_admin = signInAdmin(m_server);
        QVERIFY(!m_admin.token().isEmpty());
        const QString viewer = addPosition(m_server, QStringLiteral("master_viewer"), 1, QStringLiteral("all"), viewRights());
        m_viewer = signInStaff(m_server, {QStringLiteral("viewer@office.test"), QStringLiteral("viewer-password-1"), viewer, {}, {}, {}, true});
        QVERIFY(!m_viewer.token().isEmpty());
        const QString outsider = addPosition(m_server, QStringLiteral("outsider"), 1, QStringLiteral("all"),
                                             permissionMatrix(QStringLiteral("self"), QStringLiteral("profile"), {QStringLiteral("view")}));
        m_outsider = signInStaff(m_server, {QStringLiteral("outsider@office.test"), QStringLiteral("outsider-password-1"), outsider, {},
                                            {}, {}, true});
        QVERIFY(!m_outsider.token().isEmpty());
    }

    void cleanupTestCase()
    {
        m_server.signal(SIGTERM);
        QCOMPARE(m_server.waitForExit(), 0);
    }

    void everyRouteNeedsASession_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("target");
        for (const Route &r : Routes)
            QTest::newRow(r.first + ' ' + r.second) << r.first << r.second;
    }
    void everyRouteNeedsASession()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, target);
        const HttpReply reply = ApiClient(m_server.port()).call(method, target, QJsonObject{{QStringLiteral("name"), QStringLiteral("x")}});
        QCOMPARE(reply.status, 401);
        QCOMPARE(errorCode(reply), QStringLiteral("UNAUTHORIZED"));
    }

    // Reads need the entity's view right, writes its create/update/delete right: the viewer reads
    // everything and changes nothing, the outsider does neither.
    void everyRouteNeedsItsPermission_data() { everyRouteNeedsASession_data(); }
    void everyRouteNeedsItsPermission()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, target);
        const QJsonObject body{{QStringLiteral("name"), QStringLiteral("不该写入")}};
        const HttpReply outsider = m_outsider.call(method, target, body);
        QCOMPARE(outsider.status, 403);
        QCOMPARE(errorCode(outsider), QStringLiteral("FORBIDDEN"));
        const HttpReply viewer = m_viewer.call(method, target, body);
        if (method == "GET")
            QVERIFY2(viewer.status == 200 || viewer.status == 404, viewer.body.constData()); // 404: the made-up id
        else
            QCOMPARE(viewer.status, 403);
    }

    void headquartersAreABareList()
    {
        const HttpReply reply = m_viewer.get("/api/hq");
        QCOMPARE(reply.status, 200);
        const QJsonObject hq = rowWhere(arrayOf(reply), QStringLiteral("id"), QStringLiteral("hq"));
        QCOMPARE(hq.value(QStringLiteral("name")).toString(), QStringLiteral("总部"));
        QCOMPARE(hq.value(QStringLiteral("active")).toInt(), 1);
    }

    void headquartersCannotBeAdded()
    {
        const HttpReply reply = m_admin.post("/api/hq", QJsonObject{{QStringLiteral("name"), QStringLiteral("第二总部")}});
        QCOMPARE(reply.status, 400);
        QCOMPARE(errorCode(reply), QStringLiteral("BUSINESS_ERROR"));
        QCOMPARE(reply.json().value(QStringLiteral("error")).toString(), QStringLiteral("总部配置已禁用"));
    }

    void headquartersAreRenamedWithOptimisticLocking()
    {
        QVERIFY(execSql(m_server, QStringLiteral("INSERT INTO headquarters (id, name) VALUES ('hq2', '分部')")));
        const HttpReply renamed = m_admin.put("/api/hq/hq2", QJsonObject{{QStringLiteral("name"), QStringLiteral("华南总部")},
                                                                         {QStringLiteral("version"), 1}});
        QCOMPARE(renamed.status, 200);
        QCOMPARE(renamed.json(), (QJsonObject{{QStringLiteral("ok"), true}, {QStringLiteral("version"), 2}}));
        const HttpReply stale = m_admin.put("/api/hq/hq2", QJsonObject{{QStringLiteral("name"), QStringLiteral("旧名")},
                                                                       {QStringLiteral("version"), 1}});
        QCOMPARE(stale.status, 409);
        QCOMPARE(errorCode(stale), QStringLiteral("CONFLICT"));
        QCOMPARE(rowWhere(arrayOf(m_admin.get("/api/hq")), QStringLiteral("id"), QStringLiteral("hq2")).value(QStringLiteral("name")).toString(),
                 QStringLiteral("华南总部"));

        const QJsonObject change = auditRows(m_admin, QStringLiteral("headquarters"), QStringLiteral("update"), QStringLiteral("hq2")).first().toObject();
        QCOMPARE(change.value(QStringLiteral("detail")).toObject().value(QStringLiteral("changes")).toObject(),
                 (QJsonObject{{QStringLiteral("name"), QJsonObject{{QStringLiteral("from"), QStringLiteral("分部")},
                                                                   {QStringLiteral("to"), QStringLiteral("华南总部")}}}}));

        const HttpReply blank = m_admin.put("/api/hq/hq2", QJsonObject{{QStringLiteral("name"), QStringLiteral(" ")}});
        QCOMPARE(blank.status, 400);
        QCOMPARE(errorPath(blank), QStringLiteral("name"));
        QCOMPARE(m_admin.put("/api/hq/hq2", QJsonObject{{QStringLiteral("version"), 2}}).status, 400); // nothing to change
        QCOMPARE(m_admin.put("/api/hq/nope", QJsonObject{{QStringLiteral("name"), QStringLiteral("x")}}).status, 404);
    }

    void headquartersAreRetiredNotDeleted()
    {
        QCOMPARE(m_admin.del("/api/hq/hq2").status, 200);
        const QJsonObject hq2 = rowWhere(arrayOf(m_admin.get("/api/hq")), QStringLiteral("id"), QStringLiteral("hq2"));
        QCOMPARE(hq2.value(QStringLiteral("active")).toInt(), 0);
        QVERIFY(!rowWhere(arrayOf(m_admin.get("/api/hq?activeOnly=true")), QStringLiteral("id"), QStringLiteral("hq")).isEmpty());
        QVERIFY(rowWhere(arrayOf(m_admin.get("/api/hq?activeOnly=true")), QStringLiteral("id"), QStringLiteral("hq2")).isEmpty());
        QCOMPARE(m_admin.del("/api/hq/hq2").status, 200); // retired already: nothing to do
        QCOMPARE(auditRows(m_admin, QStringLiteral("headquarters"), QStringLiteral("delete"), QStringLiteral("hq2")).size(), 1);
        QCOMPARE(m_admin.del("/api/hq/nope").status, 404);
    }

    void currenciesAreKeyedByAnUpperCaseCode()
    {
        const HttpReply created = m_admin.post("/api/currencies", QJsonObject{{QStringLiteral("code"), QStringLiteral(" usdc ")},
                                                                              {QStringLiteral("name"), QStringLiteral("USD Coin")}});
        QCOMPARE(created.status, 200);
        QCOMPARE(created.json().value(QStringLiteral("code")).toString(), QStringLiteral("USDC"));
        QCOMPARE(created.json().value(QStringLiteral("active")).toInt(), 1);
        const QJsonObject listed = rowWhere(resultsOf(m_viewer.get("/api/currencies")), QStringLiteral("code"), QStringLiteral("USDC"));
        QCOMPARE(listed.value(QStringLiteral("name")).toString(), QStringLiteral("USD Coin"));
        QCOMPARE(auditRows(m_admin, QStringLiteral("currency"), QStringLiteral("create"), QStringLiteral("USDC")).size(), 1);

        const HttpReply twice = m_admin.post("/api/currencies", QJsonObject{{QStringLiteral("code"), QStringLiteral("USDC")},
                                                                            {QStringLiteral("name"), QStringLiteral("again")}});
        QCOMPARE(twice.status, 409);
        QCOMPARE(errorCode(twice), QStringLiteral("DUPLICATE"));
    }

    void currencyCodesHaveAShape_data()
    {
        QTest::addColumn<QJsonValue>("code");
        QTest::newRow("two letters") << QJsonValue(QStringLiteral("US"));
        QTest::newRow("nine letters") << QJsonValue(QStringLiteral("ABCDEFGHI"));
        QTest::newRow("a sign") << QJsonValue(QStringLiteral("U$D"));
        QTest::newRow("a number") << QJsonValue(840);
        QTest::newRow("missing") << QJsonValue(QJsonValue::Undefined);
    }
    void currencyCodesHaveAShape()
    {
        QFETCH(QJsonValue, code);
        QJsonObject body{{QStringLiteral("name"), QStringLiteral("坏币种")}};
        if (!code.isUndefined())
            body.insert(QStringLiteral("code"), code);
        const HttpReply reply = m_admin.post("/api/currencies", body);
        QCOMPARE(reply.status, 400);
        QCOMPARE(errorPath(reply), QStringLiteral("code"));
    }

    void currenciesChangeByCodeInAnyCase()
    {
        const HttpReply renamed = m_admin.put("/api/currencies/usdc", QJsonObject{{QStringLiteral("symbol"), QStringLiteral("$")},
                                                                                  {QStringLiteral("version"), 1}});
        QCOMPARE(renamed.status, 200);
        QCOMPARE(renamed.json().value(QStringLiteral("version")).toInt(), 2);
        QCOMPARE(m_admin.put("/api/currencies/USDC", QJsonObject{{QStringLiteral("active"), 0}, {QStringLiteral("version"), 1}}).status, 409);
        const HttpReply recoded = m_admin.put("/api/currencies/USDC", QJsonObject{{QStringLiteral("code"), QStringLiteral("USDX")}});
        QCOMPARE(recoded.status, 400);
        QCOMPARE(errorPath(recoded), QStringLiteral("code"));
        QCOMPARE(m_admin.put("/api/currencies/XYZ", QJsonObject{{QStringLiteral("name"), QStringLiteral("x")}}).status, 404);

        QCOMPARE(m_admin.put("/api/currencies/USDC", QJsonObject{{QStringLiteral("active"), false}}).status, 200);
        QVERIFY(rowWhere(resultsOf(m_admin.get("/api/currencies?activeOnly=true")), QStringLiteral("code"), QStringLiteral("USDC")).isEmpty());
        QCOMPARE(resultsOf(m_admin.get("/api/currencies?search=coin")).size(), 1);
    }

    void aCurrencyInUseStays()
    {
        QVERIFY(execSql(m_server, QStringLiteral("INSERT INTO accounts (id, name, type, currency) VALUES ('usd-bank', '美元户', 'bank', 'USD')")));
        const HttpReply refused = m_admin.del("/api/currencies/USD");
        QCOMPARE(refused.status, 400);
        QCOMPARE(errorCode(refused), QStringLiteral("BUSINESS_ERROR"));
        QVERIFY2(refused.json().value(QStringLiteral("error")).toString().contains(QStringLiteral("1 个账户")), refused.body.constData());
        QVERIFY(!rowWhere(resultsOf(m_admin.get("/api/currencies")), QStringLiteral("code"), QStringLiteral("USD")).isEmpty());

        QCOMPARE(m_admin.del("/api/currencies/usdc").status, 200);
        QVERIFY(rowWhere(resultsOf(m_admin.get("/api/currencies")), QStringLiteral("code"), QStringLiteral("USDC")).isEmpty());
        QCOMPARE(auditRows(m_admin, QStringLiteral("currency"), QStringLiteral("delete"), QStringLiteral("USDC")).size(), 1);
        QCOMPARE(m_admin.del("/api/currencies/usdc").status, 404);
    }

    void categoriesAreUniquePerKind()
    {
        const QString office = createCategory(QStringLiteral("办公"), QStringLiteral("expense"));
        QVERIFY(!office.isEmpty());
        const HttpReply twin = m_admin.post("/api/categories", QJsonObject{{QStringLiteral("name"), QStringLiteral("办公")},
                                                                           {QStringLiteral("kind"), QStringLiteral("expense")}});
        QCOMPARE(twin.status, 409);
        QCOMPARE(errorCode(twin), QStringLiteral("DUPLICATE"));
        QVERIFY(!createCategory(QStringLiteral("办公"), QStringLiteral("income")).isEmpty()); // the other kind may have it

        const QJsonObject listed = rowWhere(resultsOf(m_viewer.get("/api/categories?kind=expense")), QStringLiteral("id"), office);
        QCOMPARE(listed.value(QStringLiteral("kind")).toString(), QStringLiteral("expense"));
        QVERIFY(listed.value(QStringLiteral("parentId")).isNull());
        QCOMPARE(listed.value(QStringLiteral("sortOrder")).toInt(), 0);
        for (const QJsonValue &row : resultsOf(m_viewer.get("/api/categories?kind=income")))
            QCOMPARE(row.toObject().value(QStringLiteral("kind")).toString(), QStringLiteral("income"));
        QCOMPARE(m_viewer.get("/api/categories?kind=both").status, 400);
    }

    void categoryInputIsChecked_data()
    {
        QTest::addColumn<QJsonObject>("body");
        QTest::addColumn<QString>("path");
        QTest::newRow("no name") << QJsonObject{{QStringLiteral("kind"), QStringLiteral("income")}} << QStringLiteral("name");
        QTest::newRow("bad kind") << QJsonObject{{QStringLiteral("name"), QStringLiteral("x")}, {QStringLiteral("kind"), QStringLiteral("gift")}}
                                  << QStringLiteral("kind");
        QTest::newRow("unknown parent") << QJsonObject{{QStringLiteral("name"), QStringLiteral("x")}, {QStringLiteral("kind"), QStringLiteral("income")},
                                                       {QStringLiteral("parentId"), QStringLiteral("nope")}}
                                        << QStringLiteral("parentId");
        QTest::newRow("sort order") << QJsonObject{{QStringLiteral("name"), QStringLiteral("x")}, {QStringLiteral("kind"), QStringLiteral("income")},
                                                   {QStringLiteral("sortOrder"), 1.5}}
                                    << QStringLiteral("sortOrder");
    }
    void categoryInputIsChecked()
    {
        QFETCH(QJsonObject, body);
        QFETCH(QString, path);
        const HttpReply reply = m_admin.post("/api/categories", body);
        QCOMPARE(reply.status, 400);
        QCOMPARE(errorCode(reply), QStringLiteral("VALIDATION_ERROR"));
        QCOMPARE(errorPath(reply), path);
    }

    void categoryTreesStayTreesOfOneKind()
    {
        const QString travel = createCategory(QStringLiteral("差旅"), QStringLiteral("expense"));
        const QString hotel = createCategory(QStringLiteral("住宿"), QStringLiteral("expense"), travel);
        const QString room = createCategory(QStringLiteral("房费"), QStringLiteral("expense"), hotel);
        QVERIFY(!travel.isEmpty() && !hotel.isEmpty() && !room.isEmpty());
        const QString sales = createCategory(QStringLiteral("销售"), QStringLiteral("income"));

        const HttpReply crossKind = m_admin.post("/api/categories", QJsonObject{{QStringLiteral("name"), QStringLiteral("佣金")},
                                                                                {QStringLiteral("kind"), QStringLiteral("income")},
                                                                                {QStringLiteral("parentId"), travel}});
        QCOMPARE(crossKind.status, 400);
        QCOMPARE(errorPath(crossKind), QStringLiteral("parentId"));
        for (const QString &parent : {room, travel}) {
            const HttpReply cycle = m_admin.put("/api/categories/" + travel.toUtf8(), QJsonObject{{QStringLiteral("parentId"), parent}});
            QCOMPARE(cycle.status, 400);
            QCOMPARE(errorPath(cycle), QStringLiteral("parentId"));
        }
        QCOMPARE(m_admin.put("/api/categories/" + room.toUtf8(), QJsonObject{{QStringLiteral("parentId"), sales}}).status, 400);
        // Moving a leaf up, and clearing a parent, are fine.
        QCOMPARE(m_admin.put("/api/categories/" + room.toUtf8(), QJsonObject{{QStringLiteral("parentId"), travel}}).status, 200);
        QCOMPARE(m_admin.put("/api/categories/" + room.toUtf8(), QJsonObject{{QStringLiteral("parentId"), QJsonValue::Null}}).status, 200);
        QVERIFY(rowWhere(resultsOf(m_admin.get("/api/categories")), QStringLiteral("id"), room).value(QStringLiteral("parentId")).isNull());

        // A category with sub-categories keeps its kind; a leaf nothing uses may switch.
        const HttpReply switched = m_admin.put("/api/categories/" + travel.toUtf8(), QJsonObject{{QStringLiteral("kind"), QStringLiteral("income")}});
        QCOMPARE(switched.status, 400);
        QCOMPARE(errorCode(switched), QStringLiteral("BUSINESS_ERROR"));
        QVERIFY2(switched.json().value(QStringLiteral("error")).toString().contains(QStringLiteral("1 个子类别")), switched.body.constData());
        QCOMPARE(m_admin.put("/api/categories/" + room.toUtf8(), QJsonObject{{QStringLiteral("kind"), QStringLiteral("income")},
                                                                             {QStringLiteral("version"), 3}})
                     .status,
                 200);
        QCOMPARE(m_admin.put("/api/categories/" + room.toUtf8(), QJsonObject{{QStringLiteral("name"), QStringLiteral("x")},
                                                                             {QStringLiteral("version"), 3}})
                     .status,
                 409);
        QCOMPARE(m_admin.put("/api/categories/nope", QJsonObject{{QStringLiteral("name"), QStringLiteral("x")}}).status, 404);
    }

    void aCategoryInUseStays()
    {
        const QString fuel = createCategory(QStringLiteral("油费"), QStringLiteral("expense"));
        const QString parent = createCategory(QStringLiteral("车辆"), QStringLiteral("expense"));
        QVERIFY(!createCategory(QStringLiteral("保养"), QStringLiteral("expense"), parent).isEmpty());
        QVERIFY(bookFlowUnder(fuel));

        HttpReply refused = m_admin.del("/api/categories/" + fuel.toUtf8());
        QCOMPARE(refused.status, 400);
        QCOMPARE(errorCode(refused), QStringLiteral("BUSINESS_ERROR"));
        QVERIFY2(refused.json().value(QStringLiteral("error")).toString().contains(QStringLiteral("1 笔资金流水")), refused.body.constData());
        QCOMPARE(m_admin.put("/api/categories/" + fuel.toUtf8(), QJsonObject{{QStringLiteral("kind"), QStringLiteral("income")}}).status, 400);
        refused = m_admin.del("/api/categories/" + parent.toUtf8());
        QCOMPARE(refused.status, 400);
        QVERIFY2(refused.json().value(QStringLiteral("error")).toString().contains(QStringLiteral("子类别")), refused.body.constData());

        // Retiring is the way out for a used category.
        QCOMPARE(m_admin.put("/api/categories/" + fuel.toUtf8(), QJsonObject{{QStringLiteral("active"), 0}}).status, 200);
        QVERIFY(rowWhere(resultsOf(m_admin.get("/api/categories?activeOnly=true")), QStringLiteral("id"), fuel).isEmpty());

        const QString unused = createCategory(QStringLiteral("杂项"), QStringLiteral("expense"));
        QCOMPARE(m_admin.del("/api/categories/" + unused.toUtf8()).status, 200);
        QVERIFY(rowWhere(resultsOf(m_admin.get("/api/categories")), QStringLiteral("id"), unused).isEmpty());
        QCOMPARE(auditRows(m_admin, QStringLiteral("category"), QStringLiteral("delete"), unused).size(), 1);
        QCOMPARE(m_admin.del("/api/categories/" + unused.toUtf8()).status, 404);
    }

    void vendorsAreCreatedShownAndChanged()
    {
        const HttpReply created = m_admin.post("/api/vendors", QJsonObject{{QStringLiteral("name"), QStringLiteral("联想")},
                                                                           {QStringLiteral("contact"), QStringLiteral("王经理")},
                                                                           {QStringLiteral("email"), QStringLiteral("sales@lenovo.test")},
                                                                           {QStringLiteral("memo"), QStringLiteral("")}});
        QCOMPARE(created.status, 200);
        const QJsonObject vendor = created.json();
        const QByteArray path = "/api/vendors/" + vendor.value(QStringLiteral("id")).toString().toUtf8();
        QCOMPARE(vendor.value(QStringLiteral("contact")).toString(), QStringLiteral("王经理"));
        QVERIFY(vendor.value(QStringLiteral("memo")).isNull()); // an empty text is no text
        QCOMPARE(vendor.value(QStringLiteral("active")).toInt(), 1);
        QCOMPARE(m_viewer.get(path).json(), vendor);
        QCOMPARE(m_viewer.get("/api/vendors/nope").status, 404);

        const HttpReply twin = m_admin.post("/api/vendors", QJsonObject{{QStringLiteral("name"), QStringLiteral("联想")}});
        QCOMPARE(twin.status, 409);
        QCOMPARE(errorCode(twin), QStringLiteral("DUPLICATE"));
        const HttpReply badMail = m_admin.post("/api/vendors", QJsonObject{{QStringLiteral("name"), QStringLiteral("戴尔")},
                                                                           {QStringLiteral("email"), QStringLiteral("not mail")}});
        QCOMPARE(badMail.status, 400);
        QCOMPARE(errorPath(badMail), QStringLiteral("email"));

        QCOMPARE(m_admin.put(path, QJsonObject{{QStringLiteral("phone"), QStringLiteral("400-100")}, {QStringLiteral("version"), 1}}).status, 200);
        const HttpReply stale = m_admin.put(path, QJsonObject{{QStringLiteral("phone"), QStringLiteral("0")}, {QStringLiteral("version"), 1}});
        QCOMPARE(stale.status, 409);
        QCOMPARE(errorCode(stale), QStringLiteral("CONFLICT"));
        QCOMPARE(m_admin.get(path).json().value(QStringLiteral("phone")).toString(), QStringLiteral("400-100"));
        QCOMPARE(m_admin.put("/api/vendors/nope", QJsonObject{{QStringLiteral("phone"), QStringLiteral("1")}}).status, 404);
        const QJsonObject change = auditRows(m_admin, QStringLiteral("vendor"), QStringLiteral("update"), vendor.value(QStringLiteral("id")).toString()).first().toObject();
        QCOMPARE(change.value(QStringLiteral("detail")).toObject().value(QStringLiteral("changes")).toObject().keys(),
                 QStringList{QStringLiteral("phone")});
    }

    void vendorsAreRetiredAndTheirNameFreed()
    {
        const QString id = rowWhere(resultsOf(m_admin.get("/api/vendors")), QStringLiteral("name"), QStringLiteral("联想")).value(QStringLiteral("id")).toString();
        QVERIFY(!id.isEmpty());
        QCOMPARE(m_admin.del("/api/vendors/" + id.toUtf8()).status, 200);
        QVERIFY(rowWhere(resultsOf(m_admin.get("/api/vendors")), QStringLiteral("id"), id).isEmpty()); // active ones by default
        QCOMPARE(rowWhere(resultsOf(m_admin.get("/api/vendors?activeOnly=false")), QStringLiteral("id"), id).value(QStringLiteral("active")).toInt(), 0);
        QCOMPARE(m_admin.get("/api/vendors/" + id.toUtf8()).json().value(QStringLiteral("active")).toInt(), 0);
        QCOMPARE(m_admin.post("/api/vendors", QJsonObject{{QStringLiteral("name"), QStringLiteral("联想")}}).status, 200);
        // Bringing the old one back would make two active vendors of one name.
        QCOMPARE(m_admin.put("/api/vendors/" + id.toUtf8(), QJsonObject{{QStringLiteral("active"), 1}}).status, 409);
        QCOMPARE(auditRows(m_admin, QStringLiteral("vendor"), QStringLiteral("delete"), id).size(), 1);
        QCOMPARE(m_admin.del("/api/vendors/nope").status, 404);
        QCOMPARE(resultsOf(m_admin.get("/api/vendors?search=" + QUrl::toPercentEncoding(QStringLiteral("联")))).size(), 1);
    }
};

QTEST_GUILESS_MAIN(ApiMasterDataTest)
#include "tst_api_master_data.moc"
