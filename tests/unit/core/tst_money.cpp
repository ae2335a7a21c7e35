// Amounts typed in currency units become exact cents, or a clear refusal: never rounded.
#include "core/Money.h"

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
};

QTEST_GUILESS_MAIN(MoneyTest)
#include "tst_money.moc"
