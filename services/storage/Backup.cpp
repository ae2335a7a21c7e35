#include "Backup.h"

#include "Database.h"
#include "core/Clock.h"
#include "core/FileSync.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <sqlite3.h>

#include <cstdio>

#include <fcntl.h>
#include <unistd.h>

namespace caiwu::Backup {

namespace {

// A raw sqlite3 connection that closes itself.
struct RawDb {
    sqlite3 *db = nullptr;
    ~RawDb() { sqlite3_close_v2(db); }
    QString error() const { return QString::fromUtf8(sqlite3_errmsg(db)); }
};

// Holds a read transaction on `db` (unless the caller already has one) until destroyed.
struct Snapshot {
    sqlite3 *db = nullptr;
    bool own = false;
    explicit Snapshot(sqlite3 *d) : db(d)
    {
        if (sqlite3_get_autocommit(db) == 0)
            return;
        own = sqlite3_exec(db, "BEGIN; SELECT count(*) FROM sqlite_schema", nullptr, nullptr, nullptr) == SQLITE_OK;
        if (!own && sqlite3_get_autocommit(db) == 0)
            sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    }
    ~Snapshot()
    {
        if (own)
            sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
    }
};

// Copies `src` into `dest` page by page, reporting progress; SQLITE_BUSY/LOCKED
// from a concurrent writer just means "try this step again shortly".
int copyPages(sqlite3 *dest, sqlite3 *src, const Progress &progress)
{
    // One snapshot of the source for the whole copy (WAL: writers go on meanwhile). Without
    // it, every commit by another connection between two steps restarts the copy, and a
    // database of a few MB under a steady trickle of writes is never copied at all.
    const Snapshot snapshot(src);
    sqlite3_backup *backup = sqlite3_backup_init(dest, "main", src, "main");
    if (!backup)
        return sqlite3_errcode(dest);
    int rc;
    do {
        rc = sqlite3_backup_step(backup, 256);
        const int total = sqlite3_backup_pagecount(backup);
        if (progress && total > 0)
            progress(int(100 * qint64(total - sqlite3_backup_remaining(backup)) / total));
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
            sqlite3_sleep(20);
    } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
    sqlite3_backup_finish(backup);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

int highestVersion(sqlite3 *db, const QList<Migration> &known, QString *problem)
{
    sqlite3_stmt *stmt = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT version, name, checksum FROM schema_migrations ORDER BY version", -1, &stmt,
                           nullptr) != SQLITE_OK) {
        *problem = QStringLiteral("it is not a Caiwu database (no schema_migrations table)");
        return -1;
    }
    int highest = 0;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        const int version = sqlite3_column_int(stmt, 0);
        const QString name = QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(stmt, 1)));
        const QString checksum = QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(stmt, 2)));
        const auto it = std::find_if(known.cbegin(), known.cend(), [&](const Migration &m) { return m.version == version; });
        if (it == known.cend()) {
            *problem = QStringLiteral("it was written by a newer Caiwu (migration %1 is unknown to this version)").arg(name);
            highest = -1;
            break;
        }
        if (it->checksum != checksum) {
            *problem = QStringLiteral("its migration %1 differs from this version's (checksum mismatch)").arg(name);
            highest = -1;
            break;
        }
        highest = version;
    }
    if (highest >= 0 && rc != SQLITE_DONE && rc != SQLITE_ROW) {
        *problem = QStringLiteral("its migration ledger cannot be read: %1").arg(QString::fromUtf8(sqlite3_errmsg(db)));
        highest = -1;
    }
    sqlite3_finalize(stmt);
    return highest;
}

int appliedVersion(sqlite3 *db)
{
    sqlite3_stmt *stmt = nullptr;
    int version = 0;
    if (sqlite3_prepare_v2(db, "SELECT max(version) FROM schema_migrations", -1, &stmt, nullptr) == SQLITE_OK
        && sqlite3_step(stmt) == SQLITE_ROW)
        version = sqlite3_column_int(stmt, 0);
    sqlite3_finalize(stmt);
    return version;
}

} // namespace

QString timestampedName(const QString &dir, const QString &reason)
{
    const QString stamp = QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmsszzz"));
    return dir + QStringLiteral("/caiwu-%1%2.sqlite").arg(stamp, reason.isEmpty() ? QString() : QLatin1Char('-') + reason);
}

Result<BackupFileInfo> create(Database &db, const QString &targetFile, const Progress &progress)
{
    auto conn = db.connection();
    if (!conn)
        return conn.error();
    const QString target = QFileInfo(targetFile).absoluteFilePath();
    // However it is spelled (a symlinked folder too): renaming the copy onto the live file
    // would swap the database out from under its open connections.
    const QString targetInRealFolder =
        QFileInfo(QFileInfo(target).absolutePath()).canonicalFilePath() + QLatin1Char('/') + QFileInfo(target).fileName();
    if (target == QFileInfo(db.path()).absoluteFilePath() || targetInRealFolder == QFileInfo(db.path()).canonicalFilePath())
        return AppError::validation(QStringLiteral("the backup file cannot be the live database itself"));
    if (!QDir().mkpath(QFileInfo(target).absolutePath()))
        return AppError::internal(QStringLiteral("cannot create the folder for %1").arg(target));

    const QString temp = target + QStringLiteral(".partial");
    QFile::remove(temp);
    // Created 0600 before SQLite opens it (its default is 0644, and its journal copies the
    // mode): the copy holds salaries and password hashes from its first page on.
    if (const int fd = ::open(QFile::encodeName(temp).constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600); fd >= 0)
        ::close(fd);
    {
        RawDb dest;
        if (sqlite3_open_v2(QFile::encodeName(temp).constData(), &dest.db,
                            SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK)
            return AppError::internal(QStringLiteral("cannot create %1: %2").arg(temp, dest.error()));
        if (copyPages(dest.db, Database::handle(*conn), progress) != SQLITE_OK) {
            const QString why = dest.error();
            QFile::remove(temp);
            return AppError::internal(QStringLiteral("backup to %1 failed: %2").arg(target, why));
        }
        // A backup is one self-contained file, not a WAL database needing its -wal.
        sqlite3_exec(dest.db, "PRAGMA journal_mode=DELETE", nullptr, nullptr, nullptr);
    }
    // rename(2) replaces an existing file atomically; QFile::rename would refuse.
    if (!FileSync::flushFile(temp) || ::rename(QFile::encodeName(temp).constData(), QFile::encodeName(target).constData()) != 0) {
        QFile::remove(temp);
        return AppError::internal(QStringLiteral("cannot write %1").arg(target));
    }
    FileSync::flushFolder(QFileInfo(target).absolutePath());
    QFile::setPermissions(target, QFile::ReadOwner | QFile::WriteOwner);
    return BackupFileInfo{target, QFileInfo(target).size(), appliedVersion(Database::handle(*conn))};
}

Result<BackupFileInfo> inspect(const QString &file, const QList<Migration> &known)
{
    if (!QFileInfo(file).isFile())
        return AppError::validation(QStringLiteral("%1 does not exist or is not a file").arg(file));
    {
        QFile f(file);
        if (!f.open(QIODevice::ReadOnly) || f.read(16) != QByteArray("SQLite format 3\0", 16))
            return AppError::validation(QStringLiteral("%1 is not a Caiwu database: it is not an SQLite file").arg(file));
    }
    RawDb src;
    if (sqlite3_open_v2(QFile::encodeName(file).constData(), &src.db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
        return AppError::validation(QStringLiteral("%1 cannot be opened: %2").arg(file, src.error()));
    sqlite3_stmt *stmt = nullptr;
    QString check;
    if (sqlite3_prepare_v2(src.db, "PRAGMA quick_check", -1, &stmt, nullptr) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW)
        check = QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(stmt, 0)));
    else
        check = src.error();
    sqlite3_finalize(stmt);
    if (check != QLatin1String("ok"))
        return AppError::validation(QStringLiteral("%1 is damaged: %2").arg(file, check));
    QString problem;
    const int version = highestVersion(src.db, known, &problem);
    if (version < 0)
        return AppError::validation(QStringLiteral("%1 cannot be used: %2").arg(file, problem));
    if (version == 0)
        return AppError::validation(QStringLiteral("%1 is not a Caiwu database: no migration was ever applied to it").arg(file));
    return BackupFileInfo{QFileInfo(file).absoluteFilePath(), QFileInfo(file).size(), version};
}

Result<BackupFileInfo> restore(Database &db, const QString &file, const QString &safetyCopy, const QList<Migration> &known,
                               const Progress &progress)
{
    auto info = inspect(file, known);
    if (!info)
        return info.error();
    if (QFileInfo::exists(db.path())) {
        auto saved = create(db, safetyCopy);
        if (!saved)
            return AppError::internal(QStringLiteral("restore stopped: the current database could not be saved first (%1)")
                                          .arg(saved.error().message));
    }
    auto conn = db.connection();
    if (!conn)
        return conn.error();
    RawDb src;
    if (sqlite3_open_v2(QFile::encodeName(file).constData(), &src.db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
        return AppError::validation(QStringLiteral("%1 cannot be opened: %2").arg(file, src.error()));
    sqlite3 *live = Database::handle(*conn);
    if (copyPages(live, src.db, progress) != SQLITE_OK)
        return AppError::internal(QStringLiteral("restore failed, the database is unchanged: %1")
                                      .arg(QString::fromUtf8(sqlite3_errmsg(live))));
    // The copied header says journal_mode=DELETE; the appliance runs in WAL.
    sqlite3_exec(live, "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr);
    return info;
}

} // namespace caiwu::Backup
