// What counts as one deliverable address: used for /send recipients, the sender
// address setting and, later, staff login names.
#include "core/EmailAddress.h"

#include <QTest>

using namespace caiwu;

class EmailAddressTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void addresses_data()
    {
        QTest::addColumn<QString>("address");
        QTest::addColumn<bool>("valid");
        QTest::newRow("plain") << QStringLiteral("staff@office.example") << true;
        QTest::newRow("plus and dots") << QStringLiteral("first.last+tag@mail.office.example") << true;
        QTest::newRow("single-label domain") << QStringLiteral("caiwu@localhost") << true;
        QTest::newRow("digits") << QStringLiteral("123@163.com") << true;
        QTest::newRow("chinese domain") << QStringLiteral("staff@公司.中国") << true;
        QTest::newRow("empty") << QString() << false;
        QTest::newRow("no at") << QStringLiteral("office.example") << false;
        QTest::newRow("two ats") << QStringLiteral("a@b@office.example") << false;
        QTest::newRow("empty local") << QStringLiteral("@office.example") << false;
        QTest::newRow("empty domain") << QStringLiteral("staff@") << false;
        QTest::newRow("leading dot") << QStringLiteral(".staff@office.example") << false;
        QTest::newRow("double dot") << QStringLiteral("st..aff@office.example") << false;
        QTest::newRow("space") << QStringLiteral("st aff@office.example") << false;
        QTest::newRow("display name") << QStringLiteral("Staff <staff@office.example>") << false;
        QTest::newRow("list") << QStringLiteral("a@office.example,b@office.example") << false;
        QTest::newRow("CRLF injection") << QStringLiteral("a@office.example\r\nBcc: x@evil.example") << false;
        QTest::newRow("LF in local") << QStringLiteral("a\nb@office.example") << false;
        QTest::newRow("domain label dash") << QStringLiteral("a@-office.example") << false;
        QTest::newRow("empty label") << QStringLiteral("a@office..example") << false;
        QTest::newRow("underscore domain") << QStringLiteral("a@off_ice.example") << false;
        QTest::newRow("local over 64") << QString(65, QLatin1Char('a')) + QStringLiteral("@office.example") << false;
        QTest::newRow("over 254") << QStringLiteral("a@") + QString(250, QLatin1Char('b')) + QStringLiteral(".cn") << false;
    }

    void addresses()
    {
        QFETCH(QString, address);
        QFETCH(bool, valid);
        QCOMPARE(EmailAddress::isValid(address), valid);
    }
};

QTEST_GUILESS_MAIN(EmailAddressTest)
#include "tst_email_address.moc"
