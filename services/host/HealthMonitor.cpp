#include "HealthMonitor.h"

#include "core/Clock.h"
#include "core/Json.h"
#include "storage/Database.h"

#include <QDir>
#include <QFileInfo>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QStorageInfo>
#include <QTemporaryFile>

namespace caiwu {

HealthMonitor::HealthMonitor(Targets targets, QObject *parent)
    : QObject(parent)
    , m_targets(std::move(targets))
    , m_network(new QNetworkAccessManager(this))
{
    connect(&m_timer, &QTimer::timeout, this, &HealthMonitor::checkNow);
}

void HealthMonitor::start(int intervalMs)
{
    checkNow();
    m_timer.start(intervalMs);
}

void HealthMonitor::stop() { m_timer.stop(); }

void HealthMonitor::setMailEndpoint(const QUrl &serviceUrl)
{
    m_mailUrl = serviceUrl;
}

void HealthMonitor::checkDiskAndVouchers(HealthSnapshot &s) const
{
    QStorageInfo storage(m_targets.dataRoot);
    storage.refresh();
    s.diskFreeBytes = storage.bytesAvailable();
    s.diskTotalBytes = storage.bytesTotal();
    s.diskOk = storage.isValid() && s.diskFreeBytes >= MinFreeDiskBytes;

    // Writable is what matters: an upload must be able to create its temporary file.
    QTemporaryFile probe(m_targets.vouchersDir + QStringLiteral("/.health-XXXXXX"));
    s.vouchersOk = QFileInfo(m_targets.vouchersDir).isDir() && probe.open();
    s.vouchersDetail = s.vouchersOk ? QString() : QStringLiteral("the voucher folder is missing or not writable");
    s.databaseBytes = QFileInfo(m_targets.databaseFile).size()
        + QFileInfo(m_targets.databaseFile + QStringLiteral("-wal")).size();
}

void HealthMonitor::checkNow()
{
    HealthSnapshot s = snapshot();
    checkDiskAndVouchers(s);
    if (m_targets.database) {
        const auto readable = m_targets.database->checkReadable();
        s.dbReadable = readable.ok();
        s.dbDetail = readable ? QString() : readable.error().message;
    }
    if (m_targets.mailFigures)
        s.mail = m_targets.mailFigures();
    s.checkedAtMs = Clock::nowMs();
    publish(std::move(s));
    probeMail();
    Q_EMIT updated();
}

void HealthMonitor::publish(HealthSnapshot snapshot)
{
    QByteArray fields = Json::bytes(toJson(snapshot));
    snapshot.jsonFields = fields.mid(1, fields.size() - 2);
    QWriteLocker lock(&m_lock);
    m_snapshot = std::move(snapshot);
}

void HealthMonitor::probeMail()
{
    if (m_mailUrl.isEmpty()) {
        HealthSnapshot s = snapshot();
        s.mailOk = false;
        s.mailState = QStringLiteral("unreachable");
        s.mailDetail = QStringLiteral("the mail service is not running");
        publish(std::move(s));
        return;
    }
    QUrl url = m_mailUrl;
    url.setPath(QStringLiteral("/health"));
    QNetworkRequest request(url);
    request.setTransferTimeout(2000);
    QNetworkReply *reply = m_network->get(request);
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        HealthSnapshot s = snapshot();
        s.mailOk = reply->error() == QNetworkReply::NoError && status == 200;
        s.mailState = s.mailOk ? QStringLiteral("ok") : status ? QStringLiteral("error") : QStringLiteral("unreachable");
        s.mailDetail = s.mailOk ? QString() : reply->errorString();
        publish(std::move(s));
    });
}

HealthSnapshot HealthMonitor::snapshot() const
{
    QReadLocker lock(&m_lock);
    return m_snapshot;
}

QJsonObject HealthMonitor::toJson(const HealthSnapshot &s)
{
    return QJsonObject{
        {QStringLiteral("mail"), QJsonObject{{QStringLiteral("ok"), s.mailOk && s.mail.smtpConfigured && s.mail.failed == 0},
                                             {QStringLiteral("state"), s.mailState},
                                             {QStringLiteral("smtpConfigured"), s.mail.smtpConfigured},
                                             {QStringLiteral("queued"), s.mail.queued},
                                             {QStringLiteral("failed"), s.mail.failed},
                                             {QStringLiteral("waiting"), s.mail.waiting}}},
        {QStringLiteral("disk"), QJsonObject{{QStringLiteral("ok"), s.diskOk},
                                             {QStringLiteral("freeBytes"), double(s.diskFreeBytes)},
                                             {QStringLiteral("totalBytes"), double(s.diskTotalBytes)}}},
        {QStringLiteral("vouchers"), QJsonObject{{QStringLiteral("ok"), s.vouchersOk}}},
        {QStringLiteral("checkedAt"), double(s.checkedAtMs)},
    };
}

} // namespace caiwu
