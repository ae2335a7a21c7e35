#pragma once

#include "Result.h"

#include <QHash>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QVariant>

namespace caiwu {

enum class ConfigType { Int, Port, Bytes, Bool, String, Address, Url, Enum, OriginList, RangeList, Path, Email, TimeZone };

// One setting the admin may change: its name, type, embedded default and range.
// The registry of these is the single source for validation, `caiwu config`, the
// environment overrides (CAIWU_API_PORT for api.port) and the GUI's settings page.
struct ConfigKey {
    QString name;
    ConfigType type;
    QVariant defaultValue;
    QString description;
    qint64 min = 0;
    qint64 max = 0;
    QStringList choices;
    // Changing it needs a restart of this service ("api", "mail" or "host").
    QString service;
};

enum class ConfigSource { Default, File, Environment, CommandLine };

// The effective configuration: embedded defaults < config file < CAIWU_* environment
// < command-line flags. Immutable once loaded, so worker threads may read it freely.
class Config {
public:
    static const QList<ConfigKey> &keys();
    static const ConfigKey *find(const QString &name);
    static QString environmentName(const QString &key);
    // The config file in the platform's config location (~/.config/caiwu/caiwu.conf).
    static QString defaultFilePath();

    // Checks `text` against the key's type and range and returns the normalised value,
    // or a VALIDATION_ERROR that names the key and says what is allowed.
    static Result<QVariant> parse(const ConfigKey &key, const QString &text);
    static Result<QVariant> parse(const QString &name, const QString &text);

    // Reads the file (absent is fine: defaults) and the environment. A bad key or value
    // in either is an error naming it; a half-valid configuration is never used.
    static Result<Config> load(const QString &filePath,
                               const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment());

    // Validates and writes one key to the file (atomically), keeping the others.
    static Result<void> writeToFile(const QString &filePath, const QString &name, const QString &text);
    static Result<void> writeToFile(const QString &filePath, const QHash<QString, QString> &values);

    Result<void> setOverride(const QString &name, const QString &text);

    QVariant value(const QString &name) const;
    QString string(const QString &name) const { return value(name).toString(); }
    qint64 integer(const QString &name) const { return value(name).toLongLong(); }
    bool boolean(const QString &name) const { return value(name).toBool(); }
    QStringList list(const QString &name) const { return value(name).toStringList(); }
    ConfigSource source(const QString &name) const;
    QString filePath() const { return m_filePath; }

    // As text, the way `caiwu config get` prints it and the file stores it.
    static QString toText(const ConfigKey &key, const QVariant &value);

private:
    QString m_filePath;
    QHash<QString, QVariant> m_values;
    QHash<QString, ConfigSource> m_sources;
};

} // namespace caiwu
