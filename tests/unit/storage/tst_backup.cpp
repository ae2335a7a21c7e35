// Backup: online copies with SQLite's backup API, checked before a restore, written so that
// the final name only ever holds a complete file.
#include "StorageTestSupport.h"

#include "storage/Backup.h"
#include "storage/Database.h"
#include "storage/Migrator.h"

#include <QDir>
#include <QFileInfo>
#include <QSemaphore>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <memory>

#include <sys/stat.h>

using namespace caiwu;
using namespace caiwu::test;

namespace {

const QByteArray NotesV1 = "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL);\n";
const QByteArray Tags = "CREATE TABLE tags (id INTEGER PRIMARY KEY, label TEXT NOT NULL);\n";

QStringList filesIn(const QString &dir)
{
    return QDir(dir).entryList(QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden, QDir::Name);
}

int fileMode(const QString &path)
{
    struct stat st {};
    return ::stat(QFile::encodeName(path).constData(), &st) == 0 ? int(st.st_mode & 07777) : -1;
}

QStringList notesOn(Database &db)
{
    QStringList texts;
    auto conn = db.connection();
    if (!conn)
        return {QStringLiteral("error: ") + conn.error().message};
    QSqlQuery query(*conn);
    if (!query.exec(QStringLiteral("SELECT text FROM notes ORDER BY id")))
        return {QStringLiteral("error: ") + query.lastError().text()};
    while (query.next())
        texts << query.value(0).toString();
    return texts;
}

bool execOn(Database &db, const QString &sql)
{
    auto conn = db.connection();
    return conn && QSqlQuery(*conn).exec(sql);
}

int highestEmbeddedVersion() { return Migration::embedded().last().version; }

} // namespace

class BackupTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_root;
    int m_serial = 0;
    QString m_goodBackup; // a backup of a migrated database with two notes

    QString freshDir()
    {
        const QString dir = m_root.filePath(QStringLiteral("case-%1").arg(++m_serial));
        QDir().mkpath(dir);
        return dir;
    }

    // A live database brought up to date by the embedded migrations, with a notes table.
    std::unique_ptr<Database> liveDatabase(const QString &dir, const QStringList &notes)
    {
        auto db = std::make_unique<Database>(dir + QStringLiteral("/caiwu.sqlite"));
        auto run = Migrator(*db).up(dir + QStringLiteral("/backups"));
        if (!run)
            qWarning("migration failed: %s", failure(run).constData());
        execOn(*db, QStringLiteral("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)"));
        for (const QString &text : notes)
            execOn(*db, QStringLiteral("INSERT INTO notes (text) VALUES ('%1')").arg(text));
        return db;
    }

    // A copy of the good backup, changed by `sql` run on a raw connection.
    QString variantOfGoodBackup(const QString &name, const QString &sql)
    {
        const QString path = freshDir() + QLatin1Char('/') + name;
        QFile::copy(m_goodBackup, path);
        QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner);
        if (!sql.isEmpty()) {
            RawDb raw(path);
            if (!raw.exec(sql))
                qWarning("cannot prepare %s: %s", qPrintable(name), qPrintable(raw.error()));
        }
        return path;
    }

    // The bad files inspect() and restore() must refuse, with what the refusal must say.
    void addBadFiles()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("expected");

        const QString dir = freshDir();
        const QString text = dir + QStringLiteral("/notes.txt");
        writeFile(text, "These are not the accounts you are looking for.\n");
        QTest::newRow("text file") << text << QStringLiteral("not an SQLite file");

        const QString empty = dir + QStringLiteral("/empty.sqlite");
        writeFile(empty, QByteArray());
        QTest::newRow("empty file") << empty << QStringLiteral("not an SQLite file");

        QTest::newRow("missing file") << dir + QStringLiteral("/nowhere.sqlite") << QStringLiteral("does not exist");
        QTest::newRow("a folder") << dir << QStringLiteral("not a file");

        const QString foreign = dir + QStringLiteral("/other-app.sqlite");
        {
            RawDb raw(foreign, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
            raw.exec(QStringLiteral("CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('Ann')"));
        }
        QTest::newRow("SQLite but not Caiwu") << foreign << QStringLiteral("not a Caiwu database");

        QTest::newRow("from a newer Caiwu")
            << variantOfGoodBackup(QStringLiteral("newer.sqlite"),
                                   QStringLiteral("INSERT INTO schema_migrations VALUES (9999, '9999_future', '%1', 0)")
                                       .arg(QString(64, QLatin1Char('a'))))
            << QStringLiteral("newer Caiwu");
        QTest::newRow("0001 checksum differs")
            << variantOfGoodBackup(QStringLiteral("changed.sqlite"),
                                   QStringLiteral("UPDATE schema_migrations SET checksum = '%1' WHERE version = 1")
                                       .arg(QString(64, QLatin1Char('0'))))
            << QStringLiteral("checksum mismatch");

        const QByteArray good = readFile(m_goodBackup);
        const QString truncated = dir + QStringLiteral("/truncated.sqlite");
        writeFile(truncated, good.left(good.size() / 2));
        QTest::newRow("truncated copy") << truncated << QStringLiteral("damaged");

        QByteArray scribbled = good;
        for (qsizetype i = 4096; i < scribbled.size() - 4096; i += 7)
            scribbled[i] = char(0xA5);
        const QString corrupted = dir + QStringLiteral("/corrupted.sqlite");
        writeFile(corrupted, scribbled);
        QTest::newRow("corrupted pages") << corrupted << QStringLiteral("damaged");
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_root.isValid());
        const QString dir = freshDir();
        auto db = liveDatabase(dir, {QStringLiteral("rent paid"), QStringLiteral("salary paid")});
        m_goodBackup = dir + QStringLiteral("/good-backup.sqlite");
        auto made = Backup::create(*db, m_goodBackup);
        QVERIFY2(made, failure(made).constData());
        db->releaseThreadConnection();
    }

    // --- create ------------------------------------------------------------------------------

    void createWhileAnotherThreadKeepsWriting()
    {
        const QString dir = freshDir();
        auto db = liveDatabase(dir, {});
        QVERIFY(execOn(*db, QStringLiteral("CREATE TABLE load (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)")));
        {
            // About 20 MB: the copy takes many steps of the backup API, and other commits land
            // between them.
            RawDb raw(db->path());
            QVERIFY(raw.exec(QStringLiteral("CREATE TABLE filler (b BLOB); BEGIN;"
                                            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)"
                                            " INSERT INTO filler SELECT randomblob(1000) FROM n; COMMIT")));
        }

        constexpr int Cap = 20000;
        std::atomic<qint64> lastCommitted{0};
        std::atomic<bool> stop{false};
        bool cappedOut = false;
        QString writerError;
        QSemaphore warmedUp;
        std::unique_ptr<QThread> writer(QThread::create([&] {
            {
                auto conn = db->connection();
                if (!conn) {
                    writerError = conn.error().message;
                    warmedUp.release();
                    return;
                }
                QSqlQuery insert(*conn);
                insert.prepare(QStringLiteral("INSERT INTO load (payload) VALUES (randomblob(200))"));
                for (int i = 1; !stop.load(); ++i) {
                    // One committed transaction per row, like the API's writes.
                    if (!conn->transaction() || !insert.exec() || !conn->commit()) {
                        writerError = insert.lastError().text() + conn->lastError().text();
                        break;
                    }
                    lastCommitted.store(insert.lastInsertId().toLongLong());
                    if (i == 20)
                        warmedUp.release();
                    if (i == Cap) {
                        cappedOut = true;
                        break;
                    }
                }
            }
            db->releaseThreadConnection();
        }));
        writer->start();
        warmedUp.acquire();

        const qint64 committedBefore = lastCommitted.load();
        const QString target = dir + QStringLiteral("/backups/nightly.sqlite");
        QList<int> progress;
        auto made = Backup::create(*db, target, [&](int percent) { progress << percent; });
        const qint64 committedWhenDone = lastCommitted.load();
        stop = true;
        writer->wait();

        QVERIFY2(writerError.isEmpty(), qPrintable(writerError));
        QVERIFY2(made, failure(made).constData());
        // A copy restarted by every commit would only finish once the writer gave up.
        QVERIFY2(!cappedOut, "the backup only finished once the writer had stopped");
        QVERIFY(committedBefore >= 20);
        QVERIFY2(committedWhenDone > committedBefore, "the writer was not running during the backup");

        // What the user gets: one complete, intact, self-contained file at the final name.
        QCOMPARE(made->path, QFileInfo(target).absoluteFilePath());
        QCOMPARE(made->sizeBytes, QFileInfo(target).size());
        QCOMPARE(made->schemaVersion, highestEmbeddedVersion());
        QCOMPARE(filesIn(dir + QStringLiteral("/backups")), QStringList{QStringLiteral("nightly.sqlite")});
        QCOMPARE(fileMode(target), 0600);

        const QString alone = freshDir() + QStringLiteral("/moved.sqlite");
        QVERIFY(QFile::copy(target, alone));
        RawDb copy(alone, SQLITE_OPEN_READONLY);
        QVERIFY(copy.isOpen());
        QCOMPARE(copy.column(QStringLiteral("PRAGMA quick_check")), QStringList{QStringLiteral("ok")});
        QCOMPARE(copy.scalar(QStringLiteral("PRAGMA journal_mode")).toString(), QStringLiteral("delete"));
        QCOMPARE(copy.scalar(QStringLiteral("SELECT count(*) FROM filler")).toString(), QStringLiteral("20000"));
        // Every row committed before the backup started is in it...
        QCOMPARE(copy.scalar(QStringLiteral("SELECT count(*) FROM load WHERE id <= %1").arg(committedBefore)).toLongLong(),
                 committedBefore);
        // ...and it is one consistent moment: rows were committed in id order, so no gaps.
        QCOMPARE(copy.scalar(QStringLiteral("SELECT count(*) = max(id) FROM load")).toString(), QStringLiteral("1"));
        QVERIFY(copy.scalar(QStringLiteral("SELECT max(id) FROM load")).toLongLong() <= committedWhenDone);

        QVERIFY(!progress.isEmpty());
        QCOMPARE(progress.last(), 100);
        for (int p : progress)
            QVERIFY(p >= 0 && p <= 100);

        auto inspected = Backup::inspect(target);
        QVERIFY2(inspected, failure(inspected).constData());
        db->releaseThreadConnection();
    }

    void createRefusesTheLiveDatabaseItself_data()
    {
        QTest::addColumn<QString>("spelling");
        QTest::newRow("same path") << QStringLiteral("%1/caiwu.sqlite");
        QTest::newRow("with ./") << QStringLiteral("%1/./caiwu.sqlite");
        QTest::newRow("with ../") << QStringLiteral("%1/backups/../caiwu.sqlite");
        QTest::newRow("doubled slash") << QStringLiteral("%1//caiwu.sqlite");
        QTest::newRow("through a symlinked folder") << QStringLiteral("%1/link/caiwu.sqlite");
    }

    void createRefusesTheLiveDatabaseItself()
    {
        QFETCH(QString, spelling);
        const QString dir = freshDir();
        auto db = liveDatabase(dir, {QStringLiteral("rent paid")});
        QDir().mkpath(dir + QStringLiteral("/backups"));
        QVERIFY(QFile::link(dir, dir + QStringLiteral("/link")));
        const QStringList before = dump(db->path());
        const QStringList filesBefore = filesIn(dir);

        auto made = Backup::create(*db, spelling.arg(dir));
        QVERIFY(!made);
        QVERIFY2(made.error().message.contains(QLatin1String("live database")), failure(made).constData());
        QCOMPARE(dump(db->path()), before);
        QCOMPARE(filesIn(dir), filesBefore);
        QCOMPARE(notesOn(*db), QStringList{QStringLiteral("rent paid")});
        db->releaseThreadConnection();
    }

    void createMakesTheTargetFolder()
    {
        const QString dir = freshDir();
        auto db = liveDatabase(dir, {QStringLiteral("rent paid")});
        const QString target = dir + QStringLiteral("/usb/caiwu/backup.sqlite");
        auto made = Backup::create(*db, target);
        QVERIFY2(made, failure(made).constData());
        QCOMPARE(RawDb(target, SQLITE_OPEN_READONLY).column(QStringLiteral("SELECT text FROM notes")),
                 QStringList{QStringLiteral("rent paid")});
        db->releaseThreadConnection();
    }

    void theFinalNameOnlyEverHoldsACompleteFile()
    {
        const QString dir = freshDir();
        auto db = liveDatabase(dir, {QStringLiteral("old")});
        {
            RawDb raw(db->path());
            QVERIFY(raw.exec(QStringLiteral("CREATE TABLE filler (b BLOB); BEGIN;"
                                            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)"
                                            " INSERT INTO filler SELECT randomblob(1000) FROM n; COMMIT")));
        }
        const QString target = dir + QStringLiteral("/backups/nightly.sqlite");
        QVERIFY(Backup::create(*db, target));
        QVERIFY(execOn(*db, QStringLiteral("UPDATE notes SET text = 'new'")));

        // While the new copy is being written, the old one stays whole under the final name.
        int calls = 0;
        QStringList seenAtTarget;
        QStringList quickChecks;
        bool partialSeen = false;
        QList<int> partialModes;
        auto made = Backup::create(*db, target, [&](int) {
            ++calls;
            partialSeen |= QFileInfo::exists(target + QStringLiteral(".partial"));
            // The copy holds salaries and password hashes: private from its first byte on.
            partialModes << fileMode(target + QStringLiteral(".partial"));
            RawDb old(target, SQLITE_OPEN_READONLY);
            seenAtTarget << old.column(QStringLiteral("SELECT text FROM notes"));
            quickChecks << old.column(QStringLiteral("PRAGMA quick_check"));
        });
        QVERIFY2(made, failure(made).constData());
        QVERIFY(calls > 0);
        QVERIFY(partialSeen);
        QCOMPARE(partialModes, QList<int>(calls, 0600));
        QCOMPARE(seenAtTarget, QStringList(calls, QStringLiteral("old")));
        QCOMPARE(quickChecks, QStringList(calls, QStringLiteral("ok")));
        QCOMPARE(RawDb(target, SQLITE_OPEN_READONLY).column(QStringLiteral("SELECT text FROM notes")), QStringList{QStringLiteral("new")});
        QCOMPARE(filesIn(dir + QStringLiteral("/backups")), QStringList{QStringLiteral("nightly.sqlite")});
        db->releaseThreadConnection();
    }

    void aFailedCreateLeavesNoPartialFile()
    {
        const QString dir = freshDir();
        auto db = liveDatabase(dir, {QStringLiteral("rent paid")});
        // The target name is taken by a folder: the copy cannot be renamed into place.
        const QString target = dir + QStringLiteral("/backups/nightly.sqlite");
        QVERIFY(QDir().mkpath(target));
        QVERIFY(writeFile(target + QStringLiteral("/keep.txt"), "mine\n"));

        auto made = Backup::create(*db, target);
        QVERIFY(!made);
        QVERIFY2(made.error().message.contains(target), failure(made).constData());
        QCOMPARE(filesIn(dir + QStringLiteral("/backups")), QStringList{QStringLiteral("nightly.sqlite")});
        QVERIFY(QFileInfo(target).isDir());
        QCOMPARE(readFile(target + QStringLiteral("/keep.txt")), QByteArray("mine\n"));
        QCOMPARE(notesOn(*db), QStringList{QStringLiteral("rent paid")});
        db->releaseThreadConnection();
    }

    // --- inspect -----------------------------------------------------------------------------

    void inspectAcceptsAGoodBackup()
    {
        auto info = Backup::inspect(m_goodBackup);
        QVERIFY2(info, failure(info).constData());
        QCOMPARE(info->schemaVersion, highestEmbeddedVersion());
        QCOMPARE(info->path, QFileInfo(m_goodBackup).absoluteFilePath());
        QCOMPARE(info->sizeBytes, QFileInfo(m_goodBackup).size());
    }

    void inspectAcceptsACopyOfTheStoppedLiveFile()
    {
        // An admin who stops Caiwu and copies the database file by hand gets a file whose header
        // still says WAL, without its -wal and -shm files.
        const QString dir = freshDir();
        QString livePath;
        {
            auto db = liveDatabase(dir, {QStringLiteral("rent paid")});
            livePath = db->path();
            db->releaseThreadConnection();
        }
        QVERIFY(!QFileInfo::exists(livePath + QStringLiteral("-wal")));
        const QString copy = freshDir() + QStringLiteral("/copied-by-hand.sqlite");
        QVERIFY(QFile::copy(livePath, copy));
        QCOMPARE(readFile(copy).mid(18, 2), QByteArray("\x02\x02", 2));

        auto info = Backup::inspect(copy);
        QVERIFY2(info, failure(info).constData());
        QCOMPARE(info->schemaVersion, highestEmbeddedVersion());

        // And it restores.
        auto db = liveDatabase(freshDir(), {QStringLiteral("other")});
        auto restored = Backup::restore(*db, copy, QFileInfo(db->path()).absolutePath() + QStringLiteral("/safety.sqlite"));
        QVERIFY2(restored, failure(restored).constData());
        QCOMPARE(notesOn(*db), QStringList{QStringLiteral("rent paid")});
        db->releaseThreadConnection();
    }

    void inspectReportsTheHighestAppliedVersion()
    {
        const QString dir = freshDir();
        auto staged = stageMigrations(dir + QStringLiteral("/migrations"),
                                      {{QStringLiteral("0001_notes.sql"), NotesV1}, {QStringLiteral("0007_tags.sql"), Tags}});
        QVERIFY2(staged, failure(staged).constData());
        Database db(dir + QStringLiteral("/caiwu.sqlite"));
        QVERIFY(Migrator(db, *staged).up(dir + QStringLiteral("/backups")));
        const QString target = dir + QStringLiteral("/copy.sqlite");
        auto made = Backup::create(db, target);
        QVERIFY2(made, failure(made).constData());
        QCOMPARE(made->schemaVersion, 7);

        auto info = Backup::inspect(target, *staged);
        QVERIFY2(info, failure(info).constData());
        QCOMPARE(info->schemaVersion, 7);

        // The same file against a binary that only knows 0001 is from a newer Caiwu.
        auto older = Backup::inspect(target, {staged->first()});
        QVERIFY(!older);
        QVERIFY2(older.error().message.contains(QLatin1String("newer Caiwu")), failure(older).constData());
        db.releaseThreadConnection();
    }

    void inspectRefusesWhatIsNotAUsableCaiwuDatabase_data() { addBadFiles(); }

    void inspectRefusesWhatIsNotAUsableCaiwuDatabase()
    {
        QFETCH(QString, file);
        QFETCH(QString, expected);
        const QByteArray bytesBefore = QFileInfo(file).isFile() ? readFile(file) : QByteArray();
        auto info = Backup::inspect(file);
        QVERIFY2(!info, "a bad file was accepted");
        QVERIFY2(info.error().message.contains(expected), failure(info).constData());
        QCOMPARE(info.error().status, 400);
        // Looking does not touch the file.
        if (QFileInfo(file).isFile())
            QCOMPARE(readFile(file), bytesBefore);
    }

    // --- restore -----------------------------------------------------------------------------

    void restoreBringsBackTheBackedUpRows()
    {
        const QString dir = freshDir();
        auto db = liveDatabase(dir, {QStringLiteral("rent paid"), QStringLiteral("salary paid")});

        // A request thread whose connection is open before the restore and stays open.
        WorkerThread requests;
        QStringList seenByRequests;
        requests.run([&] { seenByRequests = notesOn(*db); });
        QCOMPARE(seenByRequests, (QStringList{QStringLiteral("rent paid"), QStringLiteral("salary paid")}));

        const QString backup = dir + QStringLiteral("/backups/before-changes.sqlite");
        QVERIFY(Backup::create(*db, backup));

        QVERIFY(execOn(*db, QStringLiteral("DELETE FROM notes WHERE text = 'rent paid'")));
        QVERIFY(execOn(*db, QStringLiteral("UPDATE notes SET text = 'salary paid twice'")));
        QVERIFY(execOn(*db, QStringLiteral("INSERT INTO notes (text) VALUES ('tax paid')")));
        const QStringList changed{QStringLiteral("salary paid twice"), QStringLiteral("tax paid")};
        requests.run([&] { seenByRequests = notesOn(*db); });
        QCOMPARE(seenByRequests, changed);

        const QString safety = dir + QStringLiteral("/backups/before-restore.sqlite");
        QList<int> progress;
        auto restored = Backup::restore(*db, backup, safety, Migration::embedded(), [&](int p) { progress << p; });
        QVERIFY2(restored, failure(restored).constData());
        QCOMPARE(restored->schemaVersion, highestEmbeddedVersion());
        QVERIFY(!progress.isEmpty());
        QCOMPARE(progress.last(), 100);

        const QStringList original{QStringLiteral("rent paid"), QStringLiteral("salary paid")};
        QCOMPARE(notesOn(*db), original);
        requests.run([&] { seenByRequests = notesOn(*db); });
        QCOMPARE(seenByRequests, original);
        {
            Database reopened(db->path()); // as after a restart
            QCOMPARE(notesOn(reopened), original);
            reopened.releaseThreadConnection();
        }

        // The live database is still the appliance's: WAL, intact, writable.
        {
            RawDb raw(db->path());
            QCOMPARE(raw.scalar(QStringLiteral("PRAGMA journal_mode")).toString(), QStringLiteral("wal"));
            QCOMPARE(raw.column(QStringLiteral("PRAGMA integrity_check")), QStringList{QStringLiteral("ok")});
        }
        requests.run([&] {
            execOn(*db, QStringLiteral("INSERT INTO notes (text) VALUES ('after restore')"));
            seenByRequests = notesOn(*db);
            db->releaseThreadConnection();
        });
        QCOMPARE(seenByRequests, original + QStringList{QStringLiteral("after restore")});
        QCOMPARE(notesOn(*db), original + QStringList{QStringLiteral("after restore")});

        // The state before the restore is kept, so the restore can itself be undone.
        QVERIFY(QFileInfo(safety).isFile());
        QCOMPARE(RawDb(safety, SQLITE_OPEN_READONLY).column(QStringLiteral("SELECT text FROM notes ORDER BY id")), changed);
        QVERIFY2(Backup::inspect(safety), failure(Backup::inspect(safety)).constData());
        db->releaseThreadConnection();
    }

    void restoreRefusesABadFileAndChangesNothing_data() { addBadFiles(); }

    void restoreRefusesABadFileAndChangesNothing()
    {
        QFETCH(QString, file);
        QFETCH(QString, expected);
        const QString dir = freshDir();
        auto db = liveDatabase(dir, {QStringLiteral("rent paid")});
        QDir().mkpath(dir + QStringLiteral("/safety"));
        const QString safety = dir + QStringLiteral("/safety/before-restore.sqlite");
        const QStringList before = dump(db->path());

        auto restored = Backup::restore(*db, file, safety);
        QVERIFY2(!restored, "a bad file was restored");
        QVERIFY2(restored.error().message.contains(expected), failure(restored).constData());
        QCOMPARE(dump(db->path()), before);
        QCOMPARE(notesOn(*db), QStringList{QStringLiteral("rent paid")});
        QCOMPARE(filesIn(dir + QStringLiteral("/safety")), QStringList{});
        db->releaseThreadConnection();
    }
};

QTEST_GUILESS_MAIN(BackupTest)
#include "tst_backup.moc"
