#include "MimeHeaders.h"

#include <QDateTime>

namespace caiwu::MimeHeaders {
namespace {

// "=?UTF-8?B?" + base64 + "?=" within 75 characters leaves 60 base64 characters: 45 bytes.
constexpr int MaxBytesPerWord = 45;
// Keeps "Subject: " + text under RFC 5322's 998-character line limit without folding.
constexpr int MaxPlainLength = 900;

bool isPlainText(const QString &text)
{
    if (text.size() > MaxPlainLength || text.contains(QLatin1String("=?")))
        return false;
    for (const QChar c : text) {
        if (c.unicode() < 0x20 || c.unicode() > 0x7e)
            return false;
    }
    return true;
}

void appendUtf8(QByteArray &out, char32_t cp)
{
    if (cp < 0x80) {
        out += char(cp);
    } else if (cp < 0x800) {
        out += char(0xc0 | (cp >> 6));
        out += char(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        out += char(0xe0 | (cp >> 12));
        out += char(0x80 | ((cp >> 6) & 0x3f));
        out += char(0x80 | (cp & 0x3f));
    } else {
        out += char(0xf0 | (cp >> 18));
        out += char(0x80 | ((cp >> 12) & 0x3f));
        out += char(0x80 | ((cp >> 6) & 0x3f));
        out += char(0x80 | (cp & 0x3f));
    }
}

} // namespace

QByteArray encodeText(const QString &text)
{
    if (isPlainText(text))
        return text.toLatin1();

    QByteArray out;
    QByteArray chunk;
    const auto flush = [&] {
        if (chunk.isEmpty())
            return;
        if (!out.isEmpty())
            out += "\r\n ";
        out += "=?UTF-8?B?" + chunk.toBase64() + "?=";
        chunk.clear();
    };
    QByteArray character;
    for (qsizetype i = 0; i < text.size(); ++i) {
        char32_t cp = text.at(i).unicode();
        if (QChar::isHighSurrogate(cp) && i + 1 < text.size() && text.at(i + 1).isLowSurrogate()) {
            cp = QChar::surrogateToUcs4(text.at(i), text.at(i + 1));
            ++i;
        } else if (QChar::isSurrogate(cp)) {
            cp = QChar::ReplacementCharacter; // a lone surrogate is not a character
        }
        character.clear();
        appendUtf8(character, cp);
        if (chunk.size() + character.size() > MaxBytesPerWord)
            flush();
        chunk += character;
    }
    flush();
    return out;
}

QByteArray mailbox(const QString &name, const QString &address)
{
    const QByteArray angle = '<' + address.toLatin1() + '>';
    if (name.trimmed().isEmpty())
        return address.toLatin1();
    const QString simplified = name.simplified(); // no line breaks or tabs in a display name
    QByteArray encoded = encodeText(simplified);
    if (encoded.startsWith("=?"))
        return encoded + ' ' + angle; // RFC 2047: encoded words never go inside quotes
    encoded.replace('\\', "\\\\").replace('"', "\\\"");
    return '"' + encoded + "\" " + angle;
}

QByteArray date(qint64 msSinceEpoch)
{
    static const char *const days[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const QDateTime at = QDateTime::fromMSecsSinceEpoch(msSinceEpoch, Qt::UTC);
    const QDate day = at.date();
    const QTime time = at.time();
    return QByteArray(days[day.dayOfWeek() - 1]) + ", " + QByteArray::number(day.day()) + ' ' + months[day.month() - 1]
        + ' ' + QByteArray::number(day.year()) + ' '
        + QStringLiteral("%1:%2:%3")
              .arg(time.hour(), 2, 10, QLatin1Char('0'))
              .arg(time.minute(), 2, 10, QLatin1Char('0'))
              .arg(time.second(), 2, 10, QLatin1Char('0'))
              .toLatin1()
        + " +0000";
}

bool isPlainAddress(const QString &address)
{
    if (address.isEmpty() || address.size() > 254)
        return false;
    const qsizetype at = address.lastIndexOf(u'@');
    if (at <= 0 || at == address.size() - 1)
        return false;
    for (const QChar c : address) {
        const char16_t u = c.unicode();
        if (u <= 0x20 || u >= 0x7f)
            return false;
        switch (u) {
        case u'<': case u'>': case u'(': case u')': case u',': case u';': case u':': case u'"': case u'\\':
        case u'[': case u']':
            return false;
        default:
            break;
        }
    }
    return true;
}

} // namespace caiwu::MimeHeaders
