#pragma once

#include <QString>

namespace caiwu::EmailAddress {

// A single plain address, "local@domain": what SMTP's RCPT TO and a login name need.
// No display names, lists, comments or whitespace, and nothing that could end a
// header line (CR, LF) — an address is never a way to inject a header.
bool isValid(const QString &address);

} // namespace caiwu::EmailAddress
