#pragma once

#include <QHostAddress>
#include <QJsonObject>
#include <QObject>
#include <QReadWriteLock>
#include <QTimer>
#include <QUrl>

#include <functional>

class QNetworkAccessManager;

namespace caiwu {

class Database;

// One look at everything /api/health does not check live: the database file (read
// every few seconds; the route itself only pings the connection), the mail service,
// free disk and the voucher folder.
// What the mail side reports of itself, beyond answering its health check.
struct MailFigures {
    bool smtpConfigured = false;
    int queued = 0;
    int failed = 0;
    int waiting = 0;         // handed to the API's client but not yet taken by the service
    QString lastError;
};

struct HealthSnapshot {
    bool dbReadable = false;
    QString dbDetail;
    bool mailOk = false;
    QString mailState = QStringLiteral("unknown");   // ok | unreachable | error
    QString mailDetail;
    MailFigures mail;
    bool diskOk = false;
    qint64 diskFreeBytes = 0;
    qint64 diskTotalBytes = 0;
    bool vouchersOk = false;
    QString vouchersDetail;
    qint64 databaseBytes = 0;
    qint64 checkedAtMs = 0;
    // toJson() without its braces, serialised once per check: /api/health splices it
    // after its live database fields instead of rebuilding JSON on every request.
    QByteArray jsonFields;
};

// Watches the parts of the appliance that are too slow to check on every request —
// the mail service, free disk, the voucher folder — on a timer, and publishes the
// latest result for any thread to read.
class HealthMonitor : public QObject {
    Q_OBJECT
public:
    struct Targets {
        Database *database = nullptr;
        QString dataRoot;
        QString vouchersDir;
        QString databaseFile;
        std::function<MailFigures()> mailFigures;
    };

    static constexpr qint64 MinFreeDiskBytes = 1024LL * 1024 * 1024;

    explicit HealthMonitor(Targets targets, QObject *parent = nullptr);

    // Where the mail service answers (known once it has started; empty: not running).
    void setMailEndpoint(const QUrl &serviceUrl);

    void start(int intervalMs = 2000);
    void stop();
    void checkNow();

    HealthSnapshot snapshot() const;
    static QJsonObject toJson(const HealthSnapshot &snapshot);

Q_SIGNALS:
    void updated();

private:
    void checkDiskAndVouchers(HealthSnapshot &s) const;
    void probeMail();
    void publish(HealthSnapshot snapshot);

    Targets m_targets;
    QUrl m_mailUrl;
    QTimer m_timer;
    QNetworkAccessManager *m_network;
    mutable QReadWriteLock m_lock;
    HealthSnapshot m_snapshot;
};

} // namespace caiwu
