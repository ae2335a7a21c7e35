// RequestFramer: the guard's HTTP/1.x framing, fed the bytes a client would send.
#include "http/RequestFramer.h"

#include <QTest>

using namespace caiwu;

namespace {

// What a connection would see after feeding a whole byte stream, however it was split.
struct Run {
    int errorStatus = 0;
    int completions = 0;
    qsizetype completedAt = -1;     // stream offset just after the first completed request
    RequestFramer::Head head;       // the first request's head
    RequestFramer::State state = RequestFramer::State::Idle;
};

// Feeds `wire` cut at `cuts` (stream offsets). Like the server, a feed that stops after
// a complete request is followed by feeding the rest of that piece.
Run feedPieces(const QByteArray &wire, QList<qsizetype> cuts, const HttpLimits &limits = {})
{
    RequestFramer framer(limits);
    Run run;
    cuts.append(wire.size());
    qsizetype start = 0;
    for (const qsizetype cut : cuts) {
        qsizetype pos = start;
        while (pos < cut && run.errorStatus == 0) {
            const auto out = framer.feed(QByteArrayView(wire).sliced(pos, cut - pos));
            if (out.headCompleted && run.head.method.isEmpty())
                run.head = framer.head();
            if (out.errorStatus)
                run.errorStatus = out.errorStatus;
            if (out.requestCompleted && ++run.completions == 1)
                run.completedAt = pos + out.consumed;
            if (!out.requestCompleted || out.errorStatus)
                break;
            pos += out.consumed;
        }
        start = cut;
    }
    run.state = framer.state();
    return run;
}

Run feedWhole(const QByteArray &wire, const HttpLimits &limits = {}) { return feedPieces(wire, {}, limits); }

HttpLimits smallLimits()
{
    HttpLimits limits;
    limits.maxHeaderBytes = 256;
    limits.maxHeaderCount = 5;
    limits.maxBodyBytes = 1000;
    return limits;
}

// A GET whose head (request line, headers and the blank line) is exactly `size` bytes.
QByteArray headOfSize(qsizetype size, QByteArrayView eol = "\r\n")
{
    const QByteArray start = "GET / HTTP/1.1" + eol.toByteArray() + "Host: x" + eol.toByteArray() + "X-Pad: ";
    const QByteArray end = eol.toByteArray() + eol.toByteArray();
    return start + QByteArray(size - start.size() - end.size(), 'a') + end;
}

int statusOf(const QByteArray &wire, const HttpLimits &limits = {})
{
    RequestFramer framer(limits);
    return framer.feed(wire).errorStatus;
}

} // namespace

class TestRequestFramer : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void simpleGet_data();
    void simpleGet();
    void everySplitGivesTheSameOutcome_data();
    void everySplitGivesTheSameOutcome();
    void postCompletesOnlyAfterTheLastBodyByte();
    void headOverLimitIs431_data();
    void headOverLimitIs431();
    void headInSmallChunksFailsAsSoonAsItPassesTheLimit();
    void headThatNeverEndsIs431();
    void headExactlyAtTheLimitPasses_data();
    void headExactlyAtTheLimitPasses();
    void tooManyHeadersIs431();
    void bodyOverLimitIs413BeforeAnyBodyByte();
    void transferEncodingIsRefused_data();
    void transferEncodingIsRefused();
    void contentLength_data();
    void contentLength();
    void methods_data();
    void methods();
    void requestLine_data();
    void requestLine();
    void host_data();
    void host();
    void headerLines_data();
    void headerLines();
    void targets_data();
    void targets();
    void expect_data();
    void expect();
    void lineEndings_data();
    void lineEndings();
    void leadingBlankLinesAreSkipped();
    void pipelinedRequestsStopAfterTheFirst();
    void afterAnErrorNothingMoreIsRead();
};

void TestRequestFramer::simpleGet_data()
{
    QTest::addColumn<QByteArray>("wire");
    QTest::addColumn<int>("minorVersion");
    QTest::addColumn<bool>("keepAlive");

    QTest::newRow("1.1 default keep-alive") << QByteArray("GET /api/health HTTP/1.1\r\nHost: caiwu.lan\r\n\r\n") << 1 << true;
    QTest::newRow("1.1 Connection: close")
        << QByteArray("GET /api/health HTTP/1.1\r\nHost: caiwu.lan\r\nConnection: close\r\n\r\n") << 1 << false;
    QTest::newRow("1.1 connection: Close (case)")
        << QByteArray("GET /api/health HTTP/1.1\r\nhost: caiwu.lan\r\nconnection: Close\r\n\r\n") << 1 << false;
    QTest::newRow("1.1 close among tokens")
        << QByteArray("GET /api/health HTTP/1.1\r\nHost: caiwu.lan\r\nConnection: keep-alive, close\r\n\r\n") << 1 << false;
    QTest::newRow("1.1 close then keep-alive header")
        << QByteArray("GET /api/health HTTP/1.1\r\nHost: caiwu.lan\r\nConnection: close\r\nConnection: keep-alive\r\n\r\n")
        << 1 << false;
    QTest::newRow("1.0 default close") << QByteArray("GET /api/health HTTP/1.0\r\n\r\n") << 0 << false;
    QTest::newRow("1.0 Connection: keep-alive")
        << QByteArray("GET /api/health HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n") << 0 << true;
}

void TestRequestFramer::simpleGet()
{
    QFETCH(QByteArray, wire);
    QFETCH(int, minorVersion);
    QFETCH(bool, keepAlive);

    RequestFramer framer(HttpLimits{});
    const auto out = framer.feed(wire);
    QCOMPARE(out.errorStatus, 0);
    QVERIFY(out.headCompleted);
    QVERIFY(out.requestCompleted);
    QVERIFY(!out.bytesAfterRequest);
    QCOMPARE(out.consumed, wire.size());
    QCOMPARE(framer.state(), RequestFramer::State::Idle);
    QCOMPARE(framer.head().method, QByteArray("GET"));
    QCOMPARE(framer.head().target, QByteArray("/api/health"));
    QCOMPARE(framer.head().minorVersion, minorVersion);
    QCOMPARE(framer.head().contentLength, 0);
    QCOMPARE(framer.head().keepAlive, keepAlive);
    QVERIFY(!framer.head().expectContinue);
}

void TestRequestFramer::everySplitGivesTheSameOutcome_data()
{
    QTest::addColumn<QByteArray>("wire");

    QTest::newRow("GET") << QByteArray("GET /api/accounts?page=2 HTTP/1.1\r\nHost: caiwu.lan\r\nAccept: */*\r\n\r\n");
    QTest::newRow("POST with body")
        << QByteArray("POST /api/flows HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n"
                      "{\"amount\":12}");
    QTest::newRow("expect continue")
        << QByteArray("PUT /api/vouchers HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\nabcd");
    QTest::newRow("bare LF") << QByteArray("GET / HTTP/1.1\nHost: h\n\n");
    QTest::newRow("LF lines, CRLF blank line") << QByteArray("GET / HTTP/1.1\nHost: h\n\r\n");
    QTest::newRow("leading CRLF") << QByteArray("\r\n\r\nDELETE /api/x/1 HTTP/1.1\r\nHost: h\r\n\r\n");
    QTest::newRow("two requests") << QByteArray("POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nxyz"
                                                "GET /b HTTP/1.1\r\nHost: h\r\n\r\n");
    QTest::newRow("400 folded") << QByteArray("GET / HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n  continued\r\n\r\n");
    QTest::newRow("411 chunked") << QByteArray("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
    QTest::newRow("413 body") << QByteArray("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999\r\n\r\n");
    QTest::newRow("501 method") << QByteArray("TRACE / HTTP/1.1\r\nHost: h\r\n\r\n");
    QTest::newRow("431 head") << headOfSize(16 * 1024 + 1);
}

void TestRequestFramer::everySplitGivesTheSameOutcome()
{
    QFETCH(QByteArray, wire);

    const Run whole = feedWhole(wire);
    // The reference outcome itself must be a finished one: a completed request or an error.
    QVERIFY(whole.errorStatus != 0 || whole.completions > 0);

    auto sameAs = [&](const Run &run, const QByteArray &how) {
        const QByteArray where = how + " of " + QTest::currentDataTag();
        QVERIFY2(run.errorStatus == whole.errorStatus, where + ": error " + QByteArray::number(run.errorStatus));
        QVERIFY2(run.completions == whole.completions, where + ": completions " + QByteArray::number(run.completions));
        QVERIFY2(run.completedAt == whole.completedAt, where + ": completed at " + QByteArray::number(run.completedAt));
        QVERIFY2(run.head.method == whole.head.method && run.head.target == whole.head.target
                     && run.head.contentLength == whole.head.contentLength && run.head.keepAlive == whole.head.keepAlive
                     && run.head.expectContinue == whole.head.expectContinue,
                 where + ": different head");
        QVERIFY2(run.state == whole.state, where + ": different final state");
    };

    for (qsizetype cut = 1; cut < wire.size(); ++cut)
        sameAs(feedPieces(wire, {cut}), "split at " + QByteArray::number(cut));
    for (qsizetype cut = 1; cut + 1 < wire.size(); ++cut)
        sameAs(feedPieces(wire, {cut, cut + 1}), "1-byte piece at " + QByteArray::number(cut));

    QList<qsizetype> everyByte;
    for (qsizetype cut = 1; cut < wire.size(); ++cut)
        everyByte.append(cut);
    sameAs(feedPieces(wire, everyByte), "byte by byte");
}

void TestRequestFramer::postCompletesOnlyAfterTheLastBodyByte()
{
    const QByteArray head = "POST /api/flows HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n";
    const QByteArray body = "0123456789";
    RequestFramer framer(HttpLimits{});

    auto out = framer.feed(head);
    QVERIFY(out.headCompleted);
    QVERIFY(!out.requestCompleted);
    QCOMPARE(out.consumed, head.size());
    QCOMPARE(framer.state(), RequestFramer::State::Body);
    QCOMPARE(framer.head().contentLength, 10);
    QCOMPARE(framer.bodyRemaining(), 10);

    out = framer.feed(body.left(9));
    QVERIFY(!out.headCompleted);
    QVERIFY(!out.requestCompleted);
    QCOMPARE(out.consumed, 9);
    QCOMPARE(framer.bodyRemaining(), 1);
    QCOMPARE(framer.state(), RequestFramer::State::Body);

    out = framer.feed(body.right(1));
    QVERIFY(out.requestCompleted);
    QVERIFY(!out.bytesAfterRequest);
    QCOMPARE(out.consumed, 1);
    QCOMPARE(framer.bodyRemaining(), 0);
    QCOMPARE(framer.state(), RequestFramer::State::Idle);

    // A body byte the client sends while a response is due is not "more body" but the next request.
    RequestFramer whole{HttpLimits{}};
    out = whole.feed(head + body);
    QVERIFY(out.headCompleted);
    QVERIFY(out.requestCompleted);
    QCOMPARE(out.consumed, head.size() + body.size());
}

void TestRequestFramer::headOverLimitIs431_data()
{
    QTest::addColumn<QByteArray>("wire");
    const HttpLimits limits;
    QTest::newRow("one byte over") << headOfSize(limits.maxHeaderBytes + 1);
    QTest::newRow("one byte over, bare LF") << headOfSize(limits.maxHeaderBytes + 1, "\n");
    QTest::newRow("far over") << headOfSize(limits.maxHeaderBytes * 4);
    QTest::newRow("long request line") << QByteArray("GET /" + QByteArray(limits.maxHeaderBytes, 'a') + " HTTP/1.1\r\nHost: h\r\n\r\n");
}

void TestRequestFramer::headOverLimitIs431()
{
    QFETCH(QByteArray, wire);
    RequestFramer framer(HttpLimits{});
    const auto out = framer.feed(wire);
    QCOMPARE(out.errorStatus, 431);
    QVERIFY(!out.headCompleted);
    QVERIFY(!out.requestCompleted);
    QVERIFY(out.errorMessage.contains(QLatin1String("16384")));
    QCOMPARE(framer.state(), RequestFramer::State::Failed);
}

void TestRequestFramer::headInSmallChunksFailsAsSoonAsItPassesTheLimit()
{
    const HttpLimits limits = smallLimits();
    const QByteArray wire = headOfSize(limits.maxHeaderBytes * 3);
    for (const qsizetype chunk : {1, 7, 10, 64}) {
        RequestFramer framer(limits);
        qsizetype fed = 0;
        int status = 0;
        while (fed < wire.size() && status == 0) {
            const qsizetype n = std::min(chunk, wire.size() - fed);
            status = framer.feed(QByteArrayView(wire).sliced(fed, n)).errorStatus;
            fed += n;
        }
        QCOMPARE(status, 431);
        // Refused by the first piece that takes the head past the limit, not later.
        QVERIFY2(fed > limits.maxHeaderBytes && fed - chunk <= limits.maxHeaderBytes, QByteArray::number(chunk));
    }
}

void TestRequestFramer::headThatNeverEndsIs431()
{
    const HttpLimits limits = smallLimits();
    RequestFramer framer(limits);
    auto out = framer.feed("GET / HTTP/1.1\r\nHost: h\r\n");
    QCOMPARE(out.errorStatus, 0);
    qsizetype fed = out.consumed;
    int status = 0;
    while (status == 0 && fed < 10 * limits.maxHeaderBytes) {
        const QByteArray line = "X-Slow: " + QByteArray::number(fed) + "\r\n";
        out = framer.feed(line);
        status = out.errorStatus;
        fed += line.size();
        if (status == 0)
            QCOMPARE(framer.state(), RequestFramer::State::Head);
    }
    QCOMPARE(status, 431);
    QVERIFY(fed > limits.maxHeaderBytes);
    QVERIFY(fed <= limits.maxHeaderBytes + 32);
}

void TestRequestFramer::headExactlyAtTheLimitPasses_data()
{
    QTest::addColumn<QByteArray>("eol");
    QTest::addColumn<qsizetype>("chunk");
    QTest::newRow("CRLF, whole") << QByteArray("\r\n") << qsizetype(0);
    QTest::newRow("CRLF, 1-byte pieces") << QByteArray("\r\n") << qsizetype(1);
    QTest::newRow("CRLF, 100-byte pieces") << QByteArray("\r\n") << qsizetype(100);
    QTest::newRow("LF, whole") << QByteArray("\n") << qsizetype(0);
    QTest::newRow("LF, 3-byte pieces") << QByteArray("\n") << qsizetype(3);
}

void TestRequestFramer::headExactlyAtTheLimitPasses()
{
    QFETCH(QByteArray, eol);
    QFETCH(qsizetype, chunk);
    const HttpLimits limits;
    const QByteArray atLimit = headOfSize(limits.maxHeaderBytes, eol);
    QCOMPARE(atLimit.size(), limits.maxHeaderBytes);

    QList<qsizetype> cuts;
    for (qsizetype c = chunk; chunk > 0 && c < atLimit.size(); c += chunk)
        cuts.append(c);
    const Run ok = feedPieces(atLimit + "GET / HTTP/1.1\r\nHost: h\r\n\r\n", cuts);
    QCOMPARE(ok.errorStatus, 0);
    QCOMPARE(ok.completions, 2);
    QCOMPARE(ok.completedAt, limits.maxHeaderBytes);

    const Run over = feedPieces(headOfSize(limits.maxHeaderBytes + 1, eol), cuts);
    QCOMPARE(over.errorStatus, 431);
    QCOMPARE(over.completions, 0);
}

void TestRequestFramer::tooManyHeadersIs431()
{
    const HttpLimits limits; // maxHeaderCount 100, Host included
    auto withHeaders = [](int count) {
        QByteArray wire = "GET / HTTP/1.1\r\nHost: h\r\n";
        for (int i = 1; i < count; ++i)
            wire += "X-H" + QByteArray::number(i) + ": v\r\n";
        return wire + "\r\n";
    };
    QCOMPARE(statusOf(withHeaders(limits.maxHeaderCount)), 0);
    RequestFramer framer(limits);
    const auto out = framer.feed(withHeaders(limits.maxHeaderCount + 1));
    QCOMPARE(out.errorStatus, 431);
    QVERIFY(out.errorMessage.contains(QLatin1String("100")));
}

void TestRequestFramer::bodyOverLimitIs413BeforeAnyBodyByte()
{
    const HttpLimits limits = smallLimits();
    {
        RequestFramer framer(limits);
        const auto out = framer.feed("POST /api/vouchers HTTP/1.1\r\nHost: h\r\nContent-Length: 1001\r\n\r\n");
        QCOMPARE(out.errorStatus, 413);
        QVERIFY(!out.requestCompleted);
        QVERIFY(out.errorMessage.contains(QLatin1String("1001")));
        QVERIFY(out.errorMessage.contains(QLatin1String("1000")));
        QCOMPARE(framer.state(), RequestFramer::State::Failed);
    }
    {
        RequestFramer framer(limits);
        const auto out = framer.feed("POST /api/vouchers HTTP/1.1\r\nHost: h\r\nContent-Length: 1000\r\n\r\n");
        QCOMPARE(out.errorStatus, 0);
        QVERIFY(out.headCompleted);
        QCOMPARE(framer.state(), RequestFramer::State::Body);
        QCOMPARE(framer.bodyRemaining(), 1000);
    }
}

void TestRequestFramer::transferEncodingIsRefused_data()
{
    QTest::addColumn<QByteArray>("headers");
    QTest::addColumn<int>("status");
    QTest::newRow("chunked") << QByteArray("Transfer-Encoding: chunked\r\n") << 411;
    QTest::newRow("Chunked (case)") << QByteArray("transfer-encoding: Chunked\r\n") << 411;
    QTest::newRow("gzip, chunked") << QByteArray("Transfer-Encoding: gzip, chunked\r\n") << 411;
    QTest::newRow("gzip") << QByteArray("Transfer-Encoding: gzip\r\n") << 501;
    QTest::newRow("identity") << QByteArray("Transfer-Encoding: identity\r\n") << 501;
    QTest::newRow("length then chunked") << QByteArray("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n") << 411;
    QTest::newRow("chunked then length") << QByteArray("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n") << 411;
}

void TestRequestFramer::transferEncodingIsRefused()
{
    QFETCH(QByteArray, headers);
    QFETCH(int, status);
    RequestFramer framer(HttpLimits{});
    const auto out = framer.feed("POST /api/flows HTTP/1.1\r\nHost: h\r\n" + headers + "\r\n5\r\nhello\r\n0\r\n\r\n");
    QCOMPARE(out.errorStatus, status);
    QVERIFY(!out.headCompleted);
    QVERIFY(!out.requestCompleted);
    QCOMPARE(framer.state(), RequestFramer::State::Failed);
}

void TestRequestFramer::contentLength_data()
{
    QTest::addColumn<QByteArray>("headers");
    QTest::addColumn<int>("status");
    QTest::addColumn<qint64>("length");
    QTest::newRow("5") << QByteArray("Content-Length: 5\r\n") << 0 << qint64(5);
    QTest::newRow("0") << QByteArray("Content-Length: 0\r\n") << 0 << qint64(0);
    QTest::newRow("spaces around") << QByteArray("Content-Length:   5  \r\n") << 0 << qint64(5);
    QTest::newRow("leading zeros") << QByteArray("Content-Length: 005\r\n") << 0 << qint64(5);
    QTest::newRow("two equal") << QByteArray("Content-Length: 5\r\ncontent-length: 5\r\n") << 0 << qint64(5);
    QTest::newRow("two different") << QByteArray("Content-Length: 5\r\nContent-Length: 6\r\n") << 400 << qint64(0);
    QTest::newRow("list") << QByteArray("Content-Length: 5, 5\r\n") << 400 << qint64(0);
    QTest::newRow("non-digit") << QByteArray("Content-Length: five\r\n") << 400 << qint64(0);
    QTest::newRow("hex") << QByteArray("Content-Length: 0x5\r\n") << 400 << qint64(0);
    QTest::newRow("negative") << QByteArray("Content-Length: -5\r\n") << 400 << qint64(0);
    QTest::newRow("plus sign") << QByteArray("Content-Length: +5\r\n") << 400 << qint64(0);
    QTest::newRow("empty") << QByteArray("Content-Length:\r\n") << 400 << qint64(0);
    QTest::newRow("decimal") << QByteArray("Content-Length: 5.0\r\n") << 400 << qint64(0);
    QTest::newRow("overflowing") << QByteArray("Content-Length: 99999999999999999999999\r\n") << 400 << qint64(0);
}

void TestRequestFramer::contentLength()
{
    QFETCH(QByteArray, headers);
    QFETCH(int, status);
    QFETCH(qint64, length);
    RequestFramer framer(HttpLimits{});
    const auto out = framer.feed("POST /api/flows HTTP/1.1\r\nHost: h\r\n" + headers + "\r\nhello");
    QCOMPARE(out.errorStatus, status);
    if (status != 0)
        return;
    QCOMPARE(framer.head().contentLength, length);
    QCOMPARE(out.requestCompleted, true);
    QCOMPARE(out.bytesAfterRequest, length < 5);
}

void TestRequestFramer::methods_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<int>("status");
    for (const char *known : {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"})
        QTest::newRow(known) << QByteArray(known) << 0;
    QTest::newRow("TRACE") << QByteArray("TRACE") << 501;
    QTest::newRow("PROPFIND") << QByteArray("PROPFIND") << 501;
    QTest::newRow("CONNECT") << QByteArray("CONNECT") << 501;
    // Methods are case-sensitive (RFC 9110 §9.1): "get" is a well-formed but unknown method.
    QTest::newRow("get") << QByteArray("get") << 501;
    QTest::newRow("not a token") << QByteArray("GE(T") << 400;
}

void TestRequestFramer::methods()
{
    QFETCH(QByteArray, method);
    QFETCH(int, status);
    RequestFramer framer(HttpLimits{});
    const auto out = framer.feed(method + " / HTTP/1.1\r\nHost: h\r\n\r\n");
    QCOMPARE(out.errorStatus, status);
    if (status == 0) {
        QVERIFY(out.requestCompleted);
        QCOMPARE(framer.head().method, method);
    } else {
        QVERIFY(!out.errorMessage.isEmpty());
    }
}

void TestRequestFramer::requestLine_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<int>("status");
    QTest::newRow("two parts") << QByteArray("GET /") << 400;
    QTest::newRow("one word") << QByteArray("hello") << 400;
    QTest::newRow("lowercase garbage") << QByteArray("hello there") << 400;
    QTest::newRow("double space") << QByteArray("GET  / HTTP/1.1") << 400;
    QTest::newRow("trailing space") << QByteArray("GET / HTTP/1.1 ") << 400;
    QTest::newRow("leading space") << QByteArray(" GET / HTTP/1.1") << 400;
    QTest::newRow("tab separated") << QByteArray("GET\t/\tHTTP/1.1") << 400;
    QTest::newRow("four parts") << QByteArray("GET / x HTTP/1.1") << 400;
    QTest::newRow("lowercase version") << QByteArray("GET / http/1.1") << 400;
    QTest::newRow("no version") << QByteArray("GET / FOO") << 400;
    QTest::newRow("HTTP/2.0") << QByteArray("GET / HTTP/2.0") << 505;
    QTest::newRow("HTTP/2") << QByteArray("GET / HTTP/2") << 505;
    QTest::newRow("HTTP/0.9") << QByteArray("GET / HTTP/0.9") << 505;
    QTest::newRow("HTTP/1.2") << QByteArray("GET / HTTP/1.2") << 505;
    QTest::newRow("HTTP/1.10") << QByteArray("GET / HTTP/1.10") << 505;
}

void TestRequestFramer::requestLine()
{
    QFETCH(QByteArray, line);
    QFETCH(int, status);
    RequestFramer framer(HttpLimits{});
    const auto out = framer.feed(line + "\r\nHost: h\r\n\r\n");
    QCOMPARE(out.errorStatus, status);
    QVERIFY(!out.requestCompleted);
    QCOMPARE(framer.state(), RequestFramer::State::Failed);
}

void TestRequestFramer::host_data()
{
    QTest::addColumn<QByteArray>("wire");
    QTest::addColumn<int>("status");
    QTest::newRow("1.1 with Host") << QByteArray("GET / HTTP/1.1\r\nHost: caiwu.lan:8787\r\n\r\n") << 0;
    QTest::newRow("1.1 empty Host") << QByteArray("GET / HTTP/1.1\r\nHost:\r\n\r\n") << 0;
    QTest::newRow("1.1 without Host") << QByteArray("GET / HTTP/1.1\r\nAccept: */*\r\n\r\n") << 400;
    QTest::newRow("1.0 without Host") << QByteArray("GET / HTTP/1.0\r\nAccept: */*\r\n\r\n") << 0;
    QTest::newRow("duplicate Host") << QByteArray("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n") << 400;
    QTest::newRow("duplicate Host, same value") << QByteArray("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n") << 400;
    QTest::newRow("duplicate Host, case") << QByteArray("GET / HTTP/1.1\r\nhost: a\r\nHOST: b\r\n\r\n") << 400;
    QTest::newRow("1.0 duplicate Host") << QByteArray("GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n") << 400;
}

void TestRequestFramer::host()
{
    QFETCH(QByteArray, wire);
    QFETCH(int, status);
    RequestFramer framer(HttpLimits{});
    const auto out = framer.feed(wire);
    QCOMPARE(out.errorStatus, status);
    QCOMPARE(out.requestCompleted, status == 0);
}

void TestRequestFramer::headerLines_data()
{
    QTest::addColumn<QByteArray>("headers");
    QTest::addColumn<int>("status");
    QTest::newRow("plain") << QByteArray("Accept: application/json\r\n") << 0;
    QTest::newRow("empty value") << QByteArray("X-Empty:\r\n") << 0;
    QTest::newRow("tab in value") << QByteArray("X-Tab: a\tb\r\n") << 0;
    QTest::newRow("UTF-8 in value (obs-text)") << QByteArray("X-Name: \xe8\xb4\xa2\xe5\x8a\xa1\r\n") << 0;
    QTest::newRow("folded with space") << QByteArray("X-A: 1\r\n 2\r\n") << 400;
    QTest::newRow("folded with tab") << QByteArray("X-A: 1\r\n\t2\r\n") << 400;
    QTest::newRow("control byte") << QByteArray("X-A: a\x01" "b\r\n") << 400;
    QTest::newRow("escape byte") << QByteArray("X-A: \x1b[31m\r\n") << 400;
    QTest::newRow("DEL") << QByteArray("X-A: a\x7f\r\n") << 400;
    QTest::newRow("NUL") << QByteArray("X-A: a\0b\r\n", 10) << 400;
    QTest::newRow("bare CR inside") << QByteArray("X-A: a\rb\r\n") << 400;
    QTest::newRow("space before colon") << QByteArray("X-A : 1\r\n") << 400;
    QTest::newRow("space in name") << QByteArray("X A: 1\r\n") << 400;
    QTest::newRow("no colon") << QByteArray("NoColonHere\r\n") << 400;
    QTest::newRow("empty name") << QByteArray(": value\r\n") << 400;
}

void TestRequestFramer::headerLines()
{
    QFETCH(QByteArray, headers);
    QFETCH(int, status);
    RequestFramer framer(HttpLimits{});
    const auto out = framer.feed("GET / HTTP/1.1\r\nHost: h\r\n" + headers + "\r\n");
    QCOMPARE(out.errorStatus, status);
    QCOMPARE(out.requestCompleted, status == 0);
}

void TestRequestFramer::targets_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<int>("status");
    QTest::newRow("/x") << QByteArray("GET /x HTTP/1.1") << 0;
    QTest::newRow("query") << QByteArray("GET /api/flows?from=2024-01-01&q=%E8%B4%A2 HTTP/1.1") << 0;
    QTest::newRow("OPTIONS *") << QByteArray("OPTIONS * HTTP/1.1") << 0;
    QTest::newRow("GET *") << QByteArray("GET * HTTP/1.1") << 400; // * is only for OPTIONS (RFC 9112 §3.2.4)
    QTest::newRow("absolute http") << QByteArray("GET http://h/x HTTP/1.1") << 0;
    QTest::newRow("absolute https") << QByteArray("GET https://h:8443/x?y=1 HTTP/1.1") << 0;
    QTest::newRow("relative") << QByteArray("GET x HTTP/1.1") << 400;
    QTest::newRow("authority form") << QByteArray("GET caiwu.lan:80 HTTP/1.1") << 400;
    QTest::newRow("other scheme") << QByteArray("GET ftp://h/x HTTP/1.1") << 400;
    QTest::newRow("non-ASCII") << QByteArray("GET /\xe8\xb4\xa2 HTTP/1.1") << 400;
    QTest::newRow("space") << QByteArray("GET /a b HTTP/1.1") << 400;
    QTest::newRow("control byte") << QByteArray("GET /a\x01 HTTP/1.1") << 400;
    QTest::newRow("DEL") << QByteArray("GET /a\x7f HTTP/1.1") << 400;
}

void TestRequestFramer::targets()
{
    QFETCH(QByteArray, line);
    QFETCH(int, status);
    RequestFramer framer(HttpLimits{});
    const auto out = framer.feed(line + "\r\nHost: h\r\n\r\n");
    QCOMPARE(out.errorStatus, status);
    if (status == 0)
        QCOMPARE(framer.head().target, line.split(' ').at(1));
}

void TestRequestFramer::expect_data()
{
    QTest::addColumn<QByteArray>("wire");
    QTest::addColumn<int>("status");
    QTest::addColumn<bool>("expectContinue");
    QTest::addColumn<bool>("completed");
    QTest::newRow("100-continue with body")
        << QByteArray("POST /u HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n") << 0 << true << false;
    QTest::newRow("100-Continue (case)")
        << QByteArray("POST /u HTTP/1.1\r\nHost: h\r\nexpect: 100-Continue\r\nContent-Length: 5\r\n\r\n") << 0 << true << false;
    QTest::newRow("100-continue, no body")
        << QByteArray("POST /u HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n\r\n") << 0 << false << true;
    QTest::newRow("100-continue, length 0")
        << QByteArray("POST /u HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 0\r\n\r\n") << 0 << false << true;
    // An HTTP/1.0 client does not understand 1xx answers (RFC 9110 §10.1.1: ignore the expectation).
    QTest::newRow("100-continue on HTTP/1.0")
        << QByteArray("POST /u HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n") << 0 << false << false;
    QTest::newRow("no Expect") << QByteArray("POST /u HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\n") << 0 << false << false;
    QTest::newRow("other expectation")
        << QByteArray("POST /u HTTP/1.1\r\nHost: h\r\nExpect: 200-ok\r\nContent-Length: 5\r\n\r\n") << 417 << false << false;
    QTest::newRow("other expectation, no body") << QByteArray("GET /u HTTP/1.1\r\nHost: h\r\nExpect: x\r\n\r\n") << 417 << false
                                                 << false;
}

void TestRequestFramer::expect()
{
    QFETCH(QByteArray, wire);
    QFETCH(int, status);
    QFETCH(bool, expectContinue);
    QFETCH(bool, completed);
    RequestFramer framer(HttpLimits{});
    const auto out = framer.feed(wire);
    QCOMPARE(out.errorStatus, status);
    if (status != 0)
        return;
    QVERIFY(out.headCompleted);
    QCOMPARE(framer.head().expectContinue, expectContinue);
    QCOMPARE(out.requestCompleted, completed);
}

void TestRequestFramer::lineEndings_data()
{
    QTest::addColumn<QByteArray>("head");
    QTest::newRow("CRLF") << QByteArray("POST /u HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\n");
    QTest::newRow("bare LF") << QByteArray("POST /u HTTP/1.1\nHost: h\nContent-Length: 3\n\n");
    QTest::newRow("mixed, CRLF blank line") << QByteArray("POST /u HTTP/1.1\nHost: h\r\nContent-Length: 3\n\r\n");
    QTest::newRow("CRLF lines, LF blank line") << QByteArray("POST /u HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\n");
}

void TestRequestFramer::lineEndings()
{
    // Wherever QtHttpServer's parser sees the head end, the framer must see it end too;
    // otherwise a request would reach the handlers without the guard's checks.
    QFETCH(QByteArray, head);
    RequestFramer framer(HttpLimits{});
    auto out = framer.feed(head);
    QCOMPARE(out.errorStatus, 0);
    QVERIFY(out.headCompleted);
    QCOMPARE(out.consumed, head.size());
    QCOMPARE(framer.head().contentLength, 3);
    QCOMPARE(framer.head().target, QByteArray("/u"));
    out = framer.feed("abc");
    QVERIFY(out.requestCompleted);

    // The same head refusing a chunked body must be refused whatever the line ends.
    QByteArray chunked = head;
    chunked.replace("Content-Length: 3", "Transfer-Encoding: chunked");
    QCOMPARE(statusOf(chunked + "3\r\nabc\r\n0\r\n\r\n"), 411);
}

void TestRequestFramer::leadingBlankLinesAreSkipped()
{
    const QByteArray wire = "\r\n\n\r\nGET /x HTTP/1.1\r\nHost: h\r\n\r\n";
    RequestFramer framer(HttpLimits{});
    const auto out = framer.feed(wire);
    QCOMPARE(out.errorStatus, 0);
    QVERIFY(out.requestCompleted);
    QCOMPARE(out.consumed, wire.size());
    QCOMPARE(framer.head().target, QByteArray("/x"));

    // Only blank lines: consumed, nothing started.
    RequestFramer idle(HttpLimits{});
    const auto blank = idle.feed("\r\n\r\n");
    QCOMPARE(blank.consumed, 4);
    QVERIFY(!blank.headCompleted);
    QCOMPARE(idle.state(), RequestFramer::State::Idle);
}

void TestRequestFramer::pipelinedRequestsStopAfterTheFirst()
{
    const QByteArray first = "POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nxyz";
    const QByteArray second = "GET /b HTTP/1.1\r\nHost: h\r\n\r\n";
    RequestFramer framer(HttpLimits{});

    auto out = framer.feed(first + second);
    QVERIFY(out.requestCompleted);
    QVERIFY(out.bytesAfterRequest);
    QCOMPARE(out.consumed, first.size());
    QCOMPARE(framer.head().target, QByteArray("/a"));
    QCOMPARE(framer.state(), RequestFramer::State::Idle);

    out = framer.feed(second);
    QVERIFY(out.requestCompleted);
    QVERIFY(!out.bytesAfterRequest);
    QCOMPARE(out.consumed, second.size());
    QCOMPARE(framer.head().target, QByteArray("/b"));

    // Two GETs: the first stops right after its blank line.
    const QByteArray get = "GET /c HTTP/1.1\r\nHost: h\r\n\r\n";
    RequestFramer gets(HttpLimits{});
    out = gets.feed(get + get);
    QVERIFY(out.requestCompleted);
    QVERIFY(out.bytesAfterRequest);
    QCOMPARE(out.consumed, get.size());

    // Blank lines after a request are not a second request (RFC 9112 §2.2).
    RequestFramer trailing(HttpLimits{});
    out = trailing.feed(get + "\r\n\r\n");
    QVERIFY(out.requestCompleted);
    QVERIFY(!out.bytesAfterRequest);
}

void TestRequestFramer::afterAnErrorNothingMoreIsRead()
{
    RequestFramer framer(HttpLimits{});
    auto out = framer.feed("BREW /pot HTTP/1.1\r\nHost: h\r\n\r\n");
    QCOMPARE(out.errorStatus, 501);
    QCOMPARE(framer.state(), RequestFramer::State::Failed);

    out = framer.feed("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
    QCOMPARE(out.errorStatus, 0);
    QCOMPARE(out.consumed, 0);
    QVERIFY(!out.headCompleted);
    QVERIFY(!out.requestCompleted);
    QCOMPARE(framer.state(), RequestFramer::State::Failed);
}

QTEST_APPLESS_MAIN(TestRequestFramer)
#include "tst_request_framer.moc"
