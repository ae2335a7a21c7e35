#include "MailLayout.h"

#include "core/Clock.h"

#include <QTimeZone>

namespace caiwu {

namespace {

// Styles are inline: many mail clients drop <style> blocks.
constexpr auto kFont = "font-family:-apple-system,'Segoe UI','PingFang SC','Microsoft YaHei',sans-serif;";
constexpr auto kAccent = "#1f6feb";

struct ToneStyle {
    const char *background;
    const char *border;
    const char *textPrefix; // how the plain-text version marks the notice
};

ToneStyle styleOf(MailLayout::Tone tone)
{
    switch (tone) {
    case MailLayout::Tone::Warning:
        return {"#fff7e6", "#fa8c16", "⚠️ "};
    case MailLayout::Tone::Success:
        return {"#f0f9eb", "#52c41a", "✅ "};
    case MailLayout::Tone::Info:
        break;
    }
    return {"#f0f6ff", kAccent, ""};
}

QString cardStyle(const ToneStyle &style)
{
    return QStringLiteral("background:%1;border-left:4px solid %2;border-radius:4px;margin:16px 0;")
        .arg(QLatin1String(style.background), QLatin1String(style.border));
}

// Continuation lines of a multi-line value stay indented under their label.
QString indented(QString text)
{
    return text.replace(QLatin1Char('\n'), QLatin1String("\n    "));
}

} // namespace

QDateTime officeTime(const MailBranding &brand, qint64 atMs)
{
    return QDateTime::fromMSecsSinceEpoch(atMs, brand.timeZone.isValid() ? brand.timeZone : QTimeZone::utc());
}

QString MailLayout::escapeHtml(QStringView text)
{
    QString out;
    out.reserve(text.size() + text.size() / 8);
    for (const QChar c : text) {
        switch (c.unicode()) {
        case '<': out += QLatin1String("&lt;"); break;
        case '>': out += QLatin1String("&gt;"); break;
        case '&': out += QLatin1String("&amp;"); break;
        case '"': out += QLatin1String("&quot;"); break;
        case '\'': out += QLatin1String("&#39;"); break;
        case '\r': break;
        case '\n': out += QLatin1String("<br>"); break;
        default: out += c;
        }
    }
    return out;
}

MailLayout::MailLayout(const MailBranding &brand, const QString &title) : m_brand(brand), m_title(title) {}

MailLayout &MailLayout::greeting(const QString &name)
{
    m_html += QStringLiteral("<p style=\"margin:0 0 12px;\">您好，<strong>%1</strong>：</p>\n").arg(escapeHtml(name));
    m_text << QStringLiteral("您好，%1：").arg(name);
    return *this;
}

MailLayout &MailLayout::paragraph(const QString &text)
{
    m_html += QStringLiteral("<p style=\"margin:0 0 12px;\">%1</p>\n").arg(escapeHtml(text));
    m_text << text;
    return *this;
}

MailLayout &MailLayout::facts(const QList<Fact> &rows)
{
    QString htmlRows;
    QStringList textRows;
    for (const auto &[label, value] : rows) {
        if (value.trimmed().isEmpty())
            continue;
        htmlRows += QStringLiteral("<tr><td style=\"padding:6px 12px 6px 16px;color:#666666;white-space:nowrap;"
                                   "vertical-align:top;\">%1</td><td style=\"padding:6px 16px 6px 0;color:#333333;"
                                   "word-break:break-all;\">%2</td></tr>\n")
                        .arg(escapeHtml(label), escapeHtml(value));
        textRows << QStringLiteral("  %1：%2").arg(label, indented(value));
    }
    if (textRows.isEmpty())
        return *this;
    m_html += QStringLiteral("<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" "
                             "style=\"%1padding:8px 0;\">\n%2</table>\n")
                  .arg(cardStyle(styleOf(Tone::Info)), htmlRows);
    m_text << textRows.join(QLatin1Char('\n'));
    return *this;
}

MailLayout &MailLayout::notice(Tone tone, const QString &text)
{
    const ToneStyle style = styleOf(tone);
    m_html += QStringLiteral("<div style=\"%1padding:12px 16px;\">%2</div>\n").arg(cardStyle(style), escapeHtml(text));
    m_text << QString::fromUtf8(style.textPrefix) + text;
    return *this;
}

MailLayout &MailLayout::button(const QString &label, const QString &url)
{
    const QString href = escapeHtml(url);
    m_html += QStringLiteral("<p style=\"text-align:center;margin:28px 0;\"><a href=\"%1\" style=\"display:inline-block;"
                             "background:%3;color:#ffffff;text-decoration:none;padding:12px 32px;border-radius:6px;"
                             "font-size:15px;font-weight:bold;\">%2</a></p>\n"
                             "<p style=\"margin:0 0 12px;font-size:12px;color:#888888;word-break:break-all;\">"
                             "如果按钮无法点击，请复制以下链接到浏览器中打开：<br>"
                             "<a href=\"%1\" style=\"color:%3;\">%1</a></p>\n")
                  .arg(href, escapeHtml(label), QLatin1String(kAccent));
    m_text << QStringLiteral("%1：\n%2").arg(label, url);
    return *this;
}

RenderedMail MailLayout::render(const QString &subject) const
{
    const QString office = m_brand.officeName;
    const QString year = QString::number(officeTime(m_brand, Clock::nowMs()).date().year());

    // One multi-argument arg() call: text inside a value is never read as a placeholder.
    const QString html = QStringLiteral(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"UTF-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1.0\">\n<title>%1</title>\n</head>\n"
        "<body style=\"margin:0;padding:0;background:#f4f6f8;\">\n"
        "<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" "
        "style=\"background:#f4f6f8;padding:24px 0;\"><tr><td align=\"center\">\n"
        "<table role=\"presentation\" width=\"600\" cellpadding=\"0\" cellspacing=\"0\" style=\"max-width:600px;"
        "width:100%;background:#ffffff;border-radius:8px;overflow:hidden;%6\">\n"
        "<tr><td style=\"background:#1f4e79;padding:24px 32px;color:#ffffff;\">"
        "<div style=\"font-size:20px;font-weight:bold;\">⚡ %2</div>"
        "<div style=\"font-size:13px;color:#d6e4f0;margin-top:4px;\">管理系统通知</div></td></tr>\n"
        "<tr><td style=\"padding:32px;color:#333333;font-size:14px;line-height:1.7;\">\n"
        "<h2 style=\"margin:0 0 20px;font-size:18px;color:#1f4e79;\">%3</h2>\n%4</td></tr>\n"
        "<tr><td style=\"background:#f9fafb;padding:16px 32px;text-align:center;color:#999999;font-size:12px;"
        "line-height:1.6;\">此邮件由系统自动发送，请勿直接回复<br>© %5 %2</td></tr>\n"
        "</table>\n</td></tr></table>\n</body>\n</html>\n")
        .arg(escapeHtml(subject), escapeHtml(office), escapeHtml(m_title), m_html, year, QLatin1String(kFont));

    const QString rule(40, QLatin1Char('='));
    QStringList text;
    text << QStringLiteral("⚡ %1 / 管理系统通知\n%2").arg(office, rule) << m_title;
    text << m_text;
    text << QStringLiteral("--\n此邮件由系统自动发送，请勿直接回复\n© %1 %2").arg(year, office);
    return {subject, html, text.join(QLatin1String("\n\n")) + QLatin1Char('\n')};
}

} // namespace caiwu
