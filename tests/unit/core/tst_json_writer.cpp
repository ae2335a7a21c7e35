// The streaming JSON writer produces what QJsonDocument reads back: commas in the right
// places, every string escaped, nulls and numbers as such.
#include "core/JsonWriter.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace caiwu;

class JsonWriterTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void nestedValuesRoundTrip()
    {
        JsonWriter out;
        out.beginObject().key("results").beginArray();
        for (int i = 0; i < 3; ++i) {
            out.beginObject().key("n").integer(i).key("ok").boolean(i % 2 == 0).key("memo").value(QVariant(QMetaType::fromType<QString>()));
            out.key("tags").beginArray().string(QStringLiteral("a")).string(QStringLiteral("b")).endArray().endObject();
        }
        out.endArray().key("total").integer(-9007199254740991LL).key("empty").beginArray().endArray().endObject();
        QJsonParseError error{};
        const QJsonDocument doc = QJsonDocument::fromJson(out.take(), &error);
        QCOMPARE(error.error, QJsonParseError::NoError);
        const QJsonArray results = doc.object().value(QStringLiteral("results")).toArray();
        QCOMPARE(results.size(), 3);
        QCOMPARE(results[1].toObject().value(QStringLiteral("n")).toInt(), 1);
        QCOMPARE(results[1].toObject().value(QStringLiteral("ok")).toBool(), false);
        QVERIFY(results[2].toObject().value(QStringLiteral("memo")).isNull());
        QCOMPARE(results[2].toObject().value(QStringLiteral("tags")).toArray().size(), 2);
        QCOMPARE(doc.object().value(QStringLiteral("total")).toDouble(), -9007199254740991.0);
        QVERIFY(doc.object().value(QStringLiteral("empty")).toArray().isEmpty());
    }

    void stringsAreEscaped()
    {
        const QString nasty = QStringLiteral("引号\" 反斜杠\\ 换行\n回车\r制表\t响铃\a \u2028 end");
        JsonWriter out;
        out.beginArray().string(nasty).value(QVariant(qlonglong(42))).value(QVariant(QStringLiteral("x"))).endArray();
        const QByteArray text = out.take();
        QVERIFY(!text.contains('\n'));
        QVERIFY(text.contains("\\u0007"));
        const QJsonArray back = QJsonDocument::fromJson(text).array();
        QCOMPARE(back[0].toString(), nasty);
        QCOMPARE(back[1].toInteger(), 42);
        QCOMPARE(back[2].toString(), QStringLiteral("x"));
    }
};

QTEST_GUILESS_MAIN(JsonWriterTest)
#include "tst_json_writer.moc"
