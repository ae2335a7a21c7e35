#pragma once

#include <QMainWindow>

class QLabel;
class QTableWidget;
class QTimer;

namespace caiwu {

class ServiceHost;

// The admin's window onto the appliance. It talks only to the ServiceHost: no SQL,
// no sockets of its own. This first page is the status view: services and their
// ports, where the data lives, and live health.
class AdminWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit AdminWindow(ServiceHost &host, QWidget *parent = nullptr);

    void showStartError(const QString &message);

    // Rereads the host now (the window also does so every second).
    void refresh();

private:
    QWidget *buildStatusPage();
    void setHealthLabel(QLabel *label, bool ok, const QString &text);

    ServiceHost &m_host;
    QLabel *m_banner = nullptr;
    QLabel *m_staffUrl = nullptr;
    QTableWidget *m_services = nullptr;
    QLabel *m_dbHealth = nullptr;
    QLabel *m_diskHealth = nullptr;
    QLabel *m_voucherHealth = nullptr;
    QLabel *m_mailHealth = nullptr;
    QLabel *m_traffic = nullptr;
    QTimer *m_timer = nullptr;
};

} // namespace caiwu

using caiwu::AdminWindow;
