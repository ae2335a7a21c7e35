#pragma once

#include "MailTemplates.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>
#include <QStringView>

#include <utility>

namespace caiwu {

// The one look every Caiwu mail shares (the reference's single template): a header with
// the office's name, a card holding the content, buttons for links, and the footer.
// HTML and plain text are built side by side from the same calls, so both always say
// the same thing. Every string handed in is plain text; the layout escapes it.
class MailLayout {
public:
    enum class Tone { Info, Warning, Success };
    using Fact = std::pair<QString, QString>; // label, value

    MailLayout(const MailBranding &brand, const QString &title);

    MailLayout &greeting(const QString &name);
    MailLayout &paragraph(const QString &text);
    // Label/value rows in an info card; a row with an empty value is left out.
    MailLayout &facts(const QList<Fact> &rows);
    MailLayout &notice(Tone tone, const QString &text);
    // A button, with the link also printed below it so it can be copied.
    MailLayout &button(const QString &label, const QString &url);

    RenderedMail render(const QString &subject) const;

    // Escapes < > & " ' and keeps line breaks as <br>.
    static QString escapeHtml(QStringView text);

private:
    MailBranding m_brand;
    QString m_title;
    QString m_html;      // the card's inner HTML
    QStringList m_text;  // plain-text blocks between header and footer, one blank line apart
};

// `atMs` as a wall-clock time in the office's time zone (UTC when none is configured).
QDateTime officeTime(const MailBranding &brand, qint64 atMs);

} // namespace caiwu
