// QrCode: the image the activation page shows for the employee's authenticator app to scan.
#include "auth/QrCode.h"

#include <QRegularExpression>
#include <QSet>
#include <QTest>
#include <QXmlStreamReader>

#include <qrencode.h>

using namespace caiwu;

namespace {

const QString DataUrlPrefix = QStringLiteral("data:image/svg+xml;base64,");
const QString ActivationUri = QStringLiteral(
    "otpauth://totp/%E8%B4%A2%E5%8A%A1%E7%B3%BB%E7%BB%9F:alice@example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    "&issuer=%E8%B4%A2%E5%8A%A1%E7%B3%BB%E7%BB%9F&algorithm=SHA1&digits=6&period=30");

// What a viewer sees in the SVG: its attributes and the dark modules of its one path.
struct Image {
    QString width, height, viewBox;
    int paths = 0;
    QSet<QPair<int, int>> dark; // (x, y) in viewBox units
    QString error;
};

Image parse(const QByteArray &svg)
{
    Image image;
    QXmlStreamReader xml(svg);
    bool root = true;
    while (xml.readNext() != QXmlStreamReader::Invalid && !xml.atEnd()) {
        if (!xml.isStartElement())
            continue;
        const auto attributes = xml.attributes();
        if (root) {
            if (xml.name() != QLatin1String("svg") || xml.namespaceUri() != QLatin1String("http://www.w3.org/2000/svg"))
                image.error = QStringLiteral("root is not an SVG element");
            image.width = attributes.value(QLatin1String("width")).toString();
            image.height = attributes.value(QLatin1String("height")).toString();
            image.viewBox = attributes.value(QLatin1String("viewBox")).toString();
            root = false;
        } else if (xml.name() == QLatin1String("path")) {
            ++image.paths;
            static const QRegularExpression run(QStringLiteral("M(\\d+) (\\d+)h(\\d+)v1h-(\\d+)z"));
            const QString d = attributes.value(QLatin1String("d")).toString();
            qsizetype consumed = 0;
            for (auto it = run.globalMatch(d); it.hasNext();) {
                const auto m = it.next();
                if (m.capturedStart() != consumed || m.captured(3) != m.captured(4))
                    image.error = QStringLiteral("unexpected path data at %1").arg(consumed);
                consumed = m.capturedEnd();
                for (int i = 0; i < m.captured(3).toInt(); ++i)
                    image.dark.insert({m.captured(1).toInt() + i, m.captured(2).toInt()});
            }
            if (consumed != d.size())
                image.error = QStringLiteral("unparsed path data");
        }
    }
    if (xml.hasError())
        image.error = xml.errorString();
    return image;
}

Image imageOf(const QString &text)
{
    const auto url = QrCode::svgDataUrl(text);
    if (!url)
        return Image{.error = url.error().message};
    if (!url->startsWith(DataUrlPrefix))
        return Image{.error = QStringLiteral("not an SVG data URL")};
    const auto bytes = QByteArray::fromBase64Encoding(url->mid(DataUrlPrefix.size()).toLatin1(),
                                                      QByteArray::AbortOnBase64DecodingErrors);
    if (!bytes)
        return Image{.error = QStringLiteral("not base64")};
    return parse(*bytes);
}

// A finder pattern at (x, y): 7×7 dark ring, light ring, 3×3 dark centre.
bool hasFinder(const Image &image, int x0, int y0)
{
    for (int y = 0; y < 7; ++y)
        for (int x = 0; x < 7; ++x) {
            const bool ring = x == 0 || y == 0 || x == 6 || y == 6;
            const bool centre = x >= 2 && x <= 4 && y >= 2 && y <= 4;
            if (image.dark.contains({x0 + x, y0 + y}) != (ring || centre))
                return false;
        }
    return true;
}

} // namespace

class TestQrCode : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void dataUrlIsBase64Svg();
    void shortTextIsVersion1();
    void modulesMatchTheEncoder_data();
    void modulesMatchTheEncoder();
    void quietZoneIsLight();
    void sameTextSameImage();
    void differentTextDifferentImage();
    void tooLongTextIsRefused();
    void emptyTextIsRefused();
};

void TestQrCode::dataUrlIsBase64Svg()
{
    const auto url = QrCode::svgDataUrl(ActivationUri);
    QVERIFY(url.ok());
    QVERIFY(url->startsWith(DataUrlPrefix));
    const auto svg = QrCode::svg(ActivationUri);
    QVERIFY(svg.ok());
    QCOMPARE(*url, DataUrlPrefix + QString::fromLatin1(svg->toBase64()));

    const Image image = imageOf(ActivationUri);
    QVERIFY2(image.error.isEmpty(), qPrintable(image.error));
    QCOMPARE(image.width, QStringLiteral("200"));
    QCOMPARE(image.height, QStringLiteral("200"));
    QVERIFY(image.viewBox.startsWith(QStringLiteral("0 0 ")));
    QCOMPARE(image.paths, 1);
    QVERIFY(!image.dark.isEmpty());
}

void TestQrCode::shortTextIsVersion1()
{
    const Image image = imageOf(QStringLiteral("HELLO WORLD"));
    QVERIFY2(image.error.isEmpty(), qPrintable(image.error));
    QCOMPARE(image.viewBox, QStringLiteral("0 0 29 29")); // 21 modules + 2 × 4 quiet zone
}

void TestQrCode::modulesMatchTheEncoder_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("activation uri") << ActivationUri;
    QTest::newRow("chinese text") << QStringLiteral("财务系统 · 张三的验证器");
    QTest::newRow("raw chinese issuer uri") << QStringLiteral("otpauth://totp/财务系统:张三@例子.公司?secret=JBSWY3DPEHPK3PXP&issuer=财务系统");
    QTest::newRow("1000 characters") << QString(1000, QLatin1Char('x'));
}

void TestQrCode::modulesMatchTheEncoder()
{
    QFETCH(QString, text);
    const Image image = imageOf(text);
    QVERIFY2(image.error.isEmpty(), qPrintable(image.error));

    QRcode *code = QRcode_encodeString(text.toUtf8().constData(), 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    QVERIFY(code);
    const int width = code->width;
    QSet<QPair<int, int>> expected;
    for (int y = 0; y < width; ++y)
        for (int x = 0; x < width; ++x)
            if (code->data[y * width + x] & 1)
                expected.insert({x + 4, y + 4});
    QRcode_free(code);

    QCOMPARE(width % 4, 1); // 17 + 4 × version
    QCOMPARE(image.viewBox, QStringLiteral("0 0 %1 %1").arg(width + 8));
    QVERIFY(image.dark == expected);
    QVERIFY(hasFinder(image, 4, 4));
    QVERIFY(hasFinder(image, 4 + width - 7, 4));
    QVERIFY(hasFinder(image, 4, 4 + width - 7));
    QVERIFY(!hasFinder(image, 4 + width - 7, 4 + width - 7));
}

void TestQrCode::quietZoneIsLight()
{
    const Image image = imageOf(ActivationUri);
    const int size = image.viewBox.section(QLatin1Char(' '), 2, 2).toInt();
    QVERIFY(size > 8);
    for (const auto &[x, y] : image.dark) {
        QVERIFY(x >= 4 && x < size - 4);
        QVERIFY(y >= 4 && y < size - 4);
    }
}

void TestQrCode::sameTextSameImage()
{
    const auto a = QrCode::svgDataUrl(ActivationUri);
    const auto b = QrCode::svgDataUrl(ActivationUri);
    QVERIFY(a.ok() && b.ok());
    QCOMPARE(*a, *b);
}

void TestQrCode::differentTextDifferentImage()
{
    QString other = ActivationUri;
    other.replace(QStringLiteral("alice"), QStringLiteral("alicf"));
    const Image a = imageOf(ActivationUri);
    const Image b = imageOf(other);
    QVERIFY(a.error.isEmpty() && b.error.isEmpty());
    QCOMPARE(a.viewBox, b.viewBox);
    QVERIFY(a.dark != b.dark);
}

void TestQrCode::tooLongTextIsRefused()
{
    const QString text(5000, QLatin1Char('x'));
    const auto url = QrCode::svgDataUrl(text);
    QVERIFY(!url.ok());
    QCOMPARE(url.error().status, 400);
    QCOMPARE(url.error().code, QByteArray("VALIDATION_ERROR"));
    QVERIFY2(url.error().message.contains(QLatin1String("too long")), qPrintable(url.error().message));
    QVERIFY(!QrCode::svg(QString(2000, QChar(u'财'))).ok()); // 6000 UTF-8 bytes
}

void TestQrCode::emptyTextIsRefused()
{
    const auto url = QrCode::svgDataUrl(QString());
    QVERIFY(!url.ok());
    QCOMPARE(url.error().status, 400);
    QVERIFY(!QrCode::svg(QStringLiteral("a") + QChar(0) + QStringLiteral("b")).ok());
}

QTEST_APPLESS_MAIN(TestQrCode)
#include "tst_qr_code.moc"
