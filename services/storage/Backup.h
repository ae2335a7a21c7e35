#pragma once

#include "Migration.h"
#include "core/Result.h"

#include <QString>

#include <functional>

namespace caiwu {

class Database;

struct BackupFileInfo {
    QString path;
    qint64 sizeBytes = 0;
    int schemaVersion = 0;   // highest applied migration in the file
};

// Online copies of the database with SQLite's backup API: consistent while the
// appliance keeps serving, written to a temporary file, fsynced and renamed, so a
// crash mid-backup never leaves a half file under the final name.
namespace Backup {

using Progress = std::function<void(int percent)>;

Result<BackupFileInfo> create(Database &db, const QString &targetFile, const Progress &progress = {});

// Checks that `file` is a Caiwu database this binary can run: SQLite, intact,
// with a schema_migrations ledger whose every entry this binary knows unchanged.
Result<BackupFileInfo> inspect(const QString &file, const QList<Migration> &known = Migration::embedded());

// Replaces the live database with `file` after inspecting it. The current database
// is first saved to `safetyCopy` so a restore can itself be undone.
Result<BackupFileInfo> restore(Database &db, const QString &file, const QString &safetyCopy,
                               const QList<Migration> &known = Migration::embedded(), const Progress &progress = {});

// A file name in `dir` such as caiwu-20261125-093000-before-0002.sqlite.
QString timestampedName(const QString &dir, const QString &reason);

} // namespace Backup
} // namespace caiwu
