#pragma once

#include "Migration.h"
#include "core/Result.h"

#include <QList>
#include <QString>

#include <functional>

namespace caiwu {

class Database;

struct MigrationStatus {
    int version = 0;
    QString name;
    QString checksum;        // of the file in this binary (or the ledger's, if unknown here)
    QString appliedChecksum; // as recorded in schema_migrations when it was applied
    bool applied = false;
    qint64 appliedAt = 0;    // epoch ms
    bool changed = false;    // applied, but the file in this binary differs
    bool unknown = false;    // applied by a newer Caiwu; this binary has no such file
};

struct MigrationRun {
    QStringList applied;     // names, in order
    QString backupFile;      // written before the first pending migration ran; empty if none was needed
};

// Brings the schema up to date with the migrations in this binary. All pending
// migrations run in one transaction: if any statement fails, nothing of the run is
// kept and the error names the migration, the statement and its line.
class Migrator {
public:
    explicit Migrator(Database &db, QList<Migration> migrations = Migration::embedded());

    Result<QList<MigrationStatus>> status();
    Result<int> pendingCount();

    // Refuses to go on if an applied migration was edited or is unknown to this binary.
    Result<void> verify();

    using Progress = std::function<void(int done, int total, const QString &name)>;
    // Applies what is pending. Before touching a database that already holds data, a
    // backup is written into `backupDir`.
    Result<MigrationRun> up(const QString &backupDir, const Progress &progress = {});

    const QList<Migration> &migrations() const { return m_migrations; }

private:
    Database &m_db;
    QList<Migration> m_migrations;
};

} // namespace caiwu
