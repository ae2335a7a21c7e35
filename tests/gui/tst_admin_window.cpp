// The admin window's status page, driven offscreen against a real ServiceHost on a
// temporary data folder: what the admin sees when the services run, and when they
// cannot start.
#include "core/Config.h"
#include "gui/AdminWindow.h"
#include "host/ServiceHost.h"

#include <QApplication>
#include <QDir>
#include <QLabel>
#include <QTableWidget>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace caiwu;

namespace {
Config testConfig(const QString &dataDir, quint16 port)
{
    auto config = Config::load(dataDir + QStringLiteral("/none.conf"), QProcessEnvironment());
    const QList<QPair<QString, QString>> settings{{QStringLiteral("data.dir"), dataDir},
                                                  {QStringLiteral("api.listen"), QStringLiteral("127.0.0.1")},
                                                  {QStringLiteral("api.port"), QString::number(port)},
                                                  {QStringLiteral("api.threads"), QStringLiteral("1")},
                                                  {QStringLiteral("mail.port"), QStringLiteral("0")},
                                                  {QStringLiteral("secrets.backend"), QStringLiteral("systemd-creds")}};
    for (const auto &[key, value] : settings)
        if (auto ok = config->setOverride(key, value); !ok)
            qFatal("%s", qPrintable(ok.error().message));
    return std::move(config).value();
}
} // namespace

class AdminWindowTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void statusPageShowsRunningServicesPathsAndHealth()
    {
        QTemporaryDir dir;
        ServiceHost host(testConfig(dir.path(), 0));
        AdminWindow window(host);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(host.start().ok());
        window.refresh();

        auto *services = window.findChild<QTableWidget *>(QStringLiteral("services"));
        QVERIFY(services);
        QCOMPARE(services->item(0, 1)->text(), QStringLiteral("running"));
        QCOMPARE(services->item(0, 2)->text(), QStringLiteral("127.0.0.1:%1").arg(host.apiPort()));
        QCOMPARE(services->item(1, 0)->text(), QStringLiteral("Mail service"));
        QCOMPARE(services->item(1, 1)->text(), QStringLiteral("running"));
        QVERIFY(services->item(1, 3)->text().contains(QStringLiteral("smtp.host is not set")));
        // Once the monitor has asked the mail service, the page says what it answered.
        auto *mail = window.findChild<QLabel *>(QStringLiteral("mailHealth"));
        QTRY_VERIFY(mail->text().contains(QStringLiteral("answering")));
        QVERIFY(mail->text().contains(QStringLiteral("smtp.host is not set")));
        QVERIFY(!mail->property("ok").toBool()); // nothing can be sent: shown as a problem
        QVERIFY(window.findChild<QLabel *>(QStringLiteral("staffUrl"))->text().contains(QString::number(host.apiPort())));
        auto *db = window.findChild<QLabel *>(QStringLiteral("dbHealth"));
        QVERIFY(db->property("ok").toBool());
        QVERIFY(db->text().contains(QStringLiteral("answering")));
        QVERIFY(window.findChild<QLabel *>(QStringLiteral("voucherHealth"))->property("ok").toBool());
        // The data paths the admin needs to find are on the page.
        bool sawDatabase = false;
        for (QLabel *label : window.findChildren<QLabel *>())
            sawDatabase |= label->text() == QDir(dir.path()).absoluteFilePath(QStringLiteral("caiwu.sqlite"));
        QVERIFY(sawDatabase);
        QVERIFY(!window.findChild<QLabel *>(QStringLiteral("startError"))->isVisible());

        window.grab().save(QStringLiteral(CAIWU_BUILD_DIR "/screenshot-status.png"));
        host.stop();
        window.refresh();
        QCOMPARE(services->item(0, 1)->text(), QStringLiteral("stopped"));
    }

    void aServiceThatCannotStartIsShownWithItsReason()
    {
        QTcpServer squatter;
        QVERIFY(squatter.listen(QHostAddress::LocalHost));
        QTemporaryDir dir;
        ServiceHost host(testConfig(dir.path(), squatter.serverPort()));
        AdminWindow window(host);
        window.show();
        const auto started = host.start();
        QVERIFY(!started.ok());
        window.showStartError(started.error().message);
        auto *banner = window.findChild<QLabel *>(QStringLiteral("startError"));
        QVERIFY(banner->isVisible());
        QVERIFY2(banner->text().contains(QString::number(squatter.serverPort())), qPrintable(banner->text()));
        QCOMPARE(window.findChild<QTableWidget *>(QStringLiteral("services"))->item(0, 1)->text(), QStringLiteral("failed"));
    }
};

QTEST_MAIN(AdminWindowTest)
#include "tst_admin_window.moc"
