#pragma once

#include <QByteArray>
#include <QString>

namespace caiwu {

// The header values of an outgoing mail, as 7-bit text a mail server accepts.
namespace MimeHeaders {

// `text` unchanged when it is plain printable ASCII (and short enough for one header
// line); otherwise RFC 2047 "=?UTF-8?B?...?=" words of at most 75 characters, each
// holding whole UTF-8 characters, folded with "\r\n ".
QByteArray encodeText(const QString &text);

// "Name <address>" for From/To: the name quoted when ASCII, encoded words otherwise.
QByteArray mailbox(const QString &name, const QString &address);

// RFC 5322 date-time in UTC: "Tue, 25 Nov 2026 09:00:00 +0000".
QByteArray date(qint64 msSinceEpoch);

// Whether `address` can go into MAIL FROM / RCPT TO and a header as it is: ASCII
// local@domain, no spaces, controls, angle brackets or other header syntax.
bool isPlainAddress(const QString &address);

} // namespace MimeHeaders
} // namespace caiwu
