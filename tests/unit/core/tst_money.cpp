// Amounts typed in currency units become exact cents, or a clear refusal: never rounded.
#include "core/JsonFields.h"
#include "core/Money.h"

#include <QJsonDocument>
#include <QTest>

using namespace caiwu;

class MoneyTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void amounts_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("cents");
        QTest::newRow("whole") << QStringLiteral("12") << qint64(1200);
        QTest::newRow("one decimal") << QStringLiteral("12.5") << qint64(1250);
        QTest::newRow("two decimals") << QStringLiteral("12.05") << qint64(1205);
        QTest::newRow("thousands") << QStringLiteral("1,234,567.89") << qint64(123456789);
        QTest::newRow("spaces around") << QStringLiteral(" 0.01 ") << qint64(1);
        QTest::newRow("large") << QStringLiteral("999999999999999.99") << qint64(99999999999999999);
    }
    void amounts()
    {
        QFETCH(QString, text);
        QFETCH(qint64, cents);
        auto r = Money::centsFromUnits(text);
        QVERIFY2(r, qPrintable(r ? QString() : r.error().message));
        QCOMPARE(*r, cents);
    }

    void refusals_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("says");
        QTest::newRow("third decimal") << QStringLiteral("0.005") << QStringLiteral("two decimals");
        QTest::newRow("zero") << QStringLiteral("0.00") << QStringLiteral("more than zero");
        QTest::newRow("negative") << QStringLiteral("-5") << QStringLiteral("not an amount");
        QTest::newRow("exponent") << QStringLiteral("1e3") << QStringLiteral("not an amount");
        QTest::newRow("bad grouping") << QStringLiteral("12,34.5") << QStringLiteral("not an amount");
        QTest::newRow("empty") << QString() << QStringLiteral("not an amount");
        QTest::newRow("currency sign") << QStringLiteral("¥12") << QStringLiteral("not an amount");
        QTest::newRow("too large") << QStringLiteral("9999999999999999") << QStringLiteral("too large");
    }
    void refusals()
    {
        QFETCH(QString, text);
        QFETCH(QString, says);
        auto r = Money::centsFromUnits(text);
        QVERIFY(!r);
        QCOMPARE(r.error().status, 400);
        QVERIFY2(r.error().message.contains(says), qPrintable(r.error().message));
    }

    // JSON numbers as a client writes them, parsed as a request body is.
    void jsonNumbers_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<qint64>("cents");   // -1: refused
        QTest::newRow("two decimals") << QByteArray("12.34") << qint64(1234);
        QTest::newRow("a double that is not exact") << QByteArray("0.29") << qint64(29);   // 0.29 * 100 = 28.999…
        QTest::newRow("another") << QByteArray("1.15") << qint64(115);                     // 1.15 * 100 = 114.999…
        QTest::newRow("one decimal") << QByteArray("12.5") << qint64(1250);
        QTest::newRow("whole") << QByteArray("100") << qint64(10000);
        QTest::newRow("trailing zero") << QByteArray("12.30") << qint64(1230);
        QTest::newRow("exponent, whole cents") << QByteArray("1.5e2") << qint64(15000);
        QTest::newRow("a string") << QByteArray("\"1,234.50\"") << qint64(123450);
        QTest::newRow("third decimal") << QByteArray("12.345") << qint64(-1);
        QTest::newRow("tiny") << QByteArray("1e-7") << qint64(-1);
        QTest::newRow("zero") << QByteArray("0") << qint64(-1);
        QTest::newRow("negative") << QByteArray("-12.34") << qint64(-1);
        QTest::newRow("not a number") << QByteArray("\"abc\"") << qint64(-1);
        QTest::newRow("true") << QByteArray("true") << qint64(-1);
        QTest::newRow("too large") << QByteArray("1e20") << qint64(-1);
    }
    void jsonNumbers()
    {
        QFETCH(QByteArray, json);
        QFETCH(qint64, cents);
        const QJsonValue value = QJsonDocument::fromJson("{\"amount\":" + json + "}").object().value(QStringLiteral("amount"));
        QVERIFY(!value.isUndefined());
        auto r = Money::centsFromJson(value);
        if (cents < 0) {
            QVERIFY(!r);
            QCOMPARE(r.error().status, 400);
        } else {
            QVERIFY2(r, qPrintable(r ? QString() : r.error().message));
            QCOMPARE(*r, cents);
        }
    }

    void unitsOrCentsButNotBoth()
    {
        auto read = [](const char *json) {
            JsonFields in(QJsonDocument::fromJson(json).object());
            const qint64 cents = in.requiredCents(QStringLiteral("amount"), QStringLiteral("amountCents"));
            return in.ok() ? cents : -1;
        };
        QCOMPARE(read(R"({"amount": 12.34})"), 1234);
        QCOMPARE(read(R"({"amountCents": 1234})"), 1234);
        QCOMPARE(read(R"({"amountCents": 12.5})"), -1);
        QCOMPARE(read(R"({"amount": 1, "amountCents": 100})"), -1);
        QCOMPARE(read(R"({})"), -1);
        JsonFields in(QJsonDocument::fromJson(R"({"amount": 12.345})").object());
        in.requiredCents(QStringLiteral("amount"), QStringLiteral("amountCents"));
        QCOMPARE(in.error().details.value(QStringLiteral("path")).toString(), QStringLiteral("amount"));
        QVERIFY2(in.error().message.contains(QStringLiteral("two decimals")), qPrintable(in.error().message));
    }
};

QTEST_GUILESS_MAIN(MoneyTest)
#include "tst_money.moc"
