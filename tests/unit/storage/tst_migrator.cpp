// Migrator: numbered migrations embedded in the binary, applied in one transaction,
// recorded with their checksum, backed up before, refused when edited or unknown.
#include "StorageTestSupport.h"

#include "core/Clock.h"
#include "storage/Database.h"
#include "storage/Migrator.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace caiwu;
using namespace caiwu::test;

namespace {

using Files = QList<std::pair<QString, QByteArray>>;

const QByteArray NotesV1 = "-- 0001: a note book\n"
                           "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL);\n"
                           "INSERT INTO notes (text) VALUES ('first'), ('second');\n";

const QByteArray Tags = "CREATE TABLE tags (id INTEGER PRIMARY KEY, label TEXT NOT NULL);\n"
                        "INSERT INTO tags (label) VALUES ('rent');\n";

const QByteArray More = "CREATE TABLE more_things (x INTEGER);\n";

const QByteArray Accounts = "CREATE TABLE accounts (id TEXT PRIMARY KEY, name TEXT NOT NULL);\n"
                            "CREATE TABLE cash_flows (id TEXT PRIMARY KEY,\n"
                            "  account_id TEXT NOT NULL REFERENCES accounts(id));\n"
                            "INSERT INTO accounts VALUES ('cash', 'Cash box');\n"
                            "INSERT INTO cash_flows VALUES ('f1', 'cash');\n";

QStringList filesIn(const QString &dir)
{
    return QDir(dir).entryList(QDir::Files | QDir::NoDotAndDotDot | QDir::Hidden, QDir::Name);
}

QString sha256Hex(const QByteArray &data)
{
    return QString::fromLatin1(QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex());
}

} // namespace

class MigratorTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_root;
    int m_serial = 0;
    QString m_referencePath;
    MigrationRun m_referenceRun;
    qint64 m_referenceStarted = 0, m_referenceFinished = 0;

    // A fresh folder for one test: the database, the staged migrations and the backups.
    QString freshDir()
    {
        const QString dir = m_root.filePath(QStringLiteral("case-%1").arg(++m_serial));
        QDir().mkpath(dir);
        return dir;
    }

    // Stages `files` in a folder of their own and loads them; a failure fails the test.
    QList<Migration> stage(const QString &caseDir, const Files &files)
    {
        const QString dir = caseDir + QStringLiteral("/migrations-%1").arg(++m_serial);
        auto loaded = stageMigrations(dir, files);
        if (!loaded) {
            qWarning("cannot stage migrations: %s", failure(loaded).constData());
            return {};
        }
        return loaded.value();
    }

private:
    // A row pointing at a missing account must be refused on the appliance's connection.
    static void verifyForeignKeysEnforced(Database &db)
    {
        {
            auto conn = db.connection();
            QVERIFY(conn);
            QVERIFY(sqlite3_exec(Database::handle(*conn), "INSERT INTO cash_flows VALUES ('f9', 'ghost')", nullptr,
                                 nullptr, nullptr)
                    != SQLITE_OK);
        }
        db.releaseThreadConnection();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_root.isValid());
        // One database migrated by the real, embedded migrations, read by several tests.
        const QString dir = freshDir();
        m_referencePath = dir + QStringLiteral("/caiwu.sqlite");
        Database db(m_referencePath);
        Migrator migrator(db);
        m_referenceStarted = Clock::nowMs();
        auto run = migrator.up(dir + QStringLiteral("/backups"));
        m_referenceFinished = Clock::nowMs();
        QVERIFY2(run, failure(run).constData());
        m_referenceRun = run.value();
        db.releaseThreadConnection();
    }

    // --- the migrations compiled into the binary --------------------------------------------

    void embeddedMigrationsAreTheSourceFilesInOrder()
    {
        const QList<Migration> &embedded = Migration::embedded();
        QVERIFY(!embedded.isEmpty());

        const QString sourceDir = QStringLiteral(CAIWU_SOURCE_DIR "/migrations");
        const QStringList sources = QDir(sourceDir).entryList({QStringLiteral("*.sql")}, QDir::Files, QDir::Name);
        QCOMPARE(embedded.size(), sources.size());

        static const QRegularExpression name(QStringLiteral("^(\\d{4})_[a-z0-9_]+$"));
        int previous = 0;
        for (int i = 0; i < embedded.size(); ++i) {
            const Migration &m = embedded.at(i);
            const auto match = name.match(m.name);
            QVERIFY2(match.hasMatch(), qPrintable(m.name));
            QCOMPARE(m.version, match.captured(1).toInt());
            QVERIFY2(m.version > previous, qPrintable(m.name));
            previous = m.version;
            QCOMPARE(m.name + QStringLiteral(".sql"), sources.at(i));
            QCOMPARE(m.sql, readFile(sourceDir + QLatin1Char('/') + sources.at(i)));
            QCOMPARE(m.checksum, sha256Hex(m.sql));
            QCOMPARE(m.checksum.size(), 64);
        }
        QCOMPARE(embedded.first().name, QStringLiteral("0001_initial"));
    }

    void initialMigrationAppliesCleanly()
    {
        QStringList names;
        for (const Migration &m : Migration::embedded())
            names << m.name;
        QCOMPARE(m_referenceRun.applied, names);
        // A new database has nothing to lose: no backup.
        QVERIFY(m_referenceRun.backupFile.isEmpty());
        QVERIFY(filesIn(QFileInfo(m_referencePath).absolutePath() + QStringLiteral("/backups")).isEmpty());

        RawDb raw(m_referencePath);
        QCOMPARE(raw.column(QStringLiteral("PRAGMA integrity_check")), QStringList{QStringLiteral("ok")});
        bool ok = false;
        QCOMPARE(raw.rows(QStringLiteral("PRAGMA foreign_key_check"), &ok), QList<QStringList>{});
        QVERIFY(ok);
    }

    void initialMigrationCreatesTheDataModel_data()
    {
        QTest::addColumn<QString>("table");
        for (const char *table : {"headquarters", "departments", "positions", "org_departments", "employees", "sessions",
                                  "audit_logs", "currencies", "accounts", "categories", "cash_flows",
                                  "account_transactions", "account_transfers", "ar_ap_docs", "borrowings",
                                  "salary_payments", "fixed_assets", "rental_properties", "system_config",
                                  "ip_whitelist", "schema_migrations"})
            QTest::newRow(table) << QString::fromLatin1(table);
    }

    void initialMigrationCreatesTheDataModel()
    {
        QFETCH(QString, table);
        RawDb raw(m_referencePath);
        QCOMPARE(raw.scalar(QStringLiteral("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = '%1'").arg(table))
                     .toString(),
                 QStringLiteral("1"));
        bool ok = false;
        raw.rows(QStringLiteral("SELECT * FROM \"%1\" LIMIT 1").arg(table), &ok);
        QVERIFY2(ok, qPrintable(raw.error()));
    }

    void initialMigrationSeedsTheReferenceRows()
    {
        RawDb raw(m_referencePath);
        QCOMPARE(raw.column(QStringLiteral("SELECT code FROM currencies ORDER BY code")),
                 (QStringList{QStringLiteral("CNY"), QStringLiteral("USD"), QStringLiteral("USDT")}));
        QCOMPARE(raw.column(QStringLiteral("SELECT id FROM headquarters")), QStringList{QStringLiteral("hq")});
        QCOMPARE(raw.column(QStringLiteral("SELECT name FROM departments WHERE id = 'hq'")),
                 QStringList{QStringLiteral("总部")});
        QCOMPARE(raw.scalar(QStringLiteral("SELECT value FROM system_config WHERE key = '2fa_enabled'")).toString(),
                 QStringLiteral("true"));
        // No administrator is seeded: the first one is created by a command.
        QCOMPARE(raw.scalar(QStringLiteral("SELECT count(*) FROM employees")).toString(), QStringLiteral("0"));
    }

    // --- status and the ledger ---------------------------------------------------------------

    void statusOfAFreshDatabaseIsAllPending()
    {
        Database db(freshDir() + QStringLiteral("/caiwu.sqlite"));
        Migrator migrator(db);
        auto states = migrator.status();
        QVERIFY2(states, failure(states).constData());
        QCOMPARE(states->size(), Migration::embedded().size());
        for (int i = 0; i < states->size(); ++i) {
            const MigrationStatus &s = states->at(i);
            QCOMPARE(s.name, Migration::embedded().at(i).name);
            QCOMPARE(s.checksum, Migration::embedded().at(i).checksum);
            QVERIFY(!s.applied);
            QVERIFY(!s.changed);
            QVERIFY(!s.unknown);
            QCOMPARE(s.appliedAt, qint64(0));
        }
        auto pending = migrator.pendingCount();
        QVERIFY(pending);
        QCOMPARE(*pending, int(Migration::embedded().size()));
        db.releaseThreadConnection();
    }

    void statusAfterUpIsAllAppliedAndRecorded()
    {
        Database db(m_referencePath);
        Migrator migrator(db);
        auto states = migrator.status();
        QVERIFY2(states, failure(states).constData());
        QCOMPARE(states->size(), Migration::embedded().size());
        for (const MigrationStatus &s : *states) {
            QVERIFY(s.applied);
            QVERIFY(!s.changed);
            QVERIFY(!s.unknown);
            QCOMPARE(s.appliedChecksum, s.checksum);
            QVERIFY(s.appliedAt >= m_referenceStarted);
            QVERIFY(s.appliedAt <= m_referenceFinished);
        }
        QCOMPARE(*migrator.pendingCount(), 0);
        QVERIFY(migrator.verify());

        // The ledger itself, as a user would read it.
        RawDb raw(m_referencePath);
        const auto ledger = raw.rows(QStringLiteral("SELECT version, name, checksum FROM schema_migrations ORDER BY version"));
        QCOMPARE(ledger.size(), Migration::embedded().size());
        for (int i = 0; i < ledger.size(); ++i) {
            const Migration &m = Migration::embedded().at(i);
            QCOMPARE(ledger.at(i),
                     (QStringList{QStringLiteral("integer:%1").arg(m.version), QStringLiteral("text:") + m.name,
                                  QStringLiteral("text:") + m.checksum}));
        }
        QCOMPARE(raw.scalar(QStringLiteral("SELECT typeof(applied_at) FROM schema_migrations")).toString(), QStringLiteral("integer"));
        db.releaseThreadConnection();
    }

    void upAgainAppliesNothingAndWritesNoBackup()
    {
        const QString dir = freshDir();
        const QString path = dir + QStringLiteral("/caiwu.sqlite");
        QVERIFY(QFile::copy(m_referencePath, path));
        const QStringList before = dump(path);

        Database db(path);
        Migrator migrator(db);
        int progressCalls = 0;
        auto run = migrator.up(dir + QStringLiteral("/backups"), [&](int, int, const QString &) { ++progressCalls; });
        QVERIFY2(run, failure(run).constData());
        QVERIFY(run->applied.isEmpty());
        QVERIFY(run->backupFile.isEmpty());
        QVERIFY(filesIn(dir + QStringLiteral("/backups")).isEmpty());
        QCOMPARE(progressCalls, 0);
        db.releaseThreadConnection();
        QCOMPARE(dump(path), before);
    }

    // --- the backup before migrating ---------------------------------------------------------

    void aFreshDatabaseGetsNoBackup()
    {
        const QString dir = freshDir();
        Database db(dir + QStringLiteral("/caiwu.sqlite"));
        Migrator migrator(db, stage(dir, {{QStringLiteral("0001_notes.sql"), NotesV1}, {QStringLiteral("0002_tags.sql"), Tags}}));
        auto run = migrator.up(dir + QStringLiteral("/backups"));
        QVERIFY2(run, failure(run).constData());
        QCOMPARE(run->applied, (QStringList{QStringLiteral("0001_notes"), QStringLiteral("0002_tags")}));
        QVERIFY(run->backupFile.isEmpty());
        QVERIFY(filesIn(dir + QStringLiteral("/backups")).isEmpty());
        db.releaseThreadConnection();
    }

    void aBackupIsWrittenBeforePendingMigrationsRun()
    {
        const QString dir = freshDir();
        const QString path = dir + QStringLiteral("/caiwu.sqlite");
        const QString backups = dir + QStringLiteral("/backups");
        Database db(path);
        {
            Migrator first(db, stage(dir, {{QStringLiteral("0001_notes.sql"), NotesV1}}));
            QVERIFY(first.up(backups));
        }
        RawDb(path).exec(QStringLiteral("INSERT INTO notes (text) VALUES ('typed by a user')"));

        // While the first pending migration is announced, the backup must already be complete.
        QStringList backupsAtStart;
        QStringList tablesInBackupAtStart, notesInBackupAtStart;
        Migrator second(db, stage(dir, {{QStringLiteral("0001_notes.sql"), NotesV1}, {QStringLiteral("0002_tags.sql"), Tags}}));
        auto run = second.up(backups, [&](int done, int, const QString &) {
            if (done != 0)
                return;
            backupsAtStart = filesIn(backups);
            if (backupsAtStart.size() != 1)
                return;
            RawDb copy(backups + QLatin1Char('/') + backupsAtStart.first(), SQLITE_OPEN_READONLY);
            tablesInBackupAtStart = copy.column(QStringLiteral("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name"));
            notesInBackupAtStart = copy.column(QStringLiteral("SELECT text FROM notes ORDER BY id"));
        });
        QVERIFY2(run, failure(run).constData());
        QCOMPARE(run->applied, QStringList{QStringLiteral("0002_tags")});

        QCOMPARE(backupsAtStart.size(), 1);
        QVERIFY2(backupsAtStart.first().contains(QLatin1String("before-0002_tags")), qPrintable(backupsAtStart.first()));
        QCOMPARE(QFileInfo(run->backupFile).fileName(), backupsAtStart.first());
        QCOMPARE(QFileInfo(run->backupFile).absolutePath(), QFileInfo(backups).absoluteFilePath());
        QCOMPARE(tablesInBackupAtStart, (QStringList{QStringLiteral("notes"), QStringLiteral("schema_migrations")}));
        const QStringList notes{QStringLiteral("first"), QStringLiteral("second"), QStringLiteral("typed by a user")};
        QCOMPARE(notesInBackupAtStart, notes);

        // After the run the backup is unchanged; the live database has the new table.
        RawDb copy(run->backupFile, SQLITE_OPEN_READONLY);
        QCOMPARE(copy.scalar(QStringLiteral("SELECT count(*) FROM sqlite_schema WHERE name = 'tags'")).toString(), QStringLiteral("0"));
        QCOMPARE(copy.column(QStringLiteral("SELECT name FROM schema_migrations")), QStringList{QStringLiteral("0001_notes")});
        RawDb live(path);
        QCOMPARE(live.column(QStringLiteral("SELECT label FROM tags")), QStringList{QStringLiteral("rent")});
        QCOMPARE(live.column(QStringLiteral("SELECT text FROM notes ORDER BY id")), notes);
        db.releaseThreadConnection();
    }

    // --- failing migrations ------------------------------------------------------------------

    void aFailingMigrationLeavesTheDatabaseExactlyAsItWas_data()
    {
        QTest::addColumn<QByteArray>("second");
        QTest::addColumn<QByteArray>("third");
        QTest::addColumn<QString>("failing");
        QTest::addColumn<int>("statement");
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("sqliteError");

        const QByteArray goodSecond = "-- 0002: tags\n"
                                      "CREATE TABLE tags (id INTEGER PRIMARY KEY, label TEXT NOT NULL);\n"
                                      "INSERT INTO tags (label) VALUES ('rent');\n"
                                      "UPDATE notes SET text = text || '!';\n";

        QTest::newRow("missing table")
            << QByteArray("-- 0002: tags for notes\n"
                          "CREATE TABLE tags (id INTEGER PRIMARY KEY, label TEXT NOT NULL);\n"
                          "INSERT INTO tags (label) VALUES ('rent');\n"
                          "UPDATE notes SET text = text || '!';\n"
                          "\n"
                          "-- the author forgot to create this table\n"
                          "INSERT INTO note_tags (note_id, tag_id)\n"
                          "  SELECT 1, id FROM tags;\n"
                          "CREATE TABLE never_reached (x);\n")
            << More << QStringLiteral("0002_tags") << 4 << 7 << QStringLiteral("no such table: note_tags");
        QTest::newRow("constraint while running")
            << QByteArray("CREATE TABLE tags (id INTEGER PRIMARY KEY, label TEXT NOT NULL);\n"
                          "INSERT INTO tags (label) VALUES ('rent');\n"
                          "DELETE FROM notes WHERE id = 1;\n"
                          "/* a note without text */\n"
                          "INSERT INTO notes (text)\n"
                          "  VALUES (NULL);\n")
            << More << QStringLiteral("0002_tags") << 4 << 5 << QStringLiteral("NOT NULL constraint failed: notes.text");
        QTest::newRow("syntax error")
            << QByteArray("CREATE TABLE tags (id INTEGER PRIMARY KEY, label TEXT NOT NULL);\n"
                          "CREAT TABLE oops (x);\n")
            << More << QStringLiteral("0002_tags") << 2 << 2 << QStringLiteral("near \"CREAT\": syntax error");
        QTest::newRow("the later of two pending")
            << goodSecond
            << QByteArray("CREATE TABLE more_things (x INTEGER);\n"
                          "ALTER TABLE notes ADD COLUMN text TEXT;\n")
            << QStringLiteral("0003_more") << 2 << 2 << QStringLiteral("duplicate column name: text");
    }

    void aFailingMigrationLeavesTheDatabaseExactlyAsItWas()
    {
        QFETCH(QByteArray, second);
        QFETCH(QByteArray, third);
        QFETCH(QString, failing);
        QFETCH(int, statement);
        QFETCH(int, line);
        QFETCH(QString, sqliteError);

        const QString dir = freshDir();
        const QString path = dir + QStringLiteral("/caiwu.sqlite");
        Database db(path);
        {
            Migrator first(db, stage(dir, {{QStringLiteral("0001_notes.sql"), NotesV1}}));
            QVERIFY(first.up(dir + QStringLiteral("/backups")));
        }
        const QStringList before = dump(path);
        QVERIFY(before.size() > 3);

        Migrator migrator(db, stage(dir, {{QStringLiteral("0001_notes.sql"), NotesV1},
                                          {QStringLiteral("0002_tags.sql"), second},
                                          {QStringLiteral("0003_more.sql"), third}}));
        auto run = migrator.up(dir + QStringLiteral("/backups"));
        QVERIFY(!run);
        const QString message = run.error().message;
        QVERIFY2(message.contains(failing), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("statement %1").arg(statement)), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("line %1").arg(line)), qPrintable(message));
        QVERIFY2(message.contains(sqliteError), qPrintable(message));

        QCOMPARE(dump(path), before);
        auto states = migrator.status();
        QVERIFY(states);
        QCOMPARE(states->size(), 3);
        QVERIFY(states->at(0).applied);
        QVERIFY(!states->at(1).applied);
        QVERIFY(!states->at(2).applied);

        // The connection is usable afterwards, and a fixed file applies.
        Migrator fixed(db, stage(dir, {{QStringLiteral("0001_notes.sql"), NotesV1},
                                       {QStringLiteral("0002_tags.sql"), Tags},
                                       {QStringLiteral("0003_more.sql"), More}}));
        auto retried = fixed.up(dir + QStringLiteral("/backups"));
        QVERIFY2(retried, failure(retried).constData());
        QCOMPARE(retried->applied, (QStringList{QStringLiteral("0002_tags"), QStringLiteral("0003_more")}));
        db.releaseThreadConnection();
    }

    void aMigrationCannotEndTheTransaction_data()
    {
        QTest::addColumn<QByteArray>("control");
        QTest::newRow("COMMIT") << QByteArray("COMMIT");
        QTest::newRow("END") << QByteArray("END TRANSACTION");
        QTest::newRow("ROLLBACK") << QByteArray("ROLLBACK");
        QTest::newRow("BEGIN") << QByteArray("BEGIN");
    }

    void aMigrationCannotEndTheTransaction()
    {
        // All pending migrations are one transaction; a migration file that commits or rolls
        // back in the middle would leave half of the run behind when a later statement fails.
        QFETCH(QByteArray, control);
        const QString dir = freshDir();
        const QString path = dir + QStringLiteral("/caiwu.sqlite");
        Database db(path);
        {
            Migrator first(db, stage(dir, {{QStringLiteral("0001_notes.sql"), NotesV1}}));
            QVERIFY(first.up(dir + QStringLiteral("/backups")));
        }
        const QStringList before = dump(path);

        Migrator migrator(db, stage(dir, {{QStringLiteral("0001_notes.sql"), NotesV1},
                                          {QStringLiteral("0002_tags.sql"), Tags},
                                          {QStringLiteral("0003_more.sql"),
                                           "CREATE TABLE more_things (x INTEGER);\n" + control
                                               + ";\nCREATE TABLE after_control (x);\nINSERT INTO missing VALUES (1);\n"}}));
        auto run = migrator.up(dir + QStringLiteral("/backups"));
        QVERIFY(!run);
        QCOMPARE(dump(path), before);
        QVERIFY2(run.error().message.contains(QLatin1String("0003_more")), failure(run).constData());
        QVERIFY2(run.error().message.contains(QLatin1String("statement 2")), failure(run).constData());

        // And the connection is not left inside a transaction.
        {
            auto conn = db.connection();
            QVERIFY(conn);
            QVERIFY(sqlite3_get_autocommit(Database::handle(*conn)));
        }
        db.releaseThreadConnection();
    }

    void aBrokenForeignKeyRollsTheRunBack()
    {
        const QString dir = freshDir();
        const QString path = dir + QStringLiteral("/caiwu.sqlite");
        Database db(path);
        {
            Migrator first(db, stage(dir, {{QStringLiteral("0001_accounts.sql"), Accounts}}));
            QVERIFY(first.up(dir + QStringLiteral("/backups")));
        }
        const QStringList before = dump(path);

        Migrator migrator(db, stage(dir, {{QStringLiteral("0001_accounts.sql"), Accounts},
                                          {QStringLiteral("0002_orphan.sql"),
                                           "CREATE TABLE notes (x);\n"
                                           "INSERT INTO cash_flows VALUES ('f2', 'no-such-account');\n"}}));
        auto run = migrator.up(dir + QStringLiteral("/backups"));
        QVERIFY(!run);
        QVERIFY2(run.error().message.contains(QLatin1String("foreign key")), failure(run).constData());
        QVERIFY2(run.error().message.contains(QLatin1String("cash_flows")), failure(run).constData());
        QVERIFY2(run.error().message.contains(QLatin1String("accounts")), failure(run).constData());
        QCOMPARE(dump(path), before);

        // The connection still enforces foreign keys after the failed run.
        verifyForeignKeysEnforced(db);
    }

    void aTableRebuildMayBreakReferencesBriefly()
    {
        // SQLite cannot ALTER a CHECK constraint: a table is rebuilt (create, copy, drop,
        // rename) while other tables point to it. That must work when the references hold again.
        const QString dir = freshDir();
        const QString path = dir + QStringLiteral("/caiwu.sqlite");
        Database db(path);
        {
            Migrator first(db, stage(dir, {{QStringLiteral("0001_accounts.sql"), Accounts}}));
            QVERIFY(first.up(dir + QStringLiteral("/backups")));
        }
        Migrator migrator(db, stage(dir, {{QStringLiteral("0001_accounts.sql"), Accounts},
                                          {QStringLiteral("0002_rebuild_accounts.sql"),
                                           "CREATE TABLE accounts_new (id TEXT PRIMARY KEY,\n"
                                           "  name TEXT NOT NULL CHECK (length(name) > 0));\n"
                                           "INSERT INTO accounts_new SELECT id, name FROM accounts;\n"
                                           "DROP TABLE accounts;\n"
                                           "ALTER TABLE accounts_new RENAME TO accounts;\n"}}));
        auto run = migrator.up(dir + QStringLiteral("/backups"));
        QVERIFY2(run, failure(run).constData());

        RawDb raw(path);
        QVERIFY(raw.scalar(QStringLiteral("SELECT sql FROM sqlite_schema WHERE name = 'accounts'")).toString().contains(QLatin1String("CHECK")));
        QCOMPARE(raw.column(QStringLiteral("SELECT account_id FROM cash_flows")), QStringList{QStringLiteral("cash")});
        QCOMPARE(raw.rows(QStringLiteral("PRAGMA foreign_key_check")), QList<QStringList>{});

        // Foreign keys are still enforced on the appliance's connection afterwards.
        verifyForeignKeysEnforced(db);
    }

    // --- applied migrations that changed or that this binary does not know --------------------

    void aChangedAppliedMigrationStopsStartup()
    {
        const QString dir = freshDir();
        const QString path = dir + QStringLiteral("/caiwu.sqlite");
        const QString backups = dir + QStringLiteral("/backups");
        Database db(path);
        const QList<Migration> original = stage(dir, {{QStringLiteral("0001_notes.sql"), NotesV1}});
        QVERIFY(Migrator(db, original).up(backups));
        const QStringList before = dump(path);

        const QList<Migration> edited =
            stage(dir, {{QStringLiteral("0001_notes.sql"), NotesV1 + "-- an innocent-looking comment\n"},
                        {QStringLiteral("0002_tags.sql"), Tags}});
        Migrator migrator(db, edited);

        auto verified = migrator.verify();
        QVERIFY(!verified);
        QVERIFY2(verified.error().message.contains(QLatin1String("0001_notes")), failure(verified).constData());
        QVERIFY2(verified.error().message.contains(QLatin1String("differs")), failure(verified).constData());
        QVERIFY2(verified.error().message.contains(QLatin1String("never change")), failure(verified).constData());

        auto run = migrator.up(backups);
        QVERIFY(!run);
        QCOMPARE(run.error().message, verified.error().message);
        QVERIFY(filesIn(backups).isEmpty());
        QCOMPARE(dump(path), before);

        auto states = migrator.status();
        QVERIFY(states);
        QCOMPARE(states->size(), 2);
        const MigrationStatus &s = states->at(0);
        QVERIFY(s.applied);
        QVERIFY(s.changed);
        QVERIFY(!s.unknown);
        QCOMPARE(s.appliedChecksum, original.first().checksum);
        QCOMPARE(s.checksum, edited.first().checksum);
        QVERIFY(!states->at(1).applied);
        QVERIFY(!states->at(1).changed);
        db.releaseThreadConnection();
    }

    void aMigrationUnknownToThisBinaryStopsStartup()
    {
        const QString dir = freshDir();
        const QString path = dir + QStringLiteral("/caiwu.sqlite");
        const QString backups = dir + QStringLiteral("/backups");
        Database db(path);
        const QList<Migration> newer = stage(dir, {{QStringLiteral("0001_notes.sql"), NotesV1}, {QStringLiteral("0002_tags.sql"), Tags}});
        QVERIFY(Migrator(db, newer).up(backups));
        const QStringList before = dump(path);

        Migrator older(db, stage(dir, {{QStringLiteral("0001_notes.sql"), NotesV1}}));
        auto verified = older.verify();
        QVERIFY(!verified);
        QVERIFY2(verified.error().message.contains(QLatin1String("newer Caiwu")), failure(verified).constData());
        QVERIFY2(verified.error().message.contains(QLatin1String("0002_tags")), failure(verified).constData());

        auto states = older.status();
        QVERIFY(states);
        QCOMPARE(states->size(), 2);
        QVERIFY(!states->at(0).unknown);
        const MigrationStatus &s = states->at(1);
        QCOMPARE(s.version, 2);
        QCOMPARE(s.name, QStringLiteral("0002_tags"));
        QVERIFY(s.unknown);
        QVERIFY(s.applied);
        QCOMPARE(s.appliedChecksum, newer.at(1).checksum);
        QVERIFY(s.appliedAt > 0);

        QVERIFY(!older.up(backups));
        QCOMPARE(dump(path), before);
        db.releaseThreadConnection();
    }

    // --- progress ----------------------------------------------------------------------------

    void progressIsReportedInOrder_data()
    {
        QTest::addColumn<bool>("firstAlreadyApplied");
        QTest::addColumn<QStringList>("expectedNames");
        QTest::newRow("fresh database")
            << false << QStringList{QStringLiteral("0001_notes"), QStringLiteral("0002_tags"), QStringLiteral("0003_more")};
        QTest::newRow("0001 applied") << true << QStringList{QStringLiteral("0002_tags"), QStringLiteral("0003_more")};
    }

    void progressIsReportedInOrder()
    {
        QFETCH(bool, firstAlreadyApplied);
        QFETCH(QStringList, expectedNames);
        const QString dir = freshDir();
        Database db(dir + QStringLiteral("/caiwu.sqlite"));
        const Files all{{QStringLiteral("0001_notes.sql"), NotesV1},
                        {QStringLiteral("0002_tags.sql"), Tags},
                        {QStringLiteral("0003_more.sql"), More}};
        if (firstAlreadyApplied)
            QVERIFY(Migrator(db, stage(dir, {all.first()})).up(dir + QStringLiteral("/backups")));

        struct Call {
            int done, total;
            QString name;
        };
        QList<Call> calls;
        Migrator migrator(db, stage(dir, all));
        auto run = migrator.up(dir + QStringLiteral("/backups"),
                               [&](int done, int total, const QString &name) { calls.append({done, total, name}); });
        QVERIFY2(run, failure(run).constData());
        QCOMPARE(run->applied, expectedNames);

        const int total = int(expectedNames.size());
        QCOMPARE(calls.size(), total + 1);
        for (int i = 0; i < total; ++i) {
            QCOMPARE(calls.at(i).done, i);
            QCOMPARE(calls.at(i).total, total);
            QCOMPARE(calls.at(i).name, expectedNames.at(i));
        }
        QCOMPARE(calls.last().done, total);
        QCOMPARE(calls.last().total, total);
        db.releaseThreadConnection();
    }

    // --- migration files ---------------------------------------------------------------------

    void fileNamesMustBeNumbered_data()
    {
        QTest::addColumn<QString>("fileName");
        QTest::addColumn<bool>("accepted");
        QTest::addColumn<int>("version");
        QTest::newRow("0001_x.sql") << QStringLiteral("0001_x.sql") << true << 1;
        QTest::newRow("0042_add_col_2.sql") << QStringLiteral("0042_add_col_2.sql") << true << 42;
        for (const char *bad : {"1_x.sql", "0001-x.sql", "0001_X.sql", "0001_.sql", "00001_x.sql", "0001_x.SQL",
                                "0001_x.txt", "0001_two words.sql", "x0001_x.sql", "0001_x.sql.bak", "abcd_x.sql"})
            QTest::newRow(bad) << QString::fromLatin1(bad) << false << 0;
    }

    void fileNamesMustBeNumbered()
    {
        QFETCH(QString, fileName);
        QFETCH(bool, accepted);
        QFETCH(int, version);
        const QByteArray sql = "CREATE TABLE t (x);\n";
        auto m = Migration::fromFile(fileName, sql);
        QCOMPARE(m.ok(), accepted);
        if (accepted) {
            QCOMPARE(m->version, version);
            QCOMPARE(m->name, fileName.chopped(4));
            QCOMPARE(m->sql, sql);
            QCOMPARE(m->checksum, sha256Hex(sql));
        } else {
            QVERIFY2(m.error().message.contains(fileName), failure(m).constData());
            QVERIFY2(m.error().message.contains(QLatin1String("NNNN_name.sql")), failure(m).constData());
        }
    }

    void aFolderIsLoadedInVersionOrder()
    {
        const QString dir = freshDir() + QStringLiteral("/migrations");
        auto loaded = stageMigrations(dir, {{QStringLiteral("0010_later.sql"), More},
                                            {QStringLiteral("0002_tags.sql"), Tags},
                                            {QStringLiteral("0001_notes.sql"), NotesV1}});
        QVERIFY2(loaded, failure(loaded).constData());
        QVERIFY(writeFile(dir + QStringLiteral("/README.md"), "not a migration\n"));
        loaded = Migration::fromDirectory(dir);
        QVERIFY2(loaded, failure(loaded).constData());
        QStringList names;
        for (const Migration &m : *loaded)
            names << m.name;
        QCOMPARE(names, (QStringList{QStringLiteral("0001_notes"), QStringLiteral("0002_tags"), QStringLiteral("0010_later")}));
        QCOMPARE(loaded->at(1).checksum, sha256Hex(Tags));
    }

    void aFolderWithTwoFilesOfOneVersionIsRefused()
    {
        const QString dir = freshDir() + QStringLiteral("/migrations");
        auto loaded = stageMigrations(dir, {{QStringLiteral("0001_notes.sql"), NotesV1},
                                            {QStringLiteral("0002_tags.sql"), Tags},
                                            {QStringLiteral("0002_labels.sql"), Tags}});
        QVERIFY(!loaded);
        QVERIFY2(loaded.error().message.contains(QLatin1String("0002_tags")), failure(loaded).constData());
        QVERIFY2(loaded.error().message.contains(QLatin1String("0002_labels")), failure(loaded).constData());
    }

    void aFolderWithABadlyNamedFileIsRefused()
    {
        const QString dir = freshDir() + QStringLiteral("/migrations");
        auto loaded = stageMigrations(dir, {{QStringLiteral("0001_notes.sql"), NotesV1}, {QStringLiteral("0002-tags.sql"), Tags}});
        QVERIFY(!loaded);
        QVERIFY2(loaded.error().message.contains(QLatin1String("0002-tags.sql")), failure(loaded).constData());
    }
};

QTEST_GUILESS_MAIN(MigratorTest)
#include "tst_migrator.moc"
