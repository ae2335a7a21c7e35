// Multipart: form uploads as browsers and scripts send them are read byte for byte; anything
// malformed is a 400 that says what is wrong.
#include "http/Multipart.h"

#include <QTest>

using namespace caiwu;

namespace {

const QByteArray ChromeBoundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW";
const QByteArray ChromeContentType = "multipart/form-data; boundary=" + ChromeBoundary;

// The bytes of a literal, embedded NULs included, without counting them by hand.
template<std::size_t N>
QByteArray raw(const char (&literal)[N])
{
    return QByteArray(literal, qsizetype(N - 1));
}

// One part: its header lines and its data.
struct Part {
    QList<QByteArray> headers;
    QByteArray data;
};

Part field(const QByteArray &name, const QByteArray &value)
{
    return {{"Content-Disposition: form-data; name=\"" + name + "\""}, value};
}

// A well-formed body: each part after "--boundary" CRLF, then the close delimiter and CRLF.
QByteArray form(const QByteArray &boundary, const QList<Part> &parts)
{
    QByteArray body;
    for (const Part &part : parts) {
        body += "--" + boundary + "\r\n";
        for (const QByteArray &header : part.headers)
            body += header + "\r\n";
        body += "\r\n" + part.data + "\r\n";
    }
    return body + "--" + boundary + "--\r\n";
}

// Every byte value, and the sequences that could be mistaken for structure.
QByteArray trickyBinary()
{
    QByteArray bytes;
    for (int i = 0; i < 256; ++i)
        bytes.append(char(i));
    bytes += "\r\n\r\n--\r\n--B\r\n"; // the boundary is "----B": this is not it
    bytes += "x------B\r\n";          // the boundary, but not at a line start
    bytes += "\r\n------Bx\r\n";      // at a line start, but followed by other text
    bytes += "\r\n------B-\r\n";      // one dash is not the close delimiter
    bytes += raw("\x00\r\n\x00--\r");
    return bytes;
}

void expectRefused(const Result<QList<MultipartPart>> &result, const QString &messagePart)
{
    QVERIFY2(!result.ok(), "the body was accepted");
    QCOMPARE(result.error().status, 400);
    QCOMPARE(result.error().code, QByteArray("VALIDATION_ERROR"));
    QVERIFY2(result.error().message.contains(messagePart), qPrintable(result.error().message));
}

} // namespace

class MultipartTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void aChromeUploadIsRead()
    {
        const QByteArray jpeg = raw("\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\r\n\xFF\xD9");
        const QByteArray body = "------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n"
                                "Content-Disposition: form-data; name=\"file\"; filename=\"\xE6\x94\xB6\xE6\x8D\xAE.jpg\"\r\n"
                                "Content-Type: image/jpeg\r\n"
                                "\r\n"
            + jpeg
            + "\r\n"
              "------WebKitFormBoundary7MA4YWxkTrZu0gW--\r\n";
        auto parts = Multipart::parse(ChromeContentType, body);
        QVERIFY2(parts.ok(), qPrintable(parts.ok() ? QString() : parts.error().message));
        QCOMPARE(parts->size(), 1);
        const MultipartPart &file = parts->first();
        QCOMPARE(file.name, QByteArray("file"));
        QCOMPARE(file.fileName, QStringLiteral("收据.jpg"));
        QCOMPARE(file.contentType, QByteArray("image/jpeg"));
        QCOMPARE(file.data, jpeg);
    }

    // RFC 2046's own example: a quoted boundary with a space, a preamble and an epilogue.
    void aQuotedBoundaryWithPreambleAndEpilogueIsRead()
    {
        const QByteArray body = "This is the preamble.  It is to be ignored.\r\n"
                                "--simple boundary\r\n"
                                "Content-Disposition: form-data; name=\"memo\"\r\n"
                                "\r\n"
                                "This is implicitly typed plain US-ASCII text.\r\n"
                                "--simple boundary  \r\n" // transport padding before the line break
                                "content-disposition: FORM-DATA; NAME=\"note\"\r\n"
                                "\r\n"
                                "second\r\n"
                                "--simple boundary--\r\n"
                                "This is the epilogue.  It is also to be ignored.\r\n";
        auto parts = Multipart::parse("Multipart/Form-Data; charset=utf-8; Boundary=\"simple boundary\"", body);
        QVERIFY2(parts.ok(), qPrintable(parts.ok() ? QString() : parts.error().message));
        QCOMPARE(parts->size(), 2);
        QCOMPARE(parts->at(0).name, QByteArray("memo"));
        QCOMPARE(parts->at(0).data, QByteArray("This is implicitly typed plain US-ASCII text."));
        QCOMPARE(parts->at(0).contentType, QByteArray());
        QCOMPARE(parts->at(0).fileName, QString());
        QCOMPARE(parts->at(1).name, QByteArray("note"));
        QCOMPARE(parts->at(1).data, QByteArray("second"));
    }

    void theCloseMayEndTheBodyOrBeFollowedByAnEpilogue_data()
    {
        QTest::addColumn<QByteArray>("ending");
        QTest::newRow("end of body") << QByteArray("--B--");
        QTest::newRow("CRLF") << QByteArray("--B--\r\n");
        QTest::newRow("blanks") << QByteArray("--B--  \t");
        QTest::newRow("epilogue") << QByteArray("--B--\r\nanything at all, even --B\r\n");
    }

    void theCloseMayEndTheBodyOrBeFollowedByAnEpilogue()
    {
        QFETCH(QByteArray, ending);
        const QByteArray body = "--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue\r\n" + ending;
        auto parts = Multipart::parse("multipart/form-data; boundary=B", body);
        QVERIFY2(parts.ok(), qPrintable(parts.ok() ? QString() : parts.error().message));
        QCOMPARE(parts->size(), 1);
        QCOMPARE(parts->first().data, QByteArray("value"));
    }

    void binaryDataIsKeptExactly()
    {
        const QByteArray data = trickyBinary();
        const QByteArray body = form("----B", {{{"Content-Disposition: form-data; name=\"file\"; filename=\"x.bin\"",
                                                 "Content-Type: application/octet-stream"},
                                                data},
                                               field("after", "ok")});
        auto parts = Multipart::parse("multipart/form-data; boundary=----B", body);
        QVERIFY2(parts.ok(), qPrintable(parts.ok() ? QString() : parts.error().message));
        QCOMPARE(parts->size(), 2);
        QCOMPARE(parts->at(0).data.size(), data.size());
        QCOMPARE(parts->at(0).data, data);
        QCOMPARE(parts->at(1).data, QByteArray("ok"));
    }

    void twoFieldsAndAFileAreFoundByName()
    {
        const QByteArray pdf = "%PDF-1.7\n%%EOF\n";
        const QByteArray body = form(ChromeBoundary,
                                     {field("memo", "\xE5\x8D\x88\xE9\xA4\x90 lunch"), field("amountCents", "1250"),
                                      {{"Content-Disposition: form-data; name=\"file\"; filename=\"invoice.pdf\"",
                                        "Content-Type: application/pdf"},
                                       pdf},
                                      field("note", "")});
        auto parts = Multipart::parse(ChromeContentType, body);
        QVERIFY2(parts.ok(), qPrintable(parts.ok() ? QString() : parts.error().message));
        QCOMPARE(parts->size(), 4);
        QCOMPARE(Multipart::find(*parts, "memo")->data, QByteArray("午餐 lunch"));
        QCOMPARE(Multipart::find(*parts, "amountCents")->data, QByteArray("1250"));
        const MultipartPart *file = Multipart::find(*parts, "file");
        QVERIFY(file);
        QCOMPARE(file->fileName, QStringLiteral("invoice.pdf"));
        QCOMPARE(file->contentType, QByteArray("application/pdf"));
        QCOMPARE(file->data, pdf);
        QCOMPARE(Multipart::find(*parts, "note")->data, QByteArray());
        QVERIFY(!Multipart::find(*parts, "missing"));
        QVERIFY(!Multipart::find(*parts, "Memo")); // names are case-sensitive
    }

    void theFileNameIsInformationalAndSafe_data()
    {
        QTest::addColumn<QByteArray>("disposition");
        QTest::addColumn<QString>("fileName");
        QTest::newRow("RFC 5987 UTF-8 wins over the fallback")
            << QByteArray("filename=\"fallback.pdf\"; filename*=UTF-8''%E5%8F%91%E7%A5%A8.pdf") << QStringLiteral("发票.pdf");
        QTest::newRow("RFC 5987 with a language") << QByteArray("filename*=utf-8'zh-CN'%E5%8F%91.pdf") << QStringLiteral("发.pdf");
        QTest::newRow("RFC 5987 ISO-8859-1") << QByteArray("filename*=ISO-8859-1''caf%E9.jpg") << QStringLiteral("café.jpg");
        QTest::newRow("Windows path") << QByteArray("filename=\"C:\\Users\\kuaiji\\a.jpg\"") << QStringLiteral("a.jpg");
        QTest::newRow("escaped Windows path") << QByteArray("filename=\"C:\\\\x\\\\a.jpg\"") << QStringLiteral("a.jpg");
        QTest::newRow("traversal") << QByteArray("filename=\"../../a\"") << QStringLiteral("a");
        QTest::newRow("absolute path") << QByteArray("filename=\"/etc/passwd\"") << QStringLiteral("passwd");
        QTest::newRow("only dots") << QByteArray("filename=\"..\"") << QString();
        QTest::newRow("escaped quote") << QByteArray("filename=\"say \\\"cheese\\\".jpg\"") << QStringLiteral("say \"cheese\".jpg");
        QTest::newRow("control and bidi characters")
            << QByteArray("filename*=UTF-8''a%01b%E2%80%AEgpj.exe") << QStringLiteral("abgpj.exe");
        QTest::newRow("encoded traversal") << QByteArray("filename*=UTF-8''..%2F..%2Fa.jpg") << QStringLiteral("a.jpg");
        QTest::newRow("empty file input") << QByteArray("filename=\"\"") << QString();
        QTest::newRow("unquoted") << QByteArray("filename=a.jpg") << QStringLiteral("a.jpg");
    }

    void theFileNameIsInformationalAndSafe()
    {
        QFETCH(QByteArray, disposition);
        QFETCH(QString, fileName);
        const QByteArray body = form("B", {{{"Content-Disposition: form-data; name=\"file\"; " + disposition}, "x"}});
        auto parts = Multipart::parse("multipart/form-data; boundary=B", body);
        QVERIFY2(parts.ok(), qPrintable(parts.ok() ? QString() : parts.error().message));
        QCOMPARE(parts->first().fileName, fileName);
    }

    void sixteenPartsAreAcceptedAndSeventeenAreNot()
    {
        QList<Part> sixteen;
        for (int i = 0; i < 16; ++i)
            sixteen << field("f" + QByteArray::number(i), QByteArray::number(i));
        auto accepted = Multipart::parse("multipart/form-data; boundary=B", form("B", sixteen));
        QVERIFY(accepted.ok());
        QCOMPARE(accepted->size(), 16);
        QCOMPARE(accepted->last().data, QByteArray("15"));

        expectRefused(Multipart::parse("multipart/form-data; boundary=B", form("B", sixteen + QList<Part>{field("f16", "16")})),
                      QStringLiteral("the form has more than 16 parts"));
    }

    void partHeadersOfUpTo8KiBAreAccepted()
    {
        const QByteArray disposition = "Content-Disposition: form-data; name=\"a\"";
        // Header lines plus their CRLFs plus the empty line: exactly 8192 bytes.
        const QByteArray padding = "X-Padding: " + QByteArray(8192 - disposition.size() - 2 - 11 - 2 - 2, 'p');
        auto accepted = Multipart::parse("multipart/form-data; boundary=B", form("B", {{{disposition, padding}, "v"}}));
        QVERIFY2(accepted.ok(), qPrintable(accepted.ok() ? QString() : accepted.error().message));
        QCOMPARE(accepted->first().data, QByteArray("v"));

        expectRefused(Multipart::parse("multipart/form-data; boundary=B", form("B", {{{disposition, padding + 'p'}, "v"}})),
                      QStringLiteral("form part 1: its headers are larger than 8 KiB"));
    }

    void malformedRequestsAreRefused_data()
    {
        const QByteArray cd = "Content-Disposition: form-data; name=\"a\"";
        const QByteArray ok = "multipart/form-data; boundary=B";
        const QByteArray goodBody = form("B", {field("a", "1")});
        QTest::addColumn<QByteArray>("contentType");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("message");

        QTest::newRow("JSON") << QByteArray("application/json") << goodBody << "the request is not multipart/form-data";
        QTest::newRow("no Content-Type") << QByteArray() << goodBody << "the request is not multipart/form-data";
        QTest::newRow("multipart/mixed") << QByteArray("multipart/mixed; boundary=B") << goodBody
                                         << "the request is not multipart/form-data";
        QTest::newRow("no boundary") << QByteArray("multipart/form-data") << goodBody
                                     << "the multipart/form-data Content-Type has no boundary";
        QTest::newRow("empty boundary") << QByteArray("multipart/form-data; boundary=\"\"") << goodBody
                                        << "the multipart boundary is invalid";
        QTest::newRow("boundary of 71 characters") << "multipart/form-data; boundary=" + QByteArray(71, 'b') << goodBody
                                                   << "the multipart boundary is invalid";
        QTest::newRow("boundary with a forbidden character") << QByteArray("multipart/form-data; boundary=a<b") << goodBody
                                                             << "the multipart boundary is invalid";
        QTest::newRow("boundary ending in a space") << QByteArray("multipart/form-data; boundary=\"ab \"") << goodBody
                                                    << "the multipart boundary is invalid";
        QTest::newRow("unterminated quote") << QByteArray("multipart/form-data; boundary=\"B") << goodBody
                                            << "the multipart/form-data Content-Type is malformed";
        QTest::newRow("boundary given twice") << QByteArray("multipart/form-data; boundary=B; boundary=C") << goodBody
                                              << "the parameter boundary is given twice";
        QTest::newRow("body without the boundary") << ok << QByteArray("just some text\r\n")
                                                   << "the multipart body does not contain its boundary";
        QTest::newRow("bare LF line ends") << ok << QByteArray("--B\n" + cd + "\n\n1\n--B--\n")
                                           << "the multipart body does not contain its boundary";
        QTest::newRow("no parts") << ok << QByteArray("--B--\r\n") << "the multipart body has no parts";
        QTest::newRow("no closing boundary") << ok << QByteArray("--B\r\n" + cd + "\r\n\r\n1\r\n")
                                             << "the multipart body ends without its closing boundary";
        QTest::newRow("cut after a delimiter") << ok << QByteArray("--B\r\n" + cd + "\r\n\r\n1\r\n--B\r\n")
                                               << "the multipart body ends without its closing boundary";
        QTest::newRow("cut inside a part") << ok << goodBody.left(goodBody.size() - 12)
                                           << "the multipart body ends without its closing boundary";
        QTest::newRow("data after the close") << ok << QByteArray(goodBody.chopped(2) + "garbage")
                                              << "the multipart body has data after its closing boundary";
        QTest::newRow("no Content-Disposition") << ok << form("B", {{{"Content-Type: text/plain"}, "1"}})
                                                << "form part 1: it has no Content-Disposition header";
        QTest::newRow("no headers at all") << ok << form("B", {field("a", "1"), {{}, "2"}})
                                           << "form part 2: it has no Content-Disposition header";
        QTest::newRow("no name") << ok << form("B", {{{"Content-Disposition: form-data; filename=\"a.jpg\""}, "1"}})
                                 << "form part 1: its Content-Disposition has no name";
        QTest::newRow("empty name") << ok << form("B", {{{"Content-Disposition: form-data; name=\"\""}, "1"}})
                                    << "form part 1: its Content-Disposition has no name";
        QTest::newRow("not form-data") << ok << form("B", {{{"Content-Disposition: attachment; name=\"a\""}, "1"}})
                                       << "form part 1: its Content-Disposition is attachment, not form-data";
        QTest::newRow("malformed Content-Disposition") << ok << form("B", {{{"Content-Disposition: form-data; name"}, "1"}})
                                                       << "form part 1: its Content-Disposition is malformed";
        QTest::newRow("Content-Disposition twice") << ok << form("B", {{{cd, cd}, "1"}})
                                                   << "form part 1: the header Content-Disposition is given twice";
        QTest::newRow("header without a colon") << ok << form("B", {{{cd, "X-Broken header"}, "1"}})
                                                << "form part 1: a header line has no colon";
        QTest::newRow("header with an empty name") << ok << form("B", {{{cd, ": value"}, "1"}})
                                                   << "form part 1: a header has a malformed name";
        QTest::newRow("folded header") << ok << form("B", {{{cd, " continued"}, "1"}})
                                       << "form part 1: folded header lines are not allowed";
        QTest::newRow("control character in a header") << ok << form("B", {{{cd + raw("; filename=\"a\x01.jpg\"")}, "1"}})
                                                        << "form part 1: the header Content-Disposition has control characters";
        QTest::newRow("headers without the empty line") << ok << QByteArray("--B\r\n" + cd + "\r\n--B--\r\n")
                                                        << "form part 1: its headers do not end with an empty line";
        QTest::newRow("endless headers") << ok << QByteArray("--B\r\n" + cd + "\r\nX-Long: " + QByteArray(9000, 'x') + "\r\n--B--\r\n")
                                         << "form part 1: its headers are larger than 8 KiB";
        QTest::newRow("base64 transfer encoding") << ok << form("B", {{{cd, "Content-Transfer-Encoding: base64"}, "MQ=="}})
                                                  << "form part 1: Content-Transfer-Encoding base64 is not supported";
        QTest::newRow("filename* not UTF-8") << ok << form("B", {{{cd + "; filename*=UTF-8''%FF.jpg"}, "1"}})
                                             << "form part 1: its filename* is not of the form";
        QTest::newRow("filename* without a charset") << ok << form("B", {{{cd + "; filename*=a.jpg"}, "1"}})
                                                     << "form part 1: its filename* is not of the form";
        QTest::newRow("filename* in another charset") << ok << form("B", {{{cd + "; filename*=KOI8-R''a.jpg"}, "1"}})
                                                      << "form part 1: its filename* is not of the form";
    }

    void malformedRequestsAreRefused()
    {
        QFETCH(QByteArray, contentType);
        QFETCH(QByteArray, body);
        QFETCH(QString, message);
        expectRefused(Multipart::parse(contentType, body), message);
    }

    void safeFileNameStripsPathsAndControls_data()
    {
        QTest::addColumn<QString>("given");
        QTest::addColumn<QString>("safe");
        QTest::newRow("plain") << QStringLiteral("收据 2024.jpg") << QStringLiteral("收据 2024.jpg");
        QTest::newRow("Windows") << QStringLiteral("C:\\x\\a.jpg") << QStringLiteral("a.jpg");
        QTest::newRow("mixed separators") << QStringLiteral("a/b\\c/d.png") << QStringLiteral("d.png");
        QTest::newRow("traversal") << QStringLiteral("../../a") << QStringLiteral("a");
        QTest::newRow("trailing slash") << QStringLiteral("dir/") << QString();
        QTest::newRow("NUL and newline") << QStringLiteral("a") + QChar(u'\0') + QStringLiteral("b\r\n.jpg") << QStringLiteral("ab.jpg");
        QTest::newRow("right-to-left override") << QStringLiteral("invoice\u202Egpj.exe") << QStringLiteral("invoicegpj.exe");
        QTest::newRow("dot") << QStringLiteral(".") << QString();
        QTest::newRow("dots after a path") << QStringLiteral("a/..") << QString();
    }

    void safeFileNameStripsPathsAndControls()
    {
        QFETCH(QString, given);
        QFETCH(QString, safe);
        QCOMPARE(Multipart::safeFileName(given), safe);
    }
};

QTEST_GUILESS_MAIN(MultipartTest)
#include "tst_multipart.moc"
