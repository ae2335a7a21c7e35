#pragma once

#include "HealthMonitor.h"
#include "auth/AccessGate.h"
#include "auth/IpGate.h"
#include "auth/LoginThrottle.h"
#include "auth/SessionStore.h"
#include "core/Config.h"
#include "core/DataPaths.h"
#include "core/Result.h"
#include "http/ApiServer.h"
#include "http/Metrics.h"
#include "http/Router.h"
#include "mail/MailClient.h"
#include "mail/MailService.h"
#include "mail/MailTemplates.h"
#include "mail/Outbox.h"
#include "modules/ModuleContext.h"
#include "modules/audit/AuditTrail.h"
#include "secrets/SecretStore.h"
#include "storage/Database.h"
#include "storage/Migrator.h"
#include "vouchers/VoucherStore.h"

#include <QLockFile>
#include <QObject>
#include <QTimer>

#include <functional>
#include <memory>

namespace caiwu {

// Builds, starts, stops and watches the appliance's services. The admin window, the
// command line and the tests all drive the appliance through this one class.
class ServiceHost : public QObject {
    Q_OBJECT
public:
    enum class State { Stopped, Starting, Running, Stopping, Failed };
    Q_ENUM(State)

    explicit ServiceHost(Config config, QObject *parent = nullptr);
    ~ServiceHost() override;

    const Config &config() const { return m_config; }
    const DataPaths &paths() const { return m_paths; }
    Database &database() { return *m_database; }
    Migrator &migrator() { return *m_migrator; }
    Metrics &metrics() { return m_metrics; }
    HealthMonitor &health() { return *m_health; }
    const Router &router() const { return m_router; }
    Outbox &outbox() { return *m_outbox; }
    // How the API sends mail (through the mail service, never blocking the caller).
    MailClient *mailClient() { return m_mailClient.get(); }
    // Office name, public address and time zone for the mail templates.
    MailBranding mailBranding() const;
    SessionStore &sessions() { return *m_sessions; }
    LoginThrottle &loginThrottle() { return *m_throttle; }
    AuditTrail &audit() { return *m_audit; }
    VoucherStore &vouchers() { return *m_vouchers; }
    // Deletes voucher files no record references, uploaded longer ago than the grace period.
    Result<QList<QString>> sweepVouchers();

    // The first administrator (caiwu admin create, the first-run wizard): an active HQ employee
    // holding a position with every permission. Brings the schema up to date first. Returns the
    // employee id; DUPLICATE if the email is taken.
    Result<QString> createAdministrator(const QString &email, const QString &name, const QString &password);
    // Clears an account's failed logins and lock (caiwu admin unlock, the users page).
    Result<bool> unlockAccount(const QString &email, const QString &actorId);

    // A business module adds its routes (and reaches its services through the host).
    // Modules are added before start(); the system routes come first.
    using RouteInstaller = std::function<void(Router &router, ServiceHost &host)>;
    void addModule(RouteInstaller installer);

    // One process per data folder: a second server, or a restore while one runs,
    // would corrupt the books or send mail twice. Returns who holds it on failure.
    Result<void> lockDataFolder();

    // Opens the configured secret store on first use.
    Result<SecretStore *> secrets();

    // Creates the data folders, brings the schema up to date (backing up first),
    // loads the JWT key, and starts the health monitor and the API server.
    Result<void> start();
    // Lets requests in progress finish, then closes everything; the database is
    // checkpointed so the data folder holds one consistent file.
    void stop(int graceMs = 5000);

    State mailState() const { return m_mailState; }
    QString mailDetail() const { return m_mailDetail; }
    quint16 mailPort() const { return m_mail ? m_mail->port() : 0; }

    State apiState() const { return m_apiState; }
    QString apiDetail() const { return m_apiDetail; }
    quint16 apiPort() const { return m_api ? m_api->port() : 0; }
    int apiThreads() const { return m_api ? m_api->threadCount() : 0; }
    // The address staff use, from public.base_url or the host name and port.
    QString publicBaseUrl() const;

Q_SIGNALS:
    void serviceStateChanged(const QString &service, caiwu::ServiceHost::State state, const QString &detail);
    void migrationProgress(int done, int total, const QString &name);

private:
    void setApiState(State state, const QString &detail = {});
    void setMailState(State state, const QString &detail = {});
    // The mail service failing to start leaves the API running: its mail waits.
    void startMail(SecretStore &store);
    MailFigures mailFigures();
    HttpLimits httpLimits() const;
    // The gate, the allow list and the module context, once the JWT key is known.
    Result<void> prepareAccess();

    Config m_config;
    DataPaths m_paths;
    std::unique_ptr<Database> m_database;
    std::unique_ptr<Migrator> m_migrator;
    std::unique_ptr<SecretStore> m_secrets;
    std::unique_ptr<HealthMonitor> m_health;
    Metrics m_metrics;
    Router m_router;
    QList<RouteInstaller> m_modules;
    std::unique_ptr<ApiServer> m_api;
    std::unique_ptr<Outbox> m_outbox;
    std::unique_ptr<MailService> m_mail;
    std::unique_ptr<MailClient> m_mailClient;
    State m_mailState = State::Stopped;
    QString m_mailDetail;
    std::unique_ptr<QLockFile> m_lock;
    QTimer m_logFlush;
    QByteArray m_jwtKey;
    std::unique_ptr<SessionStore> m_sessions;
    std::unique_ptr<LoginThrottle> m_throttle;
    std::unique_ptr<AuditTrail> m_audit;
    std::unique_ptr<IpGate> m_ipGate;
    std::unique_ptr<AccessGate> m_gate;
    std::unique_ptr<ModuleContext> m_context;
    std::unique_ptr<VoucherStore> m_vouchers;
    QTimer m_allowListRefresh;
    QTimer m_voucherSweep;
    bool m_served = false;
    State m_apiState = State::Stopped;
    QString m_apiDetail;
};

QString stateName(ServiceHost::State state);

} // namespace caiwu
