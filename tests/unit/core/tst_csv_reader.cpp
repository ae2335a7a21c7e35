// The CSV reader against what spreadsheets actually save: quotes, embedded commas and line
// breaks, BOMs, CRLF, and the malformed files a person may upload.
#include "core/CsvReader.h"

#include <QTest>

using namespace caiwu;

class CsvReaderTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void plainRecords()
    {
        auto r = CsvReader::parse("a,b,c\n1,2,3\n", 10);
        QVERIFY(r);
        QCOMPARE(*r, (QList<QStringList>{{"a", "b", "c"}, {"1", "2", "3"}}));
    }

    void quotesCommasAndLineBreaks()
    {
        auto r = CsvReader::parse("memo,amount\r\n\"房租, 三月\",12.50\r\n\"第一行\r\n第二行\",1\r\n\"说 \"\"好\"\"\",2", 10);
        QVERIFY(r);
        QCOMPARE(r->size(), 4);
        QCOMPARE(r->at(1), (QStringList{QStringLiteral("房租, 三月"), "12.50"}));
        QCOMPARE(r->at(2), (QStringList{QStringLiteral("第一行\r\n第二行"), "1"}));
        QCOMPARE(r->at(3), (QStringList{QStringLiteral("说 \"好\""), "2"}));
    }

    void aByteOrderMarkIsDropped()
    {
        auto r = CsvReader::parse("\xEF\xBB\xBF" "biz_date,type\n2026-01-01,income\n", 10);
        QVERIFY(r);
        QCOMPARE(r->first().first(), QStringLiteral("biz_date"));
    }

    void emptyFieldsAndBlankLines()
    {
        auto r = CsvReader::parse("a,,c\n\n,\n\"\",x\n", 10);
        QVERIFY(r);
        QCOMPARE(*r, (QList<QStringList>{{"a", "", "c"}, {"", ""}, {"", "x"}}));
    }

    void malformedFilesAreRefusedWithTheLine_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("message");
        QTest::newRow("unclosed quote") << QByteArray("a,b\n1,\"open\n") << QStringLiteral("line 2");
        QTest::newRow("text after quote") << QByteArray("a\n\"x\"y\n") << QStringLiteral("line 2");
        QTest::newRow("not utf-8") << QByteArray("a\n\xff\xfe\n") << QStringLiteral("UTF-8");
        QTest::newRow("too many rows") << QByteArray("a\n1\n2\n3\n") << QStringLiteral("more than 3");
    }
    void malformedFilesAreRefusedWithTheLine()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, message);
        auto r = CsvReader::parse(bytes, 3);
        QVERIFY(!r);
        QCOMPARE(r.error().status, 400);
        QVERIFY2(r.error().message.contains(message), qPrintable(r.error().message));
    }
};

QTEST_GUILESS_MAIN(CsvReaderTest)
#include "tst_csv_reader.moc"
