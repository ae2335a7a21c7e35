// Router: which handler a method and path reach, with what parameters, and the 405 Allow list.
#include "http/Router.h"

#include <QTest>

using namespace caiwu;

namespace {

// Each handler answers with its own pattern, so a test sees which one would run.
Handler answering(const QString &pattern)
{
    return [pattern](HttpRequest &) -> Result<HttpResponse> {
        return HttpResponse::bytes(pattern.toUtf8(), "text/plain");
    };
}

void add(Router &router, const char *method, const QString &pattern)
{
    router.add(RouteSpec{method, pattern, {}, {}, Access::Public, {}}, answering(pattern));
}

// The office API's shape, in registration order; ids are these indexes.
Router officeRouter()
{
    Router router;
    add(router, "GET", QStringLiteral("/api/health"));                              // 0
    add(router, "GET", QStringLiteral("/api/accounts"));                            // 1
    add(router, "POST", QStringLiteral("/api/accounts"));                           // 2
    add(router, "GET", QStringLiteral("/api/accounts/{id}"));                       // 3
    add(router, "PUT", QStringLiteral("/api/accounts/{id}"));                       // 4
    add(router, "DELETE", QStringLiteral("/api/accounts/{id}"));                    // 5
    add(router, "GET", QStringLiteral("/api/accounts/{id}/entries/{entryId}"));     // 6
    add(router, "GET", QStringLiteral("/api/flows/{id}"));                          // 7
    add(router, "GET", QStringLiteral("/api/flows/next-voucher"));                  // 8
    add(router, "GET", QStringLiteral("/api/vouchers/*"));                          // 9
    add(router, "POST", QStringLiteral("/api/mail/send"));                          // 10
    add(router, "PATCH", QStringLiteral("/api/mail/send"));                         // 11
    add(router, "GET", QStringLiteral("/"));                                        // 12
    return router;
}

QString paramsText(const QHash<QString, QString> &params)
{
    QStringList parts;
    for (auto it = params.cbegin(); it != params.cend(); ++it)
        parts << it.key() + QLatin1Char('=') + it.value();
    parts.sort();
    return parts.join(QLatin1Char(';'));
}

QByteArray handlerAnswer(const Router::Match &match)
{
    HttpRequest request;
    auto response = match.route->handler(request);
    return response ? response->body : QByteArray();
}

} // namespace

class TestRouter : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void match_data();
    void match();
    void literalBeatsParameterInAnyOrder();
    void wildcardNeedsAtLeastOneMoreSegment();
    void wrongMethod_data();
    void wrongMethod();
    void unknownPathHasNoAllowList();
    void routeIdsAreRegistrationIndexes();
};

void TestRouter::match_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("routeId");
    QTest::addColumn<QString>("params");

    QTest::newRow("literal") << QByteArray("GET") << "/api/health" << 0 << "";
    QTest::newRow("same path, other method") << QByteArray("POST") << "/api/accounts" << 2 << "";
    QTest::newRow("param") << QByteArray("GET") << "/api/accounts/7f3c" << 3 << "id=7f3c";
    QTest::newRow("param, PUT") << QByteArray("PUT") << "/api/accounts/7f3c" << 4 << "id=7f3c";
    QTest::newRow("param, DELETE") << QByteArray("DELETE") << "/api/accounts/7f3c" << 5 << "id=7f3c";
    QTest::newRow("two params") << QByteArray("GET") << "/api/accounts/a1/entries/e9" << 6 << "entryId=e9;id=a1";
    QTest::newRow("param keeps its text") << QByteArray("GET") << QString::fromUtf8("/api/accounts/现金 1") << 3
                                          << QString::fromUtf8("id=现金 1");
    QTest::newRow("literal beats param") << QByteArray("GET") << "/api/flows/next-voucher" << 8 << "";
    QTest::newRow("param next to literal") << QByteArray("GET") << "/api/flows/next" << 7 << "id=next";
    QTest::newRow("wildcard one segment") << QByteArray("GET") << "/api/vouchers/a.webp" << 9 << "*=a.webp";
    QTest::newRow("wildcard rest") << QByteArray("GET") << "/api/vouchers/vouchers/a.webp" << 9 << "*=vouchers/a.webp";
    QTest::newRow("HEAD runs GET") << QByteArray("HEAD") << "/api/accounts/9" << 3 << "id=9";
    QTest::newRow("root") << QByteArray("GET") << "/" << 12 << "";
    // Documented behaviour: empty segments are ignored, so a trailing slash and doubled
    // slashes reach the same route as the clean path.
    QTest::newRow("trailing slash") << QByteArray("GET") << "/api/health/" << 0 << "";
    QTest::newRow("double slashes") << QByteArray("GET") << "//api//health" << 0 << "";
    QTest::newRow("trailing slash after param") << QByteArray("GET") << "/api/accounts/7/" << 3 << "id=7";
    QTest::newRow("double slash in wildcard rest") << QByteArray("GET") << "/api/vouchers/a//b.webp" << 9 << "*=a/b.webp";
    // Not found: paths are case-sensitive, a missing or extra segment is another path.
    QTest::newRow("case differs") << QByteArray("GET") << "/API/health" << -1 << "";
    QTest::newRow("extra segment") << QByteArray("GET") << "/api/health/x" << -1 << "";
    QTest::newRow("missing param") << QByteArray("GET") << "/api/accounts/a1/entries" << -1 << "";
    QTest::newRow("prefix only") << QByteArray("GET") << "/api" << -1 << "";
}

void TestRouter::match()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(int, routeId);
    QFETCH(QString, params);

    const Router router = officeRouter();
    const Router::Match m = router.match(method, path);
    if (routeId < 0) {
        QVERIFY(!m.route);
        return;
    }
    QVERIFY(m.route);
    QCOMPARE(m.route->id, routeId);
    QCOMPARE(paramsText(m.params), params);
    QVERIFY(m.allowedMethods.isEmpty());
    QCOMPARE(handlerAnswer(m), router.routes().at(routeId).spec.pattern.toUtf8());
}

void TestRouter::literalBeatsParameterInAnyOrder()
{
    for (const bool literalFirst : {true, false}) {
        Router router;
        if (literalFirst)
            add(router, "GET", QStringLiteral("/api/flows/next-voucher"));
        add(router, "GET", QStringLiteral("/api/flows/{id}"));
        if (!literalFirst)
            add(router, "GET", QStringLiteral("/api/flows/next-voucher"));

        const auto literal = router.match("GET", QStringLiteral("/api/flows/next-voucher"));
        QVERIFY(literal.route);
        QCOMPARE(literal.route->spec.pattern, QStringLiteral("/api/flows/next-voucher"));
        QVERIFY(literal.params.isEmpty());

        const auto param = router.match("GET", QStringLiteral("/api/flows/f-42"));
        QVERIFY(param.route);
        QCOMPARE(param.route->spec.pattern, QStringLiteral("/api/flows/{id}"));
        QCOMPARE(param.params.value(QStringLiteral("id")), QStringLiteral("f-42"));
    }

    // The earlier literal segment decides between two half-literal patterns.
    for (const bool order : {true, false}) {
        Router router;
        add(router, "GET", order ? QStringLiteral("/api/{kind}/summary") : QStringLiteral("/api/flows/{id}"));
        add(router, "GET", order ? QStringLiteral("/api/flows/{id}") : QStringLiteral("/api/{kind}/summary"));
        const auto m = router.match("GET", QStringLiteral("/api/flows/summary"));
        QVERIFY(m.route);
        QCOMPARE(m.route->spec.pattern, QStringLiteral("/api/flows/{id}"));
        QCOMPARE(paramsText(m.params), QStringLiteral("id=summary"));
    }
}

void TestRouter::wildcardNeedsAtLeastOneMoreSegment()
{
    const Router router = officeRouter();
    QVERIFY(!router.match("GET", QStringLiteral("/api/vouchers")).route);
    QVERIFY(!router.match("GET", QStringLiteral("/api/vouchers/")).route);
    QVERIFY(router.match("GET", QStringLiteral("/api/vouchers")).allowedMethods.isEmpty());
    QVERIFY(!router.match("GET", QStringLiteral("/api/voucher/a.webp")).route);
}

void TestRouter::wrongMethod_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArrayList>("allowed");

    QTest::newRow("POST on GET-only") << QByteArray("POST") << "/api/health" << QByteArrayList{"GET", "HEAD", "OPTIONS"};
    QTest::newRow("DELETE on collection")
        << QByteArray("DELETE") << "/api/accounts" << QByteArrayList{"GET", "POST", "HEAD", "OPTIONS"};
    QTest::newRow("PATCH on item")
        << QByteArray("PATCH") << "/api/accounts/1" << QByteArrayList{"GET", "PUT", "DELETE", "HEAD", "OPTIONS"};
    QTest::newRow("no GET, so no HEAD") << QByteArray("GET") << "/api/mail/send" << QByteArrayList{"POST", "PATCH", "OPTIONS"};
    QTest::newRow("HEAD without GET") << QByteArray("HEAD") << "/api/mail/send" << QByteArrayList{"POST", "PATCH", "OPTIONS"};
    QTest::newRow("OPTIONS is the server's") << QByteArray("OPTIONS") << "/api/health" << QByteArrayList{"GET", "HEAD", "OPTIONS"};
    // Two GET routes match /api/flows/next-voucher; GET is listed once.
    QTest::newRow("each method once") << QByteArray("POST") << "/api/flows/next-voucher" << QByteArrayList{"GET", "HEAD", "OPTIONS"};
    QTest::newRow("trailing slash") << QByteArray("PUT") << "/api/health/" << QByteArrayList{"GET", "HEAD", "OPTIONS"};
}

void TestRouter::wrongMethod()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QByteArrayList, allowed);
    const Router router = officeRouter();
    const auto m = router.match(method, path);
    QVERIFY(!m.route);
    QCOMPARE(m.allowedMethods, allowed);
}

void TestRouter::unknownPathHasNoAllowList()
{
    const Router router = officeRouter();
    for (const char *method : {"GET", "POST", "HEAD", "OPTIONS"}) {
        const auto m = router.match(method, QStringLiteral("/api/nothing-here"));
        QVERIFY(!m.route);
        QVERIFY(m.allowedMethods.isEmpty());
        QVERIFY(m.params.isEmpty());
    }
    const Router empty;
    QVERIFY(!empty.match("GET", QStringLiteral("/")).route);
}

void TestRouter::routeIdsAreRegistrationIndexes()
{
    const Router router = officeRouter();
    QCOMPARE(router.routes().size(), 13);
    for (int i = 0; i < router.routes().size(); ++i)
        QCOMPARE(router.routes().at(i).id, i);
    // Matching does not disturb them: the same path gives the same id every time.
    const int first = router.match("GET", QStringLiteral("/api/accounts/1")).route->id;
    for (int i = 0; i < 3; ++i)
        QCOMPARE(router.match("GET", QStringLiteral("/api/accounts/2")).route->id, first);
    QCOMPARE(router.routes().at(first).spec.pattern, QStringLiteral("/api/accounts/{id}"));
}

QTEST_APPLESS_MAIN(TestRouter)
#include "tst_router.moc"
