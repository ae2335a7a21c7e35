#include "DataPaths.h"

#include <QDir>
#include <QFile>
#include <QStandardPaths>

namespace caiwu {

DataPaths::DataPaths(const QString &root)
    : m_root(QDir::cleanPath(root.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)
                                            : QDir(root).absolutePath()))
{
}

Result<void> DataPaths::ensure() const
{
    for (const QString &dir : {m_root, vouchers(), backups(), logs(), credentials()}) {
        if (!QDir().mkpath(dir))
            return AppError::internal(QStringLiteral("cannot create the folder %1; check that it is writable").arg(dir));
        QFile::setPermissions(dir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    }
    return {};
}

} // namespace caiwu
