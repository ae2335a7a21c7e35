#pragma once

#include "Result.h"

#include <QString>

namespace caiwu {

// Where the appliance keeps its files. Everything lives below one root folder,
// so a backup of that folder (or of the database plus vouchers) is the whole office.
class DataPaths {
public:
    // `root` empty means the platform's data location (~/.local/share/caiwu).
    explicit DataPaths(const QString &root = {});

    QString root() const { return m_root; }
    QString database() const { return m_root + QStringLiteral("/caiwu.sqlite"); }
    QString vouchers() const { return m_root + QStringLiteral("/vouchers"); }
    QString backups() const { return m_root + QStringLiteral("/backups"); }
    QString logs() const { return m_root + QStringLiteral("/logs"); }
    QString credentials() const { return m_root + QStringLiteral("/credentials"); }

    // Creates the folders (owner-only permissions: they hold the office's books).
    Result<void> ensure() const;

private:
    QString m_root;
};

} // namespace caiwu
