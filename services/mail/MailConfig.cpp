#include "MailConfig.h"

#include "core/Config.h"

namespace caiwu {

SmtpSettings smtpSettingsFrom(const Config &config, const QByteArray &password)
{
    SmtpSettings smtp;
    smtp.host = config.string(QStringLiteral("smtp.host"));
    smtp.port = quint16(config.integer(QStringLiteral("smtp.port")));
    const QString security = config.string(QStringLiteral("smtp.security"));
    smtp.security = security == QLatin1String("smtps") ? SmtpSettings::Security::Smtps
                  : security == QLatin1String("none")  ? SmtpSettings::Security::None
                                                       : SmtpSettings::Security::StartTls;
    smtp.user = config.string(QStringLiteral("smtp.user"));
    smtp.password = password;
    smtp.caFile = config.string(QStringLiteral("smtp.ca_file"));
    smtp.timeoutSeconds = int(config.integer(QStringLiteral("smtp.timeout_s")));
    smtp.fromAddress = config.string(QStringLiteral("mail.from_address"));
    smtp.fromName = config.string(QStringLiteral("mail.from_name"));
    return smtp;
}

RetryPolicy retryPolicyFrom(const Config &config)
{
    RetryPolicy policy;
    policy.maxAttempts = int(config.integer(QStringLiteral("mail.max_attempts")));
    policy.baseSeconds = int(config.integer(QStringLiteral("mail.retry_base_s")));
    return policy;
}

MailBranding brandingFrom(const Config &config, const QString &publicBaseUrl)
{
    return MailBranding{config.string(QStringLiteral("office.name")), publicBaseUrl,
                        QTimeZone(config.string(QStringLiteral("office.timezone")).toLatin1())};
}

} // namespace caiwu
