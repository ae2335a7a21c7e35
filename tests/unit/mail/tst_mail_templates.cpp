// MailTemplates: what a member of staff finds in their inbox — subject, the HTML mail and
// its plain-text twin — for every scenario the reference system mailed.
#include "mail/MailTemplates.h"

#include <QRegularExpression>
#include <QTest>

using namespace caiwu;
using namespace caiwu::MailTemplates;

namespace {

const QString kBase = QStringLiteral("http://192.168.1.10:8787");
const QString kOffice = QStringLiteral("东方会计事务所");
const QString kName = QStringLiteral("张三");
const QString kEvil = QStringLiteral("<script>alert(\"x\")</script> & 'co'");
const QString kEvilEscaped = QStringLiteral("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;");

MailBranding brand(const QString &baseUrl = kBase, const QByteArray &zone = "Asia/Shanghai")
{
    return {kOffice, baseUrl, QTimeZone(zone)};
}

// 2026-11-25 09:30:05 UTC: 17:30:05 in Shanghai, 13:30:05 in Dubai.
qint64 fixedMs() { return QDateTime(QDate(2026, 11, 25), QTime(9, 30, 5), QTimeZone::utc()).toMSecsSinceEpoch(); }

// Every scenario by name, so the checks that hold for all mails run over all of them.
RenderedMail render(const QString &scenario, const MailBranding &b, const QString &name)
{
    if (scenario == u"login")
        return loginNotification(b, name, QStringLiteral("zhang@example.com"), fixedMs(), QStringLiteral("10.0.0.7"));
    if (scenario == u"activation")
        return accountActivation(b, name, QStringLiteral("zhang@example.com"), QStringLiteral("tok123"));
    if (scenario == u"reset")
        return passwordReset(b, name, QStringLiteral("tok123"));
    if (scenario == u"totp")
        return totpReset(b, name, QStringLiteral("tok123"));
    if (scenario == u"changed")
        return passwordChanged(b, name, fixedMs());
    if (scenario == u"leave")
        return approvalResult(b, name, ApprovalKind::Leave, true, QStringLiteral("2026-12-01 至 2026-12-03 年假 3 天"),
                              QStringLiteral("同意"));
    if (scenario == u"reimbursement")
        return approvalResult(b, name, ApprovalKind::Reimbursement, false, QStringLiteral("差旅费 ¥1,280.00"),
                              QStringLiteral("发票缺失"));
    return testMessage(b);
}

const QStringList kScenarios = {QStringLiteral("login"),  QStringLiteral("activation"),    QStringLiteral("reset"),
                                QStringLiteral("totp"),   QStringLiteral("changed"),       QStringLiteral("leave"),
                                QStringLiteral("reimbursement"), QStringLiteral("test")};

int currentYear(const QByteArray &zone) { return QDateTime::currentDateTime().toTimeZone(QTimeZone(zone)).date().year(); }

// Every http(s) address in `body`; each must be on the office's appliance.
QStringList addresses(const QString &body)
{
    QStringList found;
    static const QRegularExpression url(QStringLiteral("https?://[^\\s\"<]*"), QRegularExpression::CaseInsensitiveOption);
    for (auto it = url.globalMatch(body); it.hasNext();)
        found << it.next().captured();
    return found;
}

} // namespace

class TestMailTemplates : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void subjects_data();
    void subjects();
    void everyMailHasTheFrame_data();
    void everyMailHasTheFrame();
    void linksOnlyToTheAppliance_data();
    void linksOnlyToTheAppliance();
    void oneTimeLinks_data();
    void oneTimeLinks();
    void trailingSlashInBaseUrl();
    void tokenIsPercentEncoded();
    void namesAreEscapedInHtmlOnly_data();
    void namesAreEscapedInHtmlOnly();
    void everyValueIsEscaped();
    void placeholdersInValuesStayLiteral();
    void loginNotificationContent();
    void timesInTheOfficeZone_data();
    void timesInTheOfficeZone();
    void noTimeZoneMeansUtc();
    void approvalOutcomes_data();
    void approvalOutcomes();
    void approvalMemoOmittedWhenEmpty_data();
    void approvalMemoOmittedWhenEmpty();
    void multiLineMemoKeepsItsLines();
    void testMessageSaysSmtpWorks();
};

void TestMailTemplates::subjects_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<QString>("subject");
    QTest::newRow("login") << "login" << QStringLiteral("🔐 登录提醒 - 东方会计事务所");
    QTest::newRow("activation") << "activation" << QStringLiteral("🚀 激活您的账号 - 东方会计事务所");
    QTest::newRow("reset") << "reset" << QStringLiteral("🔒 重置您的密码 - 东方会计事务所");
    QTest::newRow("totp") << "totp" << QStringLiteral("🔐 重置 2FA 验证 - 东方会计事务所");
    QTest::newRow("changed") << "changed" << QStringLiteral("✅ 密码修改成功 - 东方会计事务所");
    QTest::newRow("leave") << "leave" << QStringLiteral("请假审批已批准通知 - 东方会计事务所");
    QTest::newRow("reimbursement") << "reimbursement" << QStringLiteral("报销审批已拒绝通知 - 东方会计事务所");
    QTest::newRow("test") << "test" << QStringLiteral("Caiwu 邮件测试 - 东方会计事务所");
}

void TestMailTemplates::subjects()
{
    QFETCH(QString, scenario);
    QFETCH(QString, subject);
    QCOMPARE(render(scenario, brand(), kName).subject, subject);
}

void TestMailTemplates::everyMailHasTheFrame_data()
{
    QTest::addColumn<QString>("scenario");
    for (const QString &scenario : kScenarios)
        QTest::newRow(qPrintable(scenario)) << scenario;
}

void TestMailTemplates::everyMailHasTheFrame()
{
    QFETCH(QString, scenario);
    const RenderedMail mail = render(scenario, brand(), kName);
    QVERIFY(!mail.html.isEmpty());
    QVERIFY(!mail.text.isEmpty());
    QVERIFY(mail.html.startsWith(QLatin1String("<!DOCTYPE html>")));
    QVERIFY(mail.html.contains(QLatin1String("<html lang=\"zh-CN\">")));
    QVERIFY(mail.html.contains(QLatin1String("<meta charset=\"UTF-8\">")));
    QVERIFY2(!mail.html.contains(QLatin1String("<style")), "styles are inline: mail clients drop <style> blocks");
    QVERIFY(mail.html.contains(QStringLiteral("⚡ 东方会计事务所")));
    QVERIFY(mail.html.contains(QStringLiteral("管理系统通知")));

    const QString copyright = QStringLiteral("© %1 东方会计事务所").arg(currentYear("Asia/Shanghai"));
    for (const QString &body : {mail.html, mail.text}) {
        QVERIFY(body.contains(QStringLiteral("此邮件由系统自动发送，请勿直接回复")));
        QVERIFY2(body.contains(copyright), qPrintable(body));
        QVERIFY2(!body.contains(QStringLiteral("AR公司")) && !body.contains(QStringLiteral("AR系统")), "no hard-coded company");
        if (scenario != u"test")
            QVERIFY(body.contains(kName));
    }
}

void TestMailTemplates::linksOnlyToTheAppliance_data() { everyMailHasTheFrame_data(); }

void TestMailTemplates::linksOnlyToTheAppliance()
{
    QFETCH(QString, scenario);
    const RenderedMail mail = render(scenario, brand(), kName);
    for (const QString &body : {mail.html, mail.text}) {
        QVERIFY(!body.contains(QLatin1String("cloudflarets"), Qt::CaseInsensitive));
        for (const QString &address : addresses(body))
            QVERIFY2(address.startsWith(kBase), qPrintable(address));
    }
}

void TestMailTemplates::oneTimeLinks_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("validity");
    QTest::newRow("activation") << "activation" << kBase + QStringLiteral("/auth/activate?token=tok123")
                                << QStringLiteral("24 小时");
    QTest::newRow("reset") << "reset" << kBase + QStringLiteral("/auth/reset-password?token=tok123")
                           << QStringLiteral("1 小时");
    QTest::newRow("totp") << "totp" << kBase + QStringLiteral("/auth/reset-totp?token=tok123")
                          << QStringLiteral("30 分钟");
}

void TestMailTemplates::oneTimeLinks()
{
    QFETCH(QString, scenario);
    QFETCH(QString, url);
    QFETCH(QString, validity);
    const RenderedMail mail = render(scenario, brand(), kName);

    // The button, and the same link printed so it can be copied.
    QCOMPARE(mail.html.count(QStringLiteral("href=\"%1\"").arg(url)), 2);
    QVERIFY(mail.html.contains(QStringLiteral(">%1<").arg(url)));
    QVERIFY(mail.html.contains(validity));

    QVERIFY2(mail.text.split(QLatin1Char('\n')).contains(url), "the link is on a line of its own");
    QVERIFY(mail.text.contains(validity));
    QCOMPARE(addresses(mail.text), QStringList{url});
}

void TestMailTemplates::trailingSlashInBaseUrl()
{
    const MailBranding slashed = brand(kBase + QStringLiteral("/"));
    const QString expected = kBase + QStringLiteral("/auth/activate?token=t");
    const RenderedMail mail = accountActivation(slashed, kName, QStringLiteral("a@b.c"), QStringLiteral("t"));
    QVERIFY(mail.html.contains(expected));
    QVERIFY(mail.text.contains(expected));
    for (const QString &body : {mail.html, mail.text, passwordReset(slashed, kName, QStringLiteral("t")).text,
                                totpReset(slashed, kName, QStringLiteral("t")).text})
        QVERIFY2(!body.contains(QLatin1String("//auth")), qPrintable(body));
    // The approval mail's "登录系统" link is the appliance's address as staff know it.
    const RenderedMail approval =
        approvalResult(slashed, kName, ApprovalKind::Leave, true, QStringLiteral("年假 1 天"), QString());
    QVERIFY(approval.text.split(QLatin1Char('\n')).contains(kBase));
    QCOMPARE(addresses(approval.html), (QStringList{kBase, kBase, kBase}));
}

void TestMailTemplates::tokenIsPercentEncoded()
{
    const QString token = QStringLiteral("a+b/c=d&e f?#é");
    const QString expected = kBase + QStringLiteral("/auth/reset-password?token=a%2Bb%2Fc%3Dd%26e%20f%3F%23%C3%A9");
    const RenderedMail mail = passwordReset(brand(), kName, token);
    QVERIFY2(mail.html.contains(QStringLiteral("href=\"%1\"").arg(expected)), qPrintable(mail.html));
    QVERIFY(mail.text.split(QLatin1Char('\n')).contains(expected));
    QVERIFY(!mail.text.contains(token));
}

void TestMailTemplates::namesAreEscapedInHtmlOnly_data()
{
    QTest::addColumn<QString>("scenario");
    for (const QString &scenario : kScenarios) {
        if (scenario != u"test") // the test message names no person
            QTest::newRow(qPrintable(scenario)) << scenario;
    }
}

void TestMailTemplates::namesAreEscapedInHtmlOnly()
{
    QFETCH(QString, scenario);
    const RenderedMail mail = render(scenario, brand(), kEvil);
    QVERIFY(mail.html.contains(kEvilEscaped));
    QVERIFY(!mail.html.contains(QLatin1String("<script"), Qt::CaseInsensitive));
    QVERIFY(mail.text.contains(kEvil));
    QVERIFY(!mail.text.contains(QLatin1String("&lt;")));
}

void TestMailTemplates::everyValueIsEscaped()
{
    MailBranding evilOffice = brand();
    evilOffice.officeName = kEvil;
    const QList<RenderedMail> mails = {
        loginNotification(brand(), kName, kEvil, fixedMs(), kEvil),
        accountActivation(brand(), kName, kEvil, QStringLiteral("t")),
        approvalResult(brand(), kName, ApprovalKind::Leave, false, kEvil, kEvil),
        testMessage(evilOffice),
        passwordChanged(evilOffice, kName, fixedMs()),
    };
    for (const RenderedMail &mail : mails) {
        QVERIFY2(!mail.html.contains(QLatin1String("<script"), Qt::CaseInsensitive), qPrintable(mail.html));
        QVERIFY(mail.html.contains(kEvilEscaped));
        QVERIFY(mail.text.contains(kEvil));
    }
}

void TestMailTemplates::placeholdersInValuesStayLiteral()
{
    const QString name = QStringLiteral("%1 %2 %9");
    const RenderedMail mail = loginNotification(brand(), name, QStringLiteral("%3@x"), fixedMs(), QStringLiteral("%4"));
    for (const QString &body : {mail.html, mail.text}) {
        QVERIFY(body.contains(name));
        QVERIFY(body.contains(QStringLiteral("%3@x")));
    }
}

void TestMailTemplates::loginNotificationContent()
{
    const RenderedMail mail = loginNotification(brand(), kName, QStringLiteral("zhang@example.com"), fixedMs(),
                                                QStringLiteral("203.0.113.9"));
    for (const QString &body : {mail.html, mail.text}) {
        QVERIFY(body.contains(QStringLiteral("zhang@example.com")));
        QVERIFY(body.contains(QStringLiteral("203.0.113.9")));
        QVERIFY(body.contains(QStringLiteral("如果这不是您的操作，请立即修改密码并联系管理员")));
    }
}

void TestMailTemplates::timesInTheOfficeZone_data()
{
    QTest::addColumn<QByteArray>("zone");
    QTest::addColumn<QString>("shown");
    QTest::addColumn<QString>("notShown");
    QTest::newRow("Shanghai") << QByteArray("Asia/Shanghai") << QStringLiteral("2026年11月25日 17:30:05 (UTC+08:00)")
                              << QStringLiteral("13:30:05");
    QTest::newRow("Dubai") << QByteArray("Asia/Dubai") << QStringLiteral("2026年11月25日 13:30:05 (UTC+04:00)")
                           << QStringLiteral("17:30:05");
    QTest::newRow("New York") << QByteArray("America/New_York")
                              << QStringLiteral("2026年11月25日 04:30:05 (UTC-05:00)") << QStringLiteral("17:30:05");
}

void TestMailTemplates::timesInTheOfficeZone()
{
    QFETCH(QByteArray, zone);
    QFETCH(QString, shown);
    QFETCH(QString, notShown);
    QVERIFY2(QTimeZone(zone).isValid(), "tzdata must be installed");
    const MailBranding b = brand(kBase, zone);
    const QList<RenderedMail> mails = {
        loginNotification(b, kName, QStringLiteral("zhang@example.com"), fixedMs(), QStringLiteral("10.0.0.7")),
        passwordChanged(b, kName, fixedMs()),
    };
    for (const RenderedMail &mail : mails) {
        for (const QString &body : {mail.html, mail.text}) {
            QVERIFY2(body.contains(shown), qPrintable(body));
            QVERIFY(!body.contains(notShown));
        }
    }
}

void TestMailTemplates::noTimeZoneMeansUtc()
{
    MailBranding b = brand();
    b.timeZone = QTimeZone();
    const RenderedMail mail = passwordChanged(b, kName, fixedMs());
    QVERIFY2(mail.text.contains(QStringLiteral("2026年11月25日 09:30:05 (UTC)")), qPrintable(mail.text));
}

void TestMailTemplates::approvalOutcomes_data()
{
    QTest::addColumn<ApprovalKind>("kind");
    QTest::addColumn<bool>("approved");
    QTest::addColumn<QString>("subject");
    QTest::addColumn<QString>("wording");
    QTest::addColumn<QString>("otherWording");
    const QString approvedLeave = QStringLiteral("您的请假申请已通过审批");
    const QString rejectedLeave = QStringLiteral("您的请假申请未通过审批");
    const QString approvedClaim = QStringLiteral("您的报销申请已通过审批");
    const QString rejectedClaim = QStringLiteral("您的报销申请未通过审批");
    QTest::newRow("leave approved") << ApprovalKind::Leave << true << QStringLiteral("请假审批已批准通知 - 东方会计事务所")
                                    << approvedLeave << rejectedLeave;
    QTest::newRow("leave rejected") << ApprovalKind::Leave << false << QStringLiteral("请假审批已拒绝通知 - 东方会计事务所")
                                    << rejectedLeave << approvedLeave;
    QTest::newRow("reimbursement approved") << ApprovalKind::Reimbursement << true
                                            << QStringLiteral("报销审批已批准通知 - 东方会计事务所") << approvedClaim
                                            << rejectedClaim;
    QTest::newRow("reimbursement rejected") << ApprovalKind::Reimbursement << false
                                            << QStringLiteral("报销审批已拒绝通知 - 东方会计事务所") << rejectedClaim
                                            << approvedClaim;
}

void TestMailTemplates::approvalOutcomes()
{
    QFETCH(ApprovalKind, kind);
    QFETCH(bool, approved);
    QFETCH(QString, subject);
    QFETCH(QString, wording);
    QFETCH(QString, otherWording);
    const QString summary = QStringLiteral("2026-12-01 至 2026-12-03，共 3 天");
    const QString memo = QStringLiteral("请提前交接工作");
    const RenderedMail mail = MailTemplates::approvalResult(brand(), kName, kind, approved, summary, memo);
    QCOMPARE(mail.subject, subject);
    for (const QString &body : {mail.html, mail.text}) {
        QVERIFY(body.contains(kName));
        QVERIFY(body.contains(wording));
        QVERIFY(!body.contains(otherWording));
        QVERIFY(body.contains(approved ? QStringLiteral("已批准") : QStringLiteral("已拒绝")));
        QVERIFY(body.contains(summary));
        QVERIFY(body.contains(QStringLiteral("审批意见")));
        QVERIFY(body.contains(memo));
    }
}

void TestMailTemplates::approvalMemoOmittedWhenEmpty_data()
{
    QTest::addColumn<QString>("memo");
    QTest::newRow("empty") << QString();
    QTest::newRow("blank") << QStringLiteral("  \n ");
}

void TestMailTemplates::approvalMemoOmittedWhenEmpty()
{
    QFETCH(QString, memo);
    const RenderedMail mail =
        MailTemplates::approvalResult(brand(), kName, ApprovalKind::Leave, true, QStringLiteral("年假 1 天"), memo);
    for (const QString &body : {mail.html, mail.text}) {
        QVERIFY(body.contains(QStringLiteral("年假 1 天")));
        QVERIFY2(!body.contains(QStringLiteral("审批意见")), qPrintable(body));
    }
}

void TestMailTemplates::multiLineMemoKeepsItsLines()
{
    const RenderedMail mail = MailTemplates::approvalResult(brand(), kName, ApprovalKind::Reimbursement, false,
                                                            QStringLiteral("打车费"), QStringLiteral("缺发票\n请补交"));
    QVERIFY(mail.html.contains(QStringLiteral("缺发票<br>请补交")));
    QVERIFY(mail.text.contains(QStringLiteral("缺发票\n")));
    QVERIFY(mail.text.contains(QStringLiteral("请补交")));
}

void TestMailTemplates::testMessageSaysSmtpWorks()
{
    const RenderedMail mail = testMessage(brand());
    QCOMPARE(mail.subject, QStringLiteral("Caiwu 邮件测试 - 东方会计事务所"));
    for (const QString &body : {mail.html, mail.text}) {
        QVERIFY(body.contains(QStringLiteral("SMTP")));
        QVERIFY(body.contains(QStringLiteral("工作正常")));
        QVERIFY(body.contains(kOffice));
    }
}

QTEST_APPLESS_MAIN(TestMailTemplates)
#include "tst_mail_templates.moc"
