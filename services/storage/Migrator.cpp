#include "Migrator.h"

#include "Backup.h"
#include "Database.h"
#include "core/Clock.h"
#include "core/Log.h"

#include <QHash>
#include <QSqlDatabase>

#include <sqlite3.h>

#include <algorithm>

namespace caiwu {

namespace {

const char *const LedgerDdl =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " checksum TEXT NOT NULL,"
    " applied_at INTEGER NOT NULL)";

struct LedgerRow {
    QString name;
    QString checksum;
    qint64 appliedAt = 0;
};

QString sqliteError(sqlite3 *db) { return QString::fromUtf8(sqlite3_errmsg(db)); }

bool execRaw(sqlite3 *db, const char *sql) { return sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK; }

Result<QHash<int, LedgerRow>> readLedger(sqlite3 *db)
{
    QHash<int, LedgerRow> rows;
    sqlite3_stmt *stmt = nullptr;
    // No ledger yet is an empty ledger (a new database).
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_schema WHERE type='table' AND name='schema_migrations'", -1,
                           &stmt, nullptr) != SQLITE_OK)
        return AppError::unavailable(QStringLiteral("cannot read the database: %1").arg(sqliteError(db)));
    const bool exists = sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_int(stmt, 0) > 0;
    sqlite3_finalize(stmt);
    if (!exists)
        return rows;
    if (sqlite3_prepare_v2(db, "SELECT version, name, checksum, applied_at FROM schema_migrations", -1, &stmt, nullptr)
        != SQLITE_OK)
        return AppError::unavailable(QStringLiteral("cannot read schema_migrations: %1").arg(sqliteError(db)));
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        rows.insert(sqlite3_column_int(stmt, 0),
                    LedgerRow{QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(stmt, 1))),
                              QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(stmt, 2))),
                              sqlite3_column_int64(stmt, 3)});
    }
    sqlite3_finalize(stmt);
    return rows;
}

// Where the SQL of a statement really starts, so an error names its line, not the
// comment above it.
const char *skipSpaceAndComments(const char *p, const char *end)
{
    while (p < end) {
        if (QChar::isSpace(uchar(*p))) {
            ++p;
        } else if (p + 1 < end && p[0] == '-' && p[1] == '-') {
            while (p < end && *p != '\n')
                ++p;
        } else if (p + 1 < end && p[0] == '/' && p[1] == '*') {
            const char *close = std::search(p + 2, end, "*/", "*/" + 2);
            p = close == end ? end : close + 2;
        } else {
            break;
        }
    }
    return p;
}

// A migration runs inside the migrator's one transaction: its own BEGIN, COMMIT or ROLLBACK
// would keep half of a failed run, so such a statement is refused when it is prepared.
int refuseTransactionControl(void *, int action, const char *, const char *, const char *, const char *)
{
    return action == SQLITE_TRANSACTION ? SQLITE_DENY : SQLITE_OK;
}

struct TransactionControlRefused {
    sqlite3 *db;
    explicit TransactionControlRefused(sqlite3 *d) : db(d) { sqlite3_set_authorizer(db, refuseTransactionControl, nullptr); }
    ~TransactionControlRefused() { sqlite3_set_authorizer(db, nullptr, nullptr); }
};

// Runs every statement of one migration; on failure says which one and where.
Result<void> runScript(sqlite3 *db, const Migration &migration)
{
    const TransactionControlRefused guard(db);
    const QByteArray &sql = migration.sql;
    const char *begin = sql.constData();
    const char *cursor = begin;
    const char *end = begin + sql.size();
    int index = 0;
    while (cursor < end) {
        sqlite3_stmt *stmt = nullptr;
        const char *tail = nullptr;
        const int prepared = sqlite3_prepare_v2(db, cursor, int(end - cursor), &stmt, &tail);
        const char *statementStart = skipSpaceAndComments(cursor, tail ? tail : end);
        if (prepared == SQLITE_OK && !stmt) { // only whitespace or comments left
            cursor = tail;
            continue;
        }
        ++index;
        int rc = prepared;
        if (prepared == SQLITE_OK) {
            while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
            }
            if (rc == SQLITE_DONE)
                rc = SQLITE_OK;
        }
        const QString error = prepared == SQLITE_AUTH
            ? QStringLiteral("BEGIN, COMMIT and ROLLBACK are not allowed in a migration (all pending migrations run in one transaction)")
            : sqliteError(db);
        sqlite3_finalize(stmt);
        if (rc != SQLITE_OK) {
            const int line = QByteArray(begin, int(statementStart - begin)).count('\n') + 1;
            QString text = QString::fromUtf8(statementStart, int((tail ? tail : end) - statementStart)).simplified();
            if (text.size() > 200)
                text = text.left(200) + QStringLiteral("…");
            return AppError::internal(QStringLiteral("migration %1 failed at statement %2 (line %3): %4 — %5")
                                          .arg(migration.name).arg(index).arg(line).arg(error, text));
        }
        cursor = tail;
    }
    return {};
}

Result<void> recordApplied(sqlite3 *db, const Migration &migration)
{
    sqlite3_stmt *stmt = nullptr;
    sqlite3_prepare_v2(db, "INSERT INTO schema_migrations(version, name, checksum, applied_at) VALUES (?,?,?,?)", -1, &stmt,
                       nullptr);
    const QByteArray name = migration.name.toUtf8();
    const QByteArray checksum = migration.checksum.toLatin1();
    sqlite3_bind_int(stmt, 1, migration.version);
    sqlite3_bind_text(stmt, 2, name.constData(), name.size(), SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, 3, checksum.constData(), checksum.size(), SQLITE_TRANSIENT);
    sqlite3_bind_int64(stmt, 4, Clock::nowMs());
    const int rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE)
        return AppError::internal(QStringLiteral("cannot record migration %1: %2").arg(migration.name, sqliteError(db)));
    return {};
}

Result<void> checkForeignKeys(sqlite3 *db)
{
    sqlite3_stmt *stmt = nullptr;
    sqlite3_prepare_v2(db, "PRAGMA foreign_key_check", -1, &stmt, nullptr);
    QString problem;
    if (sqlite3_step(stmt) == SQLITE_ROW)
        problem = QStringLiteral("table %1 row %2 points to a missing %3 row")
                      .arg(QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(stmt, 0))))
                      .arg(sqlite3_column_int64(stmt, 1))
                      .arg(QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(stmt, 2))));
    sqlite3_finalize(stmt);
    if (!problem.isEmpty())
        return AppError::internal(QStringLiteral("the migrations would break a foreign key: %1").arg(problem));
    return {};
}

} // namespace

Migrator::Migrator(Database &db, QList<Migration> migrations)
    : m_db(db)
    , m_migrations(std::move(migrations))
{
}

Result<QList<MigrationStatus>> Migrator::status()
{
    auto conn = m_db.connection();
    if (!conn)
        return conn.error();
    auto ledger = readLedger(Database::handle(*conn));
    if (!ledger)
        return ledger.error();
    QList<MigrationStatus> result;
    for (const Migration &m : m_migrations) {
        MigrationStatus s;
        s.version = m.version;
        s.name = m.name;
        s.checksum = m.checksum;
        if (auto it = ledger->constFind(m.version); it != ledger->cend()) {
            s.applied = true;
            s.appliedChecksum = it->checksum;
            s.appliedAt = it->appliedAt;
            s.changed = it->checksum != m.checksum;
        }
        result.append(s);
    }
    for (auto it = ledger->cbegin(); it != ledger->cend(); ++it) {
        const bool known = std::any_of(m_migrations.cbegin(), m_migrations.cend(),
                                       [&](const Migration &m) { return m.version == it.key(); });
        if (known)
            continue;
        MigrationStatus unknown;
        unknown.version = it.key();
        unknown.name = it->name;
        unknown.checksum = unknown.appliedChecksum = it->checksum;
        unknown.applied = unknown.unknown = true;
        unknown.appliedAt = it->appliedAt;
        result.append(unknown);
    }
    std::sort(result.begin(), result.end(), [](const auto &a, const auto &b) { return a.version < b.version; });
    return result;
}

Result<int> Migrator::pendingCount()
{
    auto states = status();
    if (!states)
        return states.error();
    return int(std::count_if(states->cbegin(), states->cend(), [](const MigrationStatus &s) { return !s.applied; }));
}

Result<void> Migrator::verify()
{
    auto states = status();
    if (!states)
        return states.error();
    for (const MigrationStatus &s : *states) {
        if (s.unknown)
            return AppError::internal(
                QStringLiteral("the database was migrated by a newer Caiwu (migration %1 is unknown to this version %2); "
                               "run that version, or restore a backup made with this one")
                    .arg(s.name, QStringLiteral(CAIWU_VERSION)));
        if (s.changed)
            return AppError::internal(
                QStringLiteral("migration %1 in this binary differs from the one applied to the database (checksum %2 "
                               "applied, %3 here); a migration must never change once applied — install the matching "
                               "Caiwu build")
                    .arg(s.name, s.appliedChecksum.left(12), s.checksum.left(12)));
    }
    return {};
}

Result<MigrationRun> Migrator::up(const QString &backupDir, const Progress &progress)
{
    if (auto ok = verify(); !ok)
        return ok.error();
    auto states = status();
    if (!states)
        return states.error();
    QList<const Migration *> pending;
    bool hasApplied = false;
    for (const MigrationStatus &s : *states) {
        hasApplied |= s.applied;
        if (!s.applied)
            for (const Migration &m : m_migrations)
                if (m.version == s.version)
                    pending.append(&m);
    }
    MigrationRun run;
    if (pending.isEmpty())
        return run;

    // A database that already holds data is copied before its schema changes.
    if (hasApplied) {
        auto backup = Backup::create(m_db, Backup::timestampedName(backupDir, QStringLiteral("before-") + pending.first()->name));
        if (!backup)
            return AppError::internal(QStringLiteral("migrations not run: the backup before them failed (%1)")
                                          .arg(backup.error().message));
        run.backupFile = backup->path;
    }

    auto conn = m_db.connection();
    if (!conn)
        return conn.error();
    sqlite3 *db = Database::handle(*conn);
    // SQLite's procedure for schema changes: foreign keys off during the run (a table rebuild's
    // DROP TABLE counts as deleting every referenced row, which even deferred foreign keys
    // refuse at COMMIT), PRAGMA foreign_key_check before COMMIT instead. The pragma only takes
    // effect outside a transaction; it is switched back on once the transaction has ended.
    struct ForeignKeysBackOn {
        sqlite3 *db;
        ~ForeignKeysBackOn() { execRaw(db, "PRAGMA foreign_keys=ON"); }
    } foreignKeysBackOn{db};
    if (!execRaw(db, "PRAGMA foreign_keys=OFF"))
        return AppError::unavailable(QStringLiteral("cannot start the migration: %1").arg(sqliteError(db)));
    if (!execRaw(db, "BEGIN IMMEDIATE"))
        return AppError::unavailable(QStringLiteral("cannot start the migration: %1").arg(sqliteError(db)));
    auto fail = [&](const AppError &error) -> Result<MigrationRun> {
        execRaw(db, "ROLLBACK");
        qCWarning(lcStorage).noquote() << error.message;
        return error;
    };
    if (!execRaw(db, LedgerDdl))
        return fail(AppError::internal(QStringLiteral("cannot create schema_migrations: %1").arg(sqliteError(db))));
    int done = 0;
    for (const Migration *m : pending) {
        if (progress)
            progress(done, int(pending.size()), m->name);
        if (auto ran = runScript(db, *m); !ran)
            return fail(ran.error());
        if (auto recorded = recordApplied(db, *m); !recorded)
            return fail(recorded.error());
        run.applied << m->name;
        ++done;
    }
    if (auto fk = checkForeignKeys(db); !fk)
        return fail(fk.error());
    if (!execRaw(db, "COMMIT"))
        return fail(AppError::internal(QStringLiteral("cannot commit the migrations: %1").arg(sqliteError(db))));
    if (progress)
        progress(done, int(pending.size()), QString());
    qCInfo(lcStorage).noquote() << "applied migrations" << run.applied.join(QStringLiteral(", "));
    return run;
}

} // namespace caiwu
