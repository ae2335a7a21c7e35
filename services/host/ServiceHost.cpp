#include "ServiceHost.h"

#include "SystemRoutes.h"
#include "core/Log.h"
#include "mail/MailConfig.h"
#include "modules/Modules.h"
#include "modules/auth/Administrators.h"
#include "modules/auth/Lockouts.h"
#include "modules/vouchers/VoucherLinks.h"

#include <QDateTime>

#include <QHostInfo>
#include <QSqlQuery>

namespace caiwu {

namespace {
// An upload no record references is kept this long (the clerk may still be filling in the form).
constexpr qint64 VoucherGraceMs = 24LL * 3600 * 1000;
constexpr int VoucherSweepIntervalMs = 3600 * 1000;
} // namespace

QString stateName(ServiceHost::State state)
{
    switch (state) {
    case ServiceHost::State::Stopped: return QStringLiteral("stopped");
    case ServiceHost::State::Starting: return QStringLiteral("starting");
    case ServiceHost::State::Running: return QStringLiteral("running");
    case ServiceHost::State::Stopping: return QStringLiteral("stopping");
    case ServiceHost::State::Failed: return QStringLiteral("failed");
    }
    return {};
}

ServiceHost::ServiceHost(Config config, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_paths(m_config.string(QStringLiteral("data.dir")))
    , m_database(std::make_unique<Database>(m_paths.database()))
    , m_migrator(std::make_unique<Migrator>(*m_database))
    , m_outbox(std::make_unique<Outbox>(*m_database, QHostInfo::localHostName() + QStringLiteral(".caiwu")))
    , m_sessions(std::make_unique<SessionStore>(*m_database))
    , m_throttle(std::make_unique<LoginThrottle>(
          *m_database, ThrottlePolicy{int(m_config.integer(QStringLiteral("auth.lockout_threshold"))),
                                      m_config.integer(QStringLiteral("auth.lockout_minutes")) * 60 * 1000,
                                      int(m_config.integer(QStringLiteral("auth.ip_failure_limit")))}))
    , m_audit(std::make_unique<AuditTrail>(*m_database))
    , m_vouchers(std::make_unique<VoucherStore>(m_paths.vouchers(), m_config.integer(QStringLiteral("vouchers.max_bytes"))))
{
    m_health = std::make_unique<HealthMonitor>(HealthMonitor::Targets{
        m_database.get(), m_paths.root(), m_paths.vouchers(), m_paths.database(), [this] { return mailFigures(); }});
    // The log is buffered for throughput; a quiet appliance still shows its last lines.
    m_logFlush.setInterval(1000);
    connect(&m_logFlush, &QTimer::timeout, this, [] { Log::flush(); });
    // Picks up allow-list changes made outside the API (another process on the same file),
    // and retries a list that could not be read.
    m_allowListRefresh.setInterval(30 * 1000);
    connect(&m_allowListRefresh, &QTimer::timeout, this, [this] {
        if (m_ipGate)
            (void)m_ipGate->reload();
    });
    m_voucherSweep.setInterval(VoucherSweepIntervalMs);
    connect(&m_voucherSweep, &QTimer::timeout, this, [this] {
        if (auto swept = sweepVouchers(); !swept)
            qCWarning(lcHost).noquote() << "voucher sweep:" << swept.error().message;
        else if (!swept->isEmpty())
            qCInfo(lcHost).noquote() << "removed" << swept->size() << "voucher files no record references";
    });
}

Result<QList<QString>> ServiceHost::sweepVouchers()
{
    auto db = m_database->connection();
    if (!db)
        return db.error();
    return m_vouchers->sweepOrphans(
        [&db](const QString &key) {
            auto referenced = VoucherLinks::isReferenced(*db, key);
            return !referenced || *referenced; // when in doubt, keep the file
        },
        VoucherGraceMs, QDateTime::currentMSecsSinceEpoch());
}

ServiceHost::~ServiceHost()
{
    stop(0);
}

void ServiceHost::addModule(RouteInstaller installer)
{
    m_modules.append(std::move(installer));
}

Result<void> ServiceHost::lockDataFolder()
{
    if (m_lock && m_lock->isLocked())
        return {};
    if (auto ok = m_paths.ensure(); !ok)
        return ok.error();
    m_lock = std::make_unique<QLockFile>(m_paths.root() + QStringLiteral("/caiwu.lock"));
    m_lock->setStaleLockTime(0); // a lock whose process is gone is stale at once
    if (m_lock->tryLock(0))
        return {};
    qint64 pid = 0;
    QString hostName, appName;
    m_lock->getLockInfo(&pid, &hostName, &appName);
    m_lock.reset();
    return AppError::conflict(QStringLiteral("another Caiwu (process %1) is using the data folder %2; stop it first")
                                  .arg(pid).arg(m_paths.root()));
}

Result<SecretStore *> ServiceHost::secrets()
{
    if (!m_secrets) {
        auto store = openSecretStore(m_config.string(QStringLiteral("secrets.backend")), m_paths);
        if (!store)
            return store.error();
        m_secrets = std::move(store).value();
    }
    return m_secrets.get();
}

QString ServiceHost::publicBaseUrl() const
{
    const QString configured = m_config.string(QStringLiteral("public.base_url"));
    if (!configured.isEmpty())
        return configured;
    const quint16 port = apiPort() ? apiPort() : quint16(m_config.integer(QStringLiteral("api.port")));
    return QStringLiteral("http://%1:%2").arg(QHostInfo::localHostName()).arg(port);
}

HttpLimits ServiceHost::httpLimits() const
{
    HttpLimits limits;
    limits.maxBodyBytes = m_config.integer(QStringLiteral("http.max_body_bytes"));
    limits.maxHeaderBytes = m_config.integer(QStringLiteral("http.max_header_bytes"));
    limits.idleTimeoutMs = int(m_config.integer(QStringLiteral("http.idle_timeout_s")) * 1000);
    limits.requestTimeoutMs = int(m_config.integer(QStringLiteral("http.request_timeout_s")) * 1000);
    return limits;
}

void ServiceHost::setMailState(State state, const QString &detail)
{
    m_mailState = state;
    m_mailDetail = detail;
    Q_EMIT serviceStateChanged(QStringLiteral("mail"), state, detail);
}

MailFigures ServiceHost::mailFigures()
{
    MailFigures figures;
    figures.smtpConfigured = !m_config.string(QStringLiteral("smtp.host")).isEmpty();
    if (auto counts = m_outbox->counts(); counts) {
        figures.queued = counts->queued + counts->sending;
        figures.failed = counts->failed;
    }
    if (m_mailClient) {
        if (auto waiting = m_mailClient->waiting(); waiting)
            figures.waiting = *waiting;
        figures.lastError = m_mailClient->lastError();
    }
    if (m_mail && figures.lastError.isEmpty())
        figures.lastError = m_mail->lastDeliveryError();
    return figures;
}

MailBranding ServiceHost::mailBranding() const
{
    return brandingFrom(m_config, publicBaseUrl());
}

void ServiceHost::startMail(SecretStore &store)
{
    setMailState(State::Starting);
    auto token = store.read(SecretName::EmailToken);
    auto password = store.read(SecretName::SmtpPassword);
    if (!token || !password) {
        setMailState(State::Failed, (!token ? token.error() : password.error()).message);
        return;
    }
    MailServiceOptions options;
    options.address = QHostAddress(m_config.string(QStringLiteral("mail.listen")));
    options.port = quint16(m_config.integer(QStringLiteral("mail.port")));
    options.token = token->value_or(QByteArray());
    options.smtp = smtpSettingsFrom(m_config, password->value_or(QByteArray()));
    options.retry = retryPolicyFrom(m_config);
    options.limits = httpLimits();
    options.logRequests = m_config.boolean(QStringLiteral("log.requests"));
    m_mail = std::make_unique<MailService>(*m_database, *m_outbox);
    if (auto ok = m_mail->start(options); !ok) {
        m_mail.reset();
        qCCritical(lcHost).noquote() << "mail service:" << ok.error().message;
        setMailState(State::Failed, ok.error().message);
    } else {
        setMailState(State::Running, m_mail->smtpConfigured()
                                         ? QStringLiteral("listening on port %1").arg(m_mail->port())
                                         : QStringLiteral("listening on port %1; smtp.host is not set, mail is queued").arg(m_mail->port()));
    }
    m_health->setMailEndpoint(m_mail ? ApiServer::dialUrl(options.address, m_mail->port()) : QUrl());
    // The API's client: it keeps mail while the service is down, so it starts either way.
    const QUrl service = ApiServer::dialUrl(options.address, m_mail ? m_mail->port() : options.port);
    m_mailClient = std::make_unique<MailClient>(*m_database, service.toString(), options.token);
    m_mailClient->start();
}

Result<void> ServiceHost::prepareAccess()
{
    if (m_context)
        return {};
    QList<IpRange> proxies;
    for (const QString &text : m_config.list(QStringLiteral("http.trusted_proxies"))) {
        auto range = IpRange::parse(text);
        if (!range)
            return AppError::validation(QStringLiteral("http.trusted_proxies: %1").arg(range.error().message));
        proxies.append(*range);
    }
    m_ipGate = std::make_unique<IpGate>(*m_database, proxies);
    m_gate = std::make_unique<AccessGate>(*m_ipGate, *m_sessions, m_jwtKey);
    VoucherStore *vouchers = m_vouchers.get();
    m_context = std::make_unique<ModuleContext>(ModuleContext{
        m_config, *m_database, *m_sessions, *m_throttle, *m_ipGate, *m_gate, *m_audit, m_jwtKey,
        [this] { return m_mailClient.get(); }, [this] { return mailBranding(); }, vouchers,
        [vouchers](const QString &url) {
            auto key = VoucherStore::keyFromUrl(url);
            return key && vouchers->exists(*key);
        }});
    return {};
}

Result<QString> ServiceHost::createAdministrator(const QString &email, const QString &name, const QString &password)
{
    if (auto ok = m_paths.ensure(); !ok)
        return ok.error();
    if (auto run = m_migrator->up(m_paths.backups(), {}); !run)
        return run.error();
    return Administrators::create(*m_database, *m_audit, email, name, password);
}

Result<bool> ServiceHost::unlockAccount(const QString &email, const QString &actorId)
{
    return caiwu::unlockAccount(*m_throttle, *m_audit, email, actorId, {});
}

void ServiceHost::setApiState(State state, const QString &detail)
{
    m_apiState = state;
    m_apiDetail = detail;
    Q_EMIT serviceStateChanged(QStringLiteral("api"), state, detail);
}

Result<void> ServiceHost::start()
{
    if (m_apiState == State::Running)
        return {};
    setApiState(State::Starting);
    auto fail = [this](const AppError &error) -> Result<void> {
        qCCritical(lcHost).noquote() << error.message;
        setApiState(State::Failed, error.message);
        return error;
    };
    if (auto ok = lockDataFolder(); !ok)
        return fail(ok.error());

    auto run = m_migrator->up(m_paths.backups(), [this](int done, int total, const QString &name) {
        Q_EMIT migrationProgress(done, total, name);
    });
    if (!run)
        return fail(run.error());
    if (!run->backupFile.isEmpty())
        qCInfo(lcHost).noquote() << "database backed up to" << run->backupFile << "before migrating";

    auto store = secrets();
    if (!store)
        return fail(store.error());
    auto key = ensureJwtSecret(**store);
    if (!key)
        return fail(key.error());
    m_jwtKey = key.value();
    qCInfo(lcHost).noquote() << "secrets are kept in" << (*store)->location();

    if (auto ok = prepareAccess(); !ok)
        return fail(ok.error());
    // The list is read before the first request; if it cannot be, the gate stays closed.
    if (auto ok = m_ipGate->reload(); !ok)
        qCCritical(lcHost).noquote() << "IP allow list unreadable; only loopback is admitted:" << ok.error().message;

    startMail(**store);

    if (m_router.routes().isEmpty()) {
        registerSystemRoutes(m_router, *this);
        installModules(m_router, *m_context);
        for (const RouteInstaller &install : m_modules)
            install(m_router, *this);
    }

    m_health->start();
    m_logFlush.start();
    m_allowListRefresh.start();
    m_voucherSweep.start();

    ApiServerOptions options;
    options.address = QHostAddress(m_config.string(QStringLiteral("api.listen")));
    options.port = quint16(m_config.integer(QStringLiteral("api.port")));
    options.threads = int(m_config.integer(QStringLiteral("api.threads")));
    options.limits = httpLimits();
    options.logRequests = m_config.boolean(QStringLiteral("log.requests"));
    options.cors = CorsPolicy(m_config.list(QStringLiteral("http.cors_origins")), publicBaseUrl());
    const AccessGate *gate = m_gate.get();
    options.gate = [gate](HttpRequest &request, const RouteSpec *route) { return gate->admit(request, route); };
    Database *db = m_database.get();
    m_api = std::make_unique<ApiServer>(m_router, m_metrics, [db] { db->releaseThreadConnection(); });
    if (auto ok = m_api->start(options); !ok) {
        m_api.reset();
        m_health->stop();
        if (m_mailClient)
            m_mailClient->stop();
        if (m_mail)
            m_mail->stop();
        return fail(ok.error());
    }
    m_served = true;
    setApiState(State::Running, QStringLiteral("listening on port %1").arg(m_api->port()));
    return {};
}

void ServiceHost::stop(int graceMs)
{
    if (m_api) {
        setApiState(State::Stopping);
        m_api->stop(graceMs);
        m_api.reset();
        setApiState(State::Stopped);
    }
    // After the API: nothing new is handed over, and what is waiting stays in the database.
    if (m_mailClient) {
        m_mailClient->stop();
        m_mailClient.reset();
    }
    if (m_mail) {
        setMailState(State::Stopping);
        m_mail->stop();
        m_mail.reset();
        setMailState(State::Stopped);
    }
    m_health->stop();
    m_logFlush.stop();
    m_allowListRefresh.stop();
    m_voucherSweep.stop();
    // A server that stops folds the WAL back into the main file, so the folder holds one
    // consistent file. A command-line run that only read must not: the checkpoint takes
    // the write lock from a server that is still running.
    if (m_served) {
        if (auto conn = m_database->connection(); conn)
            QSqlQuery(*conn).exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
        m_served = false;
    }
    m_database->releaseThreadConnection();
    if (m_lock)
        m_lock->unlock();
    Log::flush();
}

} // namespace caiwu
