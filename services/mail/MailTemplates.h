#pragma once

#include <QString>
#include <QTimeZone>

namespace caiwu {

// What every mail says about who sent it: the office's name, where staff open the
// appliance (links are built from it, never from a hard-coded host), and the time
// zone its times are shown in.
struct MailBranding {
    QString officeName;
    QString baseUrl;              // e.g. "http://192.168.1.10:8787", no trailing slash
    QTimeZone timeZone;
};

struct RenderedMail {
    QString subject;
    QString html;
    QString text;
};

// The reference system's email scenarios, in Chinese as the reference sent them,
// as HTML and plain text. Every value put into a mail is HTML-escaped.
namespace MailTemplates {

enum class ApprovalKind { Leave, Reimbursement };

RenderedMail loginNotification(const MailBranding &brand, const QString &name, const QString &loginEmail, qint64 atMs,
                               const QString &ip);
// Link: <baseUrl>/auth/activate?token=…, valid 24 hours.
RenderedMail accountActivation(const MailBranding &brand, const QString &name, const QString &loginEmail,
                               const QString &token);
// Link: <baseUrl>/auth/reset-password?token=…, valid 1 hour.
RenderedMail passwordReset(const MailBranding &brand, const QString &name, const QString &token);
// Link: <baseUrl>/auth/reset-totp?token=…, valid 30 minutes.
RenderedMail totpReset(const MailBranding &brand, const QString &name, const QString &token);
RenderedMail passwordChanged(const MailBranding &brand, const QString &name, qint64 atMs);
// "{类型}审批已批准/已拒绝通知": `summary` says what was applied for (dates, amount).
RenderedMail approvalResult(const MailBranding &brand, const QString &name, ApprovalKind kind, bool approved,
                            const QString &summary, const QString &memo);
// `caiwu mail test`: proves the SMTP settings work.
RenderedMail testMessage(const MailBranding &brand);

} // namespace MailTemplates
} // namespace caiwu
