#include "Migration.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QRegularExpression>

#include <algorithm>

namespace caiwu {

namespace {
Result<QList<Migration>> loadAll(const QString &dir)
{
    QList<Migration> result;
    const QStringList files = QDir(dir).entryList({QStringLiteral("*.sql")}, QDir::Files, QDir::Name);
    for (const QString &file : files) {
        QFile f(dir + QLatin1Char('/') + file);
        if (!f.open(QIODevice::ReadOnly))
            return AppError::internal(QStringLiteral("cannot read migration %1").arg(file));
        auto migration = Migration::fromFile(file, f.readAll());
        if (!migration)
            return migration.error();
        if (!result.isEmpty() && result.last().version == migration->version)
            return AppError::internal(QStringLiteral("two migrations share version %1: %2 and %3")
                                          .arg(migration->version).arg(result.last().name, migration->name));
        result.append(std::move(migration).value());
    }
    std::sort(result.begin(), result.end(), [](const Migration &a, const Migration &b) { return a.version < b.version; });
    return result;
}
} // namespace

Result<Migration> Migration::fromFile(const QString &fileName, const QByteArray &sql)
{
    static const QRegularExpression pattern(QStringLiteral("^(\\d{4})_([a-z0-9_]+)\\.sql$"));
    const auto match = pattern.match(fileName);
    if (!match.hasMatch())
        return AppError::internal(QStringLiteral("migration file %1 is not named NNNN_name.sql").arg(fileName));
    Migration m;
    m.version = match.captured(1).toInt();
    m.name = fileName.chopped(4);
    m.sql = sql;
    m.checksum = QString::fromLatin1(QCryptographicHash::hash(sql, QCryptographicHash::Sha256).toHex());
    return m;
}

const QList<Migration> &Migration::embedded()
{
    static const QList<Migration> migrations = [] {
        auto loaded = loadAll(QStringLiteral(":/migrations"));
        // A broken embedded migration is a build defect, caught by the tests.
        Q_ASSERT_X(loaded.ok(), "Migration::embedded", loaded.ok() ? "" : qPrintable(loaded.error().message));
        return loaded.ok() ? loaded.value() : QList<Migration>{};
    }();
    return migrations;
}

Result<QList<Migration>> Migration::fromDirectory(const QString &dir)
{
    return loadAll(dir);
}

} // namespace caiwu
