#pragma once

#include <QLoggingCategory>
#include <QString>

namespace caiwu {

Q_DECLARE_LOGGING_CATEGORY(lcHost)
Q_DECLARE_LOGGING_CATEGORY(lcHttp)
Q_DECLARE_LOGGING_CATEGORY(lcStorage)
Q_DECLARE_LOGGING_CATEGORY(lcSecrets)
Q_DECLARE_LOGGING_CATEGORY(lcMail)

// The appliance's log: one line per message, "time level category message", to a
// daily file under the data folder and to standard error. Thread-safe; buffered and
// flushed at least every half second and at every warning, so a request burst costs
// no syscall per line.
namespace Log {

enum class Level { Debug, Info, Warning };

// Everything goes to the daily file; standard error gets warnings and worse, or
// everything when it is a terminal (under systemd, journald keeps the warnings).
void install(const QString &logDir, Level minimum);
// The request log's fast path: one pre-formatted line, no QDebug, no QString.
void request(QByteArrayView line);
void setMinimum(Level minimum);
void flush();
QString currentFile();
Level parseLevel(const QString &name);

} // namespace Log
} // namespace caiwu
