#pragma once

#include "core/Config.h"
#include "mail/MailTemplates.h"

#include <functional>

namespace caiwu {

class AccessGate;
class AuditTrail;
class Database;
class IpGate;
class LoginThrottle;
class MailClient;
class SessionStore;
class VoucherStore;

// What a module's routes and services may use, built by the service host. Everything lives
// as long as the host; the mail client may be absent (null) while the mail part is stopped.
struct ModuleContext {
    const Config &config;
    Database &database;
    SessionStore &sessions;
    LoginThrottle &throttle;
    IpGate &ipGate;
    const AccessGate &gate;
    AuditTrail &audit;
    QByteArray jwtKey;
    std::function<MailClient *()> mailClient;
    std::function<MailBranding()> branding;
    VoucherStore *vouchers = nullptr;
    // Whether a voucher URL (as records store it) names a stored voucher file.
    std::function<bool(const QString &url)> voucherExists;
};

} // namespace caiwu
