#include "AdminWindow.h"

#include "host/ServiceHost.h"

#include <QFormLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QTabWidget>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace caiwu {

namespace {
QLabel *selectableLabel(const QString &text = {})
{
    auto *label = new QLabel(text);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}
} // namespace

AdminWindow::AdminWindow(ServiceHost &host, QWidget *parent)
    : QMainWindow(parent)
    , m_host(host)
{
    setWindowTitle(tr("Caiwu — administration"));
    auto *tabs = new QTabWidget;
    tabs->addTab(buildStatusPage(), tr("Status"));
    setCentralWidget(tabs);
    resize(900, 600);

    connect(&m_host, &ServiceHost::serviceStateChanged, this, &AdminWindow::refresh);
    m_timer = new QTimer(this);
    connect(m_timer, &QTimer::timeout, this, &AdminWindow::refresh);
    m_timer->start(1000);
    refresh();
}

QWidget *AdminWindow::buildStatusPage()
{
    auto *page = new QWidget;
    auto *layout = new QVBoxLayout(page);

    m_banner = new QLabel;
    m_banner->setObjectName(QStringLiteral("startError"));
    m_banner->setWordWrap(true);
    m_banner->setStyleSheet(QStringLiteral("QLabel { background: #b3261e; color: white; padding: 8px; }"));
    m_banner->hide();
    layout->addWidget(m_banner);

    m_staffUrl = selectableLabel();
    m_staffUrl->setObjectName(QStringLiteral("staffUrl"));
    layout->addWidget(m_staffUrl);

    auto *servicesBox = new QGroupBox(tr("Services"));
    auto *servicesLayout = new QVBoxLayout(servicesBox);
    m_services = new QTableWidget(2, 4);
    m_services->setObjectName(QStringLiteral("services"));
    m_services->setHorizontalHeaderLabels({tr("Service"), tr("State"), tr("Address"), tr("Detail")});
    m_services->horizontalHeader()->setStretchLastSection(true);
    m_services->verticalHeader()->hide();
    m_services->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_services->setItem(0, 0, new QTableWidgetItem(tr("API and web client")));
    m_services->setItem(1, 0, new QTableWidgetItem(tr("Mail service")));
    m_services->setSelectionMode(QAbstractItemView::NoSelection);
    m_services->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_services->horizontalHeader()->setStretchLastSection(true);
    m_services->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_services->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    servicesLayout->addWidget(m_services);
    layout->addWidget(servicesBox);

    auto *healthBox = new QGroupBox(tr("Health"));
    auto *health = new QFormLayout(healthBox);
    m_dbHealth = selectableLabel();
    m_dbHealth->setObjectName(QStringLiteral("dbHealth"));
    m_diskHealth = selectableLabel();
    m_diskHealth->setObjectName(QStringLiteral("diskHealth"));
    m_voucherHealth = selectableLabel();
    m_voucherHealth->setObjectName(QStringLiteral("voucherHealth"));
    m_mailHealth = selectableLabel();
    m_mailHealth->setObjectName(QStringLiteral("mailHealth"));
    m_traffic = selectableLabel();
    m_traffic->setObjectName(QStringLiteral("traffic"));
    health->addRow(tr("Database"), m_dbHealth);
    health->addRow(tr("Disk"), m_diskHealth);
    health->addRow(tr("Voucher store"), m_voucherHealth);
    health->addRow(tr("Mail service"), m_mailHealth);
    health->addRow(tr("Requests"), m_traffic);
    layout->addWidget(healthBox);

    const DataPaths &paths = m_host.paths();
    auto *dataBox = new QGroupBox(tr("Data"));
    auto *data = new QFormLayout(dataBox);
    data->addRow(tr("Database"), selectableLabel(paths.database()));
    data->addRow(tr("Vouchers"), selectableLabel(paths.vouchers()));
    data->addRow(tr("Backups"), selectableLabel(paths.backups()));
    data->addRow(tr("Logs"), selectableLabel(paths.logs()));
    data->addRow(tr("Config file"), selectableLabel(m_host.config().filePath()));
    layout->addWidget(dataBox);
    layout->addStretch();
    return page;
}

void AdminWindow::showStartError(const QString &message)
{
    m_banner->setText(tr("Caiwu could not start: %1").arg(message));
    m_banner->show();
    refresh();
}

void AdminWindow::setHealthLabel(QLabel *label, bool ok, const QString &text)
{
    label->setText(text);
    label->setProperty("ok", ok);
    label->setStyleSheet(ok ? QStringLiteral("color: #1b6e20;") : QStringLiteral("color: #b3261e; font-weight: bold;"));
}

void AdminWindow::refresh()
{
    const bool running = m_host.apiState() == ServiceHost::State::Running;
    m_services->setItem(0, 1, new QTableWidgetItem(stateName(m_host.apiState())));
    const QString address = running ? QStringLiteral("%1:%2").arg(m_host.config().string(QStringLiteral("api.listen"))).arg(m_host.apiPort())
                                    : QString();
    m_services->setItem(0, 2, new QTableWidgetItem(address));
    m_services->setItem(0, 3, new QTableWidgetItem(m_host.apiDetail()));
    const bool mailRunning = m_host.mailState() == ServiceHost::State::Running;
    m_services->setItem(1, 1, new QTableWidgetItem(stateName(m_host.mailState())));
    m_services->setItem(1, 2, new QTableWidgetItem(
        mailRunning ? QStringLiteral("%1:%2").arg(m_host.config().string(QStringLiteral("mail.listen"))).arg(m_host.mailPort()) : QString()));
    m_services->setItem(1, 3, new QTableWidgetItem(m_host.mailDetail()));
    m_services->setFixedHeight(m_services->horizontalHeader()->height() + m_services->rowHeight(0) * m_services->rowCount()
                               + 2 * m_services->frameWidth());
    m_staffUrl->setText(running ? tr("Staff open: %1").arg(m_host.publicBaseUrl()) : tr("The API is not running."));

    const QLocale locale;
    if (running) {
        const auto ping = m_host.database().ping(2000);
        setHealthLabel(m_dbHealth, ping.ok(),
                       ping ? tr("answering in %1 ms").arg(double(ping.value()) / 1000.0, 0, 'f', 3) : ping.error().message);
    } else {
        setHealthLabel(m_dbHealth, false, tr("not open"));
    }
    const HealthSnapshot s = m_host.health().snapshot();
    setHealthLabel(m_diskHealth, s.diskOk,
                   tr("%1 free of %2").arg(locale.formattedDataSize(s.diskFreeBytes), locale.formattedDataSize(s.diskTotalBytes)));
    setHealthLabel(m_voucherHealth, s.vouchersOk, s.vouchersOk ? tr("writable") : s.vouchersDetail);
    if (s.mailState == QLatin1String("unknown"))
        m_mailHealth->setText(tr("checking…"));
    else if (!s.mailOk)
        setHealthLabel(m_mailHealth, false, tr("%1: %2").arg(s.mailState, s.mailDetail));
    else
        setHealthLabel(m_mailHealth, s.mail.smtpConfigured && s.mail.failed == 0,
                       tr("answering; %1 queued, %2 failed, %3 waiting to be handed over%4")
                           .arg(s.mail.queued)
                           .arg(s.mail.failed)
                           .arg(s.mail.waiting)
                           .arg(s.mail.smtpConfigured ? QString() : tr("; smtp.host is not set, so nothing is sent")));
    m_traffic->setText(tr("%1 answered, %2 server errors, p95 %3 ms, %4 connections open")
                           .arg(m_host.metrics().totalRequests())
                           .arg(m_host.metrics().totalErrors())
                           .arg(m_host.metrics().latencyQuantileMs(0.95))
                           .arg(m_host.metrics().openConnections()));
}

} // namespace caiwu
