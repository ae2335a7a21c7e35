#include "Multipart.h"

#include <QByteArrayMatcher>
#include <QStringDecoder>

#include <algorithm>
#include <optional>
#include <utility>

namespace caiwu::Multipart {

namespace {

AppError bad(const QString &message) { return AppError::validation(message); }

AppError badPart(int number, const QString &message)
{
    return bad(QStringLiteral("form part %1: %2").arg(number).arg(message));
}

bool isBlank(char c) { return c == ' ' || c == '\t'; }

bool isTokenChar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return QByteArrayView("!#$%&'*+-.^_`|~").contains(c);
}

bool isControl(char c) { return (uchar(c) < 0x20 && c != '\t') || c == 0x7f; }

// A header value of the form `value; name=token; name="quoted"`: Content-Type and
// Content-Disposition. The value and parameter names are lower-cased.
struct HeaderValue {
    QByteArray value;
    QList<std::pair<QByteArray, QByteArray>> parameters;

    std::optional<QByteArray> parameter(QByteArrayView name) const
    {
        for (const auto &[key, text] : parameters)
            if (key == name)
                return text;
        return std::nullopt;
    }
};

// Reads a quoted-string starting at the opening quote `text[*pos]`. A backslash escapes
// only a quote or a backslash: browsers send Windows paths with bare backslashes.
std::optional<QByteArray> readQuoted(QByteArrayView text, qsizetype *pos)
{
    QByteArray out;
    for (qsizetype i = *pos + 1; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '"') {
            *pos = i + 1;
            return out;
        }
        if (c == '\\' && i + 1 < text.size() && (text[i + 1] == '"' || text[i + 1] == '\\'))
            ++i;
        out.append(text[i]);
    }
    return std::nullopt;
}

Result<HeaderValue> parseHeaderValue(QByteArrayView text)
{
    HeaderValue header;
    qsizetype i = text.indexOf(';');
    header.value = text.first(i < 0 ? text.size() : i).trimmed().toByteArray().toLower();
    if (header.value.isEmpty())
        return bad(QStringLiteral("it has no value before its parameters"));
    while (i >= 0 && i < text.size()) {
        ++i; // past ';'
        while (i < text.size() && isBlank(text[i]))
            ++i;
        if (i == text.size())
            break; // a trailing ';' is harmless
        const qsizetype nameStart = i;
        while (i < text.size() && isTokenChar(text[i]))
            ++i;
        const QByteArray name = text.sliced(nameStart, i - nameStart).toByteArray().toLower();
        if (name.isEmpty() || i == text.size() || text[i] != '=')
            return bad(QStringLiteral("a parameter is not of the form name=value"));
        ++i; // past '='
        QByteArray value;
        if (i < text.size() && text[i] == '"') {
            auto quoted = readQuoted(text, &i);
            if (!quoted)
                return bad(QStringLiteral("the parameter %1 has no closing quote").arg(QString::fromLatin1(name)));
            value = *quoted;
        } else {
            const qsizetype valueStart = i;
            while (i < text.size() && text[i] != ';' && !isBlank(text[i]) && text[i] != '"')
                ++i;
            value = text.sliced(valueStart, i - valueStart).toByteArray();
            if (value.isEmpty())
                return bad(QStringLiteral("the parameter %1 has no value").arg(QString::fromLatin1(name)));
        }
        while (i < text.size() && isBlank(text[i]))
            ++i;
        if (i < text.size() && text[i] != ';')
            return bad(QStringLiteral("unexpected text after the parameter %1").arg(QString::fromLatin1(name)));
        if (header.parameter(name))
            return bad(QStringLiteral("the parameter %1 is given twice").arg(QString::fromLatin1(name)));
        header.parameters.append({name, value});
    }
    return header;
}

// RFC 2046 §5.1.1: 1 to 70 characters from a small set, not ending in a space.
bool isValidBoundary(QByteArrayView boundary)
{
    if (boundary.isEmpty() || boundary.size() > 70 || boundary.back() == ' ')
        return false;
    for (char c : boundary)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
              || QByteArrayView("'()+_,-./:=? ").contains(c)))
            return false;
    return true;
}

Result<QByteArray> boundaryOf(const QByteArray &contentTypeHeader)
{
    auto header = parseHeaderValue(contentTypeHeader);
    if (!header && contentTypeHeader.trimmed().toLower().startsWith("multipart/form-data"))
        return bad(QStringLiteral("the multipart/form-data Content-Type is malformed: %1").arg(header.error().message));
    if (!header || header->value != "multipart/form-data")
        return bad(QStringLiteral("the request is not multipart/form-data"));
    const auto boundary = header->parameter("boundary");
    if (!boundary)
        return bad(QStringLiteral("the multipart/form-data Content-Type has no boundary"));
    if (!isValidBoundary(*boundary))
        return bad(QStringLiteral("the multipart boundary is invalid: it must be 1 to 70 letters, digits or '()+_,-./:=? "
                                  "and not end with a space"));
    return *boundary;
}

// RFC 8187 ext-value: charset'language'percent-encoded, in UTF-8 or ISO-8859-1.
std::optional<QString> decodeExtValue(const QByteArray &value)
{
    const qsizetype first = value.indexOf('\'');
    const qsizetype second = first < 0 ? -1 : value.indexOf('\'', first + 1);
    if (second < 0)
        return std::nullopt;
    const QByteArray charset = value.first(first).toLower();
    const QByteArray encoded = value.sliced(second + 1);
    for (char c : encoded)
        if (!isTokenChar(c) || c == '*' || c == '\'')
            return std::nullopt;
    const QByteArray bytes = QByteArray::fromPercentEncoding(encoded);
    if (charset == "iso-8859-1")
        return QString::fromLatin1(bytes);
    if (charset != "utf-8")
        return std::nullopt;
    QStringDecoder utf8(QStringDecoder::Utf8);
    QString text = utf8(bytes);
    if (utf8.hasError())
        return std::nullopt;
    return text;
}

struct PartHeaders {
    std::optional<QByteArray> disposition;
    std::optional<QByteArray> contentType;
};

Result<PartHeaders> parsePartHeaders(QByteArrayView block, int number)
{
    PartHeaders headers;
    qsizetype start = 0;
    while (start < block.size()) {
        qsizetype end = block.indexOf("\r\n", start);
        if (end < 0)
            end = block.size();
        const QByteArrayView line = block.sliced(start, end - start);
        start = end + 2;
        if (line.startsWith(' ') || line.startsWith('\t'))
            return badPart(number, QStringLiteral("folded header lines are not allowed"));
        const qsizetype colon = line.indexOf(':');
        if (colon < 0)
            return badPart(number, QStringLiteral("a header line has no colon"));
        const QByteArrayView name = line.first(colon);
        if (name.isEmpty() || !std::all_of(name.begin(), name.end(), isTokenChar))
            return badPart(number, QStringLiteral("a header has a malformed name"));
        const QByteArrayView value = line.sliced(colon + 1).trimmed();
        if (std::any_of(value.begin(), value.end(), isControl))
            return badPart(number, QStringLiteral("the header %1 has control characters").arg(QString::fromLatin1(name)));

        std::optional<QByteArray> *slot = nullptr;
        if (name.compare("content-disposition", Qt::CaseInsensitive) == 0)
            slot = &headers.disposition;
        else if (name.compare("content-type", Qt::CaseInsensitive) == 0)
            slot = &headers.contentType;
        else if (name.compare("content-transfer-encoding", Qt::CaseInsensitive) == 0) {
            // RFC 7578 §4.7: senders do not encode; a base64 body stored as-is would be garbage.
            const bool identity = value.compare("binary", Qt::CaseInsensitive) == 0
                || value.compare("8bit", Qt::CaseInsensitive) == 0 || value.compare("7bit", Qt::CaseInsensitive) == 0;
            if (!identity)
                return badPart(number, QStringLiteral("Content-Transfer-Encoding %1 is not supported")
                                           .arg(QString::fromLatin1(value)));
            continue;
        }
        if (!slot)
            continue; // other headers carry nothing a form field needs
        if (slot->has_value())
            return badPart(number, QStringLiteral("the header %1 is given twice").arg(QString::fromLatin1(name)));
        *slot = value.toByteArray();
    }
    return headers;
}

Result<MultipartPart> parsePart(QByteArrayView content, int number)
{
    // The header block ends at the first empty line; a part starting with one has no headers.
    qsizetype blockSize = 0; // the header lines, without the empty line
    qsizetype dataStart = 2;
    if (!content.startsWith("\r\n")) {
        const qsizetype emptyLine = content.indexOf("\r\n\r\n");
        if (emptyLine < 0 && content.size() <= MaxPartHeaderBytes)
            return badPart(number, QStringLiteral("its headers do not end with an empty line"));
        blockSize = emptyLine < 0 ? content.size() : emptyLine;
        dataStart = blockSize + 4;
    }
    if (dataStart > MaxPartHeaderBytes)
        return badPart(number, QStringLiteral("its headers are larger than %1 KiB").arg(MaxPartHeaderBytes / 1024));
    auto headers = parsePartHeaders(content.first(blockSize), number);
    if (!headers)
        return headers.error();
    if (!headers->disposition)
        return badPart(number, QStringLiteral("it has no Content-Disposition header"));
    auto disposition = parseHeaderValue(*headers->disposition);
    if (!disposition)
        return badPart(number, QStringLiteral("its Content-Disposition is malformed: %1").arg(disposition.error().message));
    if (disposition->value != "form-data")
        return badPart(number, QStringLiteral("its Content-Disposition is %1, not form-data")
                                   .arg(QString::fromLatin1(disposition->value)));

    MultipartPart part;
    part.name = disposition->parameter("name").value_or(QByteArray());
    if (part.name.isEmpty())
        return badPart(number, QStringLiteral("its Content-Disposition has no name"));
    QString fileName = QString::fromUtf8(disposition->parameter("filename").value_or(QByteArray()));
    // RFC 7578 §4.2 / RFC 6266 §4.3: filename* (RFC 8187 encoded) wins over filename.
    if (const auto extended = disposition->parameter("filename*")) {
        const auto decoded = decodeExtValue(*extended);
        if (!decoded)
            return badPart(number, QStringLiteral("its filename* is not of the form UTF-8''percent-encoded-name"));
        fileName = *decoded;
    }
    part.fileName = safeFileName(fileName);
    part.contentType = headers->contentType.value_or(QByteArray());
    part.data = content.sliced(dataStart).toByteArray();
    return part;
}

// A boundary line: CRLF "--" boundary, then "--" (the close delimiter) or optional blanks
// and CRLF. `next` is where what follows the line begins.
struct BoundaryLine {
    qsizetype at = -1;
    qsizetype next = -1;
    bool close = false;
};

// What follows "--boundary" ending at `end` makes it a boundary line, or mere data.
BoundaryLine boundaryLineAt(QByteArrayView body, qsizetype at, qsizetype end)
{
    if (body.sliced(end).startsWith("--"))
        return {at, end + 2, true};
    qsizetype i = end;
    while (i < body.size() && isBlank(body[i]))
        ++i;
    if (body.sliced(i).startsWith("\r\n"))
        return {at, i + 2, false};
    return {};
}

class BoundaryFinder {
public:
    explicit BoundaryFinder(const QByteArray &boundary)
        : m_dashBoundary("--" + boundary)
        , m_delimiter("\r\n" + m_dashBoundary)
    {
    }

    // The body may open with the boundary at once, or after a preamble ending in CRLF.
    BoundaryLine opening(QByteArrayView body) const
    {
        if (body.startsWith(m_dashBoundary))
            if (const BoundaryLine line = boundaryLineAt(body, 0, m_dashBoundary.size()); line.at >= 0)
                return line;
        return next(body, 0);
    }

    // The first boundary line at or after `from`. Bytes that merely look like the boundary
    // (not after a line break, or followed by other text) are part data.
    BoundaryLine next(QByteArrayView body, qsizetype from) const
    {
        for (qsizetype at = m_delimiter.indexIn(body.data(), body.size(), from); at >= 0;
             at = m_delimiter.indexIn(body.data(), body.size(), at + 1))
            if (const BoundaryLine line = boundaryLineAt(body, at, at + m_delimiter.pattern().size()); line.at >= 0)
                return line;
        return {};
    }

private:
    QByteArray m_dashBoundary;
    QByteArrayMatcher m_delimiter;
};

} // namespace

Result<QList<MultipartPart>> parse(const QByteArray &contentTypeHeader, const QByteArray &body)
{
    auto boundary = boundaryOf(contentTypeHeader);
    if (!boundary)
        return boundary.error();
    const BoundaryFinder finder(*boundary);

    BoundaryLine line = finder.opening(body);
    if (line.at < 0)
        return bad(QStringLiteral("the multipart body does not contain its boundary"));
    if (line.close)
        return bad(QStringLiteral("the multipart body has no parts"));
    QList<MultipartPart> parts;
    while (!line.close) {
        if (parts.size() == MaxParts)
            return bad(QStringLiteral("the form has more than %1 parts").arg(MaxParts));
        const qsizetype start = line.next;
        line = finder.next(body, start);
        if (line.at < 0)
            return bad(QStringLiteral("the multipart body ends without its closing boundary"));
        auto part = parsePart(QByteArrayView(body).sliced(start, line.at - start), int(parts.size()) + 1);
        if (!part)
            return part.error();
        parts.append(std::move(part).value());
    }
    // After the close delimiter: optional blanks, then the end or a line break and an epilogue.
    qsizetype i = line.next;
    while (i < body.size() && isBlank(body[i]))
        ++i;
    if (i < body.size() && !QByteArrayView(body).sliced(i).startsWith("\r\n"))
        return bad(QStringLiteral("the multipart body has data after its closing boundary"));
    return parts;
}

const MultipartPart *find(const QList<MultipartPart> &parts, QByteArrayView name)
{
    for (const MultipartPart &part : parts)
        if (part.name == name)
            return &part;
    return nullptr;
}

QString safeFileName(const QString &fileName)
{
    QString clean;
    clean.reserve(fileName.size());
    // Control characters, and format characters such as the right-to-left override that
    // makes "gpj.exe" read as "exe.jpg".
    for (QChar c : fileName)
        if (c.category() != QChar::Other_Control && c.category() != QChar::Other_Format)
            clean.append(c);
    clean = clean.sliced(std::max(clean.lastIndexOf(QLatin1Char('/')), clean.lastIndexOf(QLatin1Char('\\'))) + 1).trimmed();
    if (clean == QLatin1String(".") || clean == QLatin1String(".."))
        return {};
    return clean;
}

} // namespace caiwu::Multipart
