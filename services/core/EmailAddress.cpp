#include "EmailAddress.h"

#include <QUrl>

namespace caiwu::EmailAddress {

namespace {

// RFC 5322 dot-atom characters for the local part.
bool isAtomChar(QChar c)
{
    if (c.isLetterOrNumber())
        return true; // includes non-ASCII letters (SMTPUTF8 local parts)
    return QStringView(u"!#$%&'*+-/=?^_`{|}~").contains(c);
}

bool validLocalPart(QStringView local)
{
    if (local.isEmpty() || local.size() > 64 || local.startsWith(u'.') || local.endsWith(u'.') || local.contains(u".."))
        return false;
    for (QChar c : local)
        if (c != u'.' && !isAtomChar(c))
            return false;
    return true;
}

bool validDomain(QStringView domain)
{
    // Internationalised domains are checked in their ASCII (punycode) form.
    const QByteArray ace = QUrl::toAce(domain.toString(), QUrl::AceTransitionalProcessing);
    if (ace.isEmpty() || ace.size() > 253)
        return false;
    for (const QByteArray &label : ace.split('.')) {
        if (label.isEmpty() || label.size() > 63 || label.startsWith('-') || label.endsWith('-'))
            return false;
        for (char c : label)
            if (!(std::isalnum(uchar(c)) || c == '-'))
                return false;
    }
    return true;
}

} // namespace

bool isValid(const QString &address)
{
    if (address.size() > 254)
        return false;
    const qsizetype at = address.lastIndexOf(u'@');
    if (at <= 0 || at == address.size() - 1)
        return false;
    return validLocalPart(QStringView(address).first(at)) && validDomain(QStringView(address).sliced(at + 1));
}

} // namespace caiwu::EmailAddress
