#pragma once

#include "MailSender.h"
#include "MailTemplates.h"
#include "SmtpTransport.h"

namespace caiwu {

class Config;

// The mail settings as the mail service uses them, read from the configuration (the
// SMTP password comes from the secret store, passed in).
SmtpSettings smtpSettingsFrom(const Config &config, const QByteArray &password);
RetryPolicy retryPolicyFrom(const Config &config);
MailBranding brandingFrom(const Config &config, const QString &publicBaseUrl);

} // namespace caiwu
