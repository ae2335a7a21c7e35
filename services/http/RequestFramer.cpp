#include "RequestFramer.h"

#include <QList>

#include <cstring>
#include <utility>

namespace caiwu {

namespace {

bool isTokenChar(char c)
{
    if (c >= 'a' && c <= 'z') return true;
    if (c >= 'A' && c <= 'Z') return true;
    if (c >= '0' && c <= '9') return true;
    return QByteArrayView("!#$%&'*+-.^_`|~").contains(c);
}

bool isToken(QByteArrayView s)
{
    if (s.isEmpty())
        return false;
    for (char c : s)
        if (!isTokenChar(c))
            return false;
    return true;
}

// Visible ASCII only: no spaces or control bytes, nothing http_parser might refuse.
bool isValidTarget(QByteArrayView s)
{
    if (s.isEmpty())
        return false;
    for (char c : s) {
        const auto u = uchar(c);
        if (u <= 0x20 || u == 0x7f || u >= 0x80)
            return false;
    }
    return s.front() == '/' || s == "*" || s.startsWith("http://") || s.startsWith("https://");
}

bool isValidFieldValue(QByteArrayView s)
{
    for (char c : s) {
        const auto u = uchar(c);
        if ((u < 0x20 && u != '\t') || u == 0x7f)
            return false;
    }
    return true;
}

// Blank lines after a request are allowed and ignored (RFC 9112 §2.2); anything else
// is the start of a pipelined request.
bool startsAnotherRequest(QByteArrayView rest)
{
    return std::any_of(rest.begin(), rest.end(), [](char c) { return c != '\r' && c != '\n'; });
}

// Where the head in `buffer` ends, searching from `from`: the LF ending the last header line
// and the terminator's length ("\n\r\n" is 3, "\n\n" is 2), or -1. memchr per LF: QByteArray's
// indexOf of a short needle is a rolling hash over every byte, the hottest spot of a request.
std::pair<qsizetype, qsizetype> findHeadEnd(const QByteArray &buffer, qsizetype from)
{
    const char *data = buffer.constData();
    const qsizetype size = buffer.size();
    for (qsizetype i = std::max<qsizetype>(from, 0); i < size;) {
        const void *lf = std::memchr(data + i, '\n', size_t(size - i));
        if (!lf)
            return {-1, 0};
        const qsizetype at = static_cast<const char *>(lf) - data;
        if (at + 1 < size && data[at + 1] == '\n')
            return {at, 2};
        if (at + 2 < size && data[at + 1] == '\r' && data[at + 2] == '\n')
            return {at, 3};
        i = at + 1;
    }
    return {-1, 0};
}

const QByteArrayView KnownMethods[] = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"};

bool containsToken(QByteArrayView list, QByteArrayView token)
{
    for (QByteArrayView part : QByteArray(list.toByteArray()).split(','))
        if (part.trimmed().compare(token, Qt::CaseInsensitive) == 0)
            return true;
    return false;
}

} // namespace

RequestFramer::RequestFramer(const HttpLimits &limits)
    : m_limits(limits)
{
}

RequestFramer::Outcome RequestFramer::fail(Outcome outcome, int status, const QString &message)
{
    m_state = State::Failed;
    m_headBuffer.clear();
    m_body.clear();
    outcome.errorStatus = status;
    outcome.errorMessage = message;
    return outcome;
}

RequestFramer::Outcome RequestFramer::feed(QByteArrayView data)
{
    Outcome out;
    qsizetype pos = 0;
    while (pos < data.size()) {
        switch (m_state) {
        case State::Failed:
            return out;
        case State::Idle:
            // Blank lines between requests are allowed (RFC 9112 §2.2).
            if (data[pos] == '\r' || data[pos] == '\n') {
                ++pos;
                out.consumed = pos;
                continue;
            }
            m_state = State::Head;
            m_headBuffer.clear();
            m_head = Head{};
            [[fallthrough]];
        case State::Head: {
            const qsizetype oldSize = m_headBuffer.size();
            // Search from a little before the old end: "\r\n\r\n" may straddle two reads.
            const qsizetype take = std::min<qsizetype>(data.size() - pos, m_limits.maxHeaderBytes + 4 - oldSize);
            m_headBuffer.append(data.sliced(pos, std::max<qsizetype>(take, 0)));
            // The head ends at the first empty line: LF, optional CR, LF. Bare LF line ends are
            // tolerated (RFC 9112 §2.2), and "\n\r\n" must count too: http_parser ends the head
            // there, so missing it would let QtHttpServer run a request this guard never checked.
            // `end` is the LF that ends the last header line.
            const auto [end, terminator] = findHeadEnd(m_headBuffer, oldSize - 2);
            if (end < 0) {
                if (m_headBuffer.size() > m_limits.maxHeaderBytes)
                    return fail(out, 431, QStringLiteral("request headers are larger than %1 bytes").arg(m_limits.maxHeaderBytes));
                pos += take;
                out.consumed = pos;
                continue;
            }
            if (end + terminator > m_limits.maxHeaderBytes)
                return fail(out, 431, QStringLiteral("request headers are larger than %1 bytes").arg(m_limits.maxHeaderBytes));
            const qsizetype usedFromThisInput = end + terminator - oldSize;
            pos += usedFromThisInput;
            out.consumed = pos;
            int status = 0;
            QString message;
            if (!parseHead(m_headBuffer.left(end), &status, &message))
                return fail(out, status, message);
            m_headBuffer.clear();
            out.headCompleted = true;
            m_bodyRemaining = m_head.contentLength;
            m_body.clear();
            m_body.reserve(m_bodyRemaining);
            m_state = m_bodyRemaining > 0 ? State::Body : State::Idle;
            if (m_state == State::Idle) {
                out.requestCompleted = true;
                out.bytesAfterRequest = startsAnotherRequest(data.sliced(pos));
                return out;
            }
            continue;
        }
        case State::Body: {
            const qsizetype take = std::min<qint64>(m_bodyRemaining, data.size() - pos);
            m_body.append(data.sliced(pos, take));
            m_bodyRemaining -= take;
            pos += take;
            out.consumed = pos;
            if (m_bodyRemaining == 0) {
                m_state = State::Idle;
                out.requestCompleted = true;
                out.bytesAfterRequest = startsAnotherRequest(data.sliced(pos));
                return out;
            }
            continue;
        }
        }
    }
    return out;
}

bool RequestFramer::parseHead(const QByteArray &block, int *status, QString *message)
{
    auto bad = [&](int code, const QString &why) {
        *status = code;
        *message = why;
        return false;
    };
    QList<QByteArray> lines = block.split('\n');
    for (QByteArray &line : lines)
        if (line.endsWith('\r'))
            line.chop(1);

    const QList<QByteArray> parts = lines.first().split(' ');
    if (parts.size() != 3)
        return bad(400, QStringLiteral("malformed request line"));
    const QByteArray &method = parts[0];
    if (!isToken(method))
        return bad(400, QStringLiteral("malformed method"));
    if (std::find(std::begin(KnownMethods), std::end(KnownMethods), QByteArrayView(method)) == std::end(KnownMethods))
        return bad(501, QStringLiteral("method %1 is not implemented").arg(QString::fromLatin1(method)));
    if (!isValidTarget(parts[1]))
        return bad(400, QStringLiteral("malformed request target"));
    if (parts[2] == "HTTP/1.1")
        m_head.minorVersion = 1;
    else if (parts[2] == "HTTP/1.0")
        m_head.minorVersion = 0;
    else if (parts[2].startsWith("HTTP/"))
        return bad(505, QStringLiteral("only HTTP/1.0 and HTTP/1.1 are supported"));
    else
        return bad(400, QStringLiteral("malformed HTTP version"));
    if (parts[1] == "*" && method != "OPTIONS")
        return bad(400, QStringLiteral("the * target is only for OPTIONS"));
    m_head.method = method;
    m_head.target = parts[1];
    m_head.keepAlive = m_head.minorVersion == 1;

    if (lines.size() - 1 > m_limits.maxHeaderCount)
        return bad(431, QStringLiteral("more than %1 request headers").arg(m_limits.maxHeaderCount));
    bool hasLength = false;
    bool hasHost = false;
    bool close = false; // "close" in any Connection header wins (RFC 9112 §9.6)
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray &line = lines[i];
        if (line.startsWith(' ') || line.startsWith('\t'))
            return bad(400, QStringLiteral("folded header lines are not allowed"));
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0 || !isToken(QByteArrayView(line).first(colon)))
            return bad(400, QStringLiteral("malformed header line %1").arg(i));
        const QByteArrayView name = QByteArrayView(line).first(colon);
        const QByteArrayView value = QByteArrayView(line).sliced(colon + 1).trimmed();
        if (!isValidFieldValue(value))
            return bad(400, QStringLiteral("header %1 has invalid characters").arg(QString::fromLatin1(name)));

        if (name.compare("content-length", Qt::CaseInsensitive) == 0) {
            bool ok = false;
            const qint64 length = value.toByteArray().toLongLong(&ok);
            if (!ok || length < 0 || value.isEmpty() || !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; }))
                return bad(400, QStringLiteral("malformed Content-Length"));
            if (hasLength && length != m_head.contentLength)
                return bad(400, QStringLiteral("conflicting Content-Length headers"));
            hasLength = true;
            m_head.contentLength = length;
        } else if (name.compare("transfer-encoding", Qt::CaseInsensitive) == 0) {
            if (containsToken(value, "chunked"))
                return bad(411, QStringLiteral("chunked request bodies are not accepted; send Content-Length"));
            return bad(501, QStringLiteral("Transfer-Encoding %1 is not implemented").arg(QString::fromLatin1(value)));
        } else if (name.compare("connection", Qt::CaseInsensitive) == 0) {
            if (containsToken(value, "close"))
                close = true;
            else if (containsToken(value, "keep-alive"))
                m_head.keepAlive = true;
        } else if (name.compare("expect", Qt::CaseInsensitive) == 0) {
            if (value.compare("100-continue", Qt::CaseInsensitive) != 0)
                return bad(417, QStringLiteral("only Expect: 100-continue is supported"));
            m_head.expectContinue = true;
        } else if (name.compare("host", Qt::CaseInsensitive) == 0) {
            if (hasHost)
                return bad(400, QStringLiteral("more than one Host header"));
            hasHost = true;
        }
        m_head.headers.append({name.toByteArray(), value.toByteArray()});
    }
    if (close)
        m_head.keepAlive = false;
    if (m_head.minorVersion == 1 && !hasHost)
        return bad(400, QStringLiteral("HTTP/1.1 requests need a Host header"));
    if (m_head.contentLength > m_limits.maxBodyBytes)
        return bad(413, QStringLiteral("the request body (%1 bytes) is larger than the limit of %2 bytes")
                            .arg(m_head.contentLength).arg(m_limits.maxBodyBytes));
    // Nothing to wait for without a body; an HTTP/1.0 client must not get a 1xx (RFC 9110 §10.1.1).
    if (m_head.contentLength == 0 || m_head.minorVersion == 0)
        m_head.expectContinue = false;
    return true;
}

} // namespace caiwu
