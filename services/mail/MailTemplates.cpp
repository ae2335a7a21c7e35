#include "MailTemplates.h"

#include "MailLayout.h"
#include "core/Clock.h"

#include <QUrl>

namespace caiwu::MailTemplates {

namespace {

using Tone = MailLayout::Tone;

// "{emoji} {what} - {office}": the reference's subjects, its company name replaced by the office's.
QString subjectFor(const MailBranding &brand, QStringView what)
{
    return QStringLiteral("%1 - %2").arg(what, brand.officeName);
}

// Where staff open the appliance, without a trailing slash; the only host a mail links to.
QString applianceUrl(const MailBranding &brand)
{
    QString base = brand.baseUrl.trimmed();
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    return base;
}

QString linkTo(const MailBranding &brand, QStringView path, const QString &token)
{
    QString url = applianceUrl(brand);
    url += path;
    return url + QLatin1String("?token=") + QString::fromLatin1(QUrl::toPercentEncoding(token));
}

// "2026年11月25日 17:30:05 (UTC+08:00)": the offset is shown so nobody misreads the zone.
QString formatTime(const MailBranding &brand, qint64 atMs)
{
    const QDateTime local = officeTime(brand, atMs);
    const int offset = local.offsetFromUtc();
    QString zone = QStringLiteral("UTC");
    if (offset != 0) {
        const int minutes = qAbs(offset) / 60;
        zone += QStringLiteral("%1%2:%3")
                    .arg(offset < 0 ? QLatin1Char('-') : QLatin1Char('+'))
                    .arg(minutes / 60, 2, 10, QLatin1Char('0'))
                    .arg(minutes % 60, 2, 10, QLatin1Char('0'));
    }
    return local.toString(QStringLiteral("yyyy'年'M'月'd'日' HH:mm:ss")) + QStringLiteral(" (%1)").arg(zone);
}

// Shared by the three mails that carry a one-time link.
RenderedMail linkMail(const MailBranding &brand, QStringView subject, const QString &title, const QString &name,
                      const QList<MailLayout::Fact> &facts, const QString &intro, const QString &buttonLabel,
                      const QString &url, const QString &validity)
{
    MailLayout layout(brand, title);
    layout.greeting(name).paragraph(intro);
    if (!facts.isEmpty())
        layout.facts(facts);
    layout.button(buttonLabel, url).notice(Tone::Warning, validity);
    return layout.render(subjectFor(brand, subject));
}

} // namespace

RenderedMail loginNotification(const MailBranding &brand, const QString &name, const QString &loginEmail, qint64 atMs,
                               const QString &ip)
{
    return MailLayout(brand, QStringLiteral("登录提醒"))
        .greeting(name)
        .paragraph(QStringLiteral("您的账号刚刚成功登录%1。").arg(brand.officeName))
        .facts({{QStringLiteral("姓名"), name},
                {QStringLiteral("登录邮箱"), loginEmail},
                {QStringLiteral("登录时间"), formatTime(brand, atMs)},
                {QStringLiteral("IP 地址"), ip}})
        .notice(Tone::Warning, QStringLiteral("如果这不是您的操作，请立即修改密码并联系管理员。"))
        .render(subjectFor(brand, u"🔐 登录提醒"));
}

RenderedMail accountActivation(const MailBranding &brand, const QString &name, const QString &loginEmail,
                               const QString &token)
{
    return linkMail(brand, u"🚀 激活您的账号", QStringLiteral("欢迎加入 %1").arg(brand.officeName), name,
                    {{QStringLiteral("登录账号"), loginEmail}},
                    QStringLiteral("管理员已为您创建了%1的账号。请点击下面的按钮设置密码并激活账号。")
                        .arg(brand.officeName),
                    QStringLiteral("激活账号"), linkTo(brand, u"/auth/activate", token),
                    QStringLiteral("此链接 24 小时内有效，过期后请联系管理员重新发送激活邮件。"
                                   "如果您并未申请此账号，请忽略此邮件。"));
}

RenderedMail passwordReset(const MailBranding &brand, const QString &name, const QString &token)
{
    return linkMail(brand, u"🔒 重置您的密码", QStringLiteral("重置密码"), name, {},
                    QStringLiteral("我们收到了重置您账号密码的请求。请点击下面的按钮设置新密码。"),
                    QStringLiteral("重置密码"), linkTo(brand, u"/auth/reset-password", token),
                    QStringLiteral("此链接 1 小时内有效，且只能使用一次。"
                                   "如果这不是您本人的操作，请忽略此邮件，您的密码不会改变。"));
}

RenderedMail totpReset(const MailBranding &brand, const QString &name, const QString &token)
{
    return linkMail(brand, u"🔐 重置 2FA 验证", QStringLiteral("重置 2FA 验证"), name, {},
                    QStringLiteral("我们收到了重置您账号两步验证（2FA）的请求。重置后，"
                                   "您需要在下次登录时用身份验证器应用重新绑定账号。"),
                    QStringLiteral("重置 2FA 验证"), linkTo(brand, u"/auth/reset-totp", token),
                    QStringLiteral("此链接 30 分钟内有效。如果这不是您本人的操作，请不要点击链接，"
                                   "并立即修改密码、联系管理员。"));
}

RenderedMail passwordChanged(const MailBranding &brand, const QString &name, qint64 atMs)
{
    return MailLayout(brand, QStringLiteral("密码修改成功"))
        .greeting(name)
        .notice(Tone::Success, QStringLiteral("您的账号密码已修改成功，请使用新密码登录。"))
        .facts({{QStringLiteral("姓名"), name}, {QStringLiteral("修改时间"), formatTime(brand, atMs)}})
        .notice(Tone::Warning, QStringLiteral("如果这不是您的操作，请立即联系管理员。"))
        .render(subjectFor(brand, u"✅ 密码修改成功"));
}

RenderedMail approvalResult(const MailBranding &brand, const QString &name, ApprovalKind kind, bool approved,
                            const QString &summary, const QString &memo)
{
    const QString what = kind == ApprovalKind::Leave ? QStringLiteral("请假") : QStringLiteral("报销");
    const QString outcome = approved ? QStringLiteral("已批准") : QStringLiteral("已拒绝");
    const QString title = QStringLiteral("%1审批%2通知").arg(what, outcome);

    MailLayout layout(brand, title);
    layout.greeting(name)
        .notice(approved ? Tone::Success : Tone::Warning,
                approved ? QStringLiteral("您的%1申请已通过审批。").arg(what)
                         : QStringLiteral("很抱歉，您的%1申请未通过审批。").arg(what))
        .facts({{QStringLiteral("申请内容"), summary},
                {QStringLiteral("审批结果"), outcome},
                {QStringLiteral("审批意见"), memo}}) // an empty memo leaves its row out
        .paragraph(QStringLiteral("您可以登录%1查看详情。").arg(brand.officeName));
    if (const QString home = applianceUrl(brand); !home.isEmpty())
        layout.button(QStringLiteral("登录系统"), home);
    return layout.render(subjectFor(brand, title));
}

RenderedMail testMessage(const MailBranding &brand)
{
    return MailLayout(brand, QStringLiteral("邮件测试"))
        .notice(Tone::Success,
                QStringLiteral("这是一封测试邮件。您收到它，说明%1的 SMTP 邮件发送设置工作正常。").arg(brand.officeName))
        .facts({{QStringLiteral("发送时间"), formatTime(brand, Clock::nowMs())},
                {QStringLiteral("系统地址"), applianceUrl(brand)}})
        .paragraph(QStringLiteral("无需回复此邮件。"))
        .render(subjectFor(brand, u"Caiwu 邮件测试"));
}

} // namespace caiwu::MailTemplates
