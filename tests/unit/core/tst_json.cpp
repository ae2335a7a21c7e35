// Json::parseObject: what a client sending a request body is told.
#include "core/Json.h"

#include <QTest>

using namespace caiwu;

class TestJson : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void validObject();
    void refused_data();
    void refused();
};

void TestJson::validObject()
{
    const auto parsed = Json::parseObject(R"( {"name": "现金", "amountCents": 1250, "tags": ["a"], "note": null} )");
    QVERIFY(parsed.ok());
    QCOMPARE(parsed->value(QStringLiteral("name")).toString(), QStringLiteral("现金"));
    QCOMPARE(parsed->value(QStringLiteral("amountCents")).toInteger(), 1250);
    QVERIFY(parsed->value(QStringLiteral("note")).isNull());

    const auto empty = Json::parseObject("{}");
    QVERIFY(empty.ok());
    QVERIFY(empty->isEmpty());
}

void TestJson::refused_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("saying");
    const QString notJson = QStringLiteral("Invalid JSON: ");
    const QString notObject = QStringLiteral("Invalid JSON: the body must be a JSON object");

    QTest::newRow("empty") << QByteArray() << notJson;
    QTest::newRow("whitespace") << QByteArray(" \r\n") << notJson;
    QTest::newRow("truncated") << QByteArray(R"({"name": "a")") << notJson;
    QTest::newRow("trailing comma") << QByteArray(R"({"a": 1,})") << notJson;
    QTest::newRow("single quotes") << QByteArray("{'a': 1}") << notJson;
    QTest::newRow("garbage after") << QByteArray(R"({"a": 1} x)") << notJson;
    QTest::newRow("two objects") << QByteArray(R"({"a": 1}{"b": 2})") << notJson;
    QTest::newRow("form data") << QByteArray("name=a&amount=1") << notJson;
    QTest::newRow("two scalars") << QByteArray("1, 2") << notJson;
    QTest::newRow("array") << QByteArray(R"([{"a": 1}])") << notObject;
    QTest::newRow("empty array") << QByteArray("[]") << notObject;
    QTest::newRow("number") << QByteArray("42") << notObject;
    QTest::newRow("string") << QByteArray(R"("text")") << notObject;
    QTest::newRow("true") << QByteArray("true") << notObject;
    QTest::newRow("null") << QByteArray("null") << notObject;
}

void TestJson::refused()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, saying);
    const auto parsed = Json::parseObject(body);
    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.error().status, 400);
    QCOMPARE(parsed.error().code, QByteArray("VALIDATION_ERROR"));
    QVERIFY2(parsed.error().message.startsWith(saying), qPrintable(parsed.error().message));
    if (saying.endsWith(QLatin1String(": ")))
        // A parse error says where, so the client can find it.
        QVERIFY2(parsed.error().message.contains(QLatin1String("offset")), qPrintable(parsed.error().message));
}

QTEST_APPLESS_MAIN(TestJson)
#include "tst_json.moc"
