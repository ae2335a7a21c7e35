// Database: one SQLite file, a connection per thread, each opened with the same pragmas.
#include "StorageTestSupport.h"

#include "storage/Database.h"

#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRandomGenerator>
#include <QSemaphore>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <cstdio>

using namespace caiwu;
using namespace caiwu::test;

namespace {

// One value read on this thread's connection of `db`; "error: ..." if that failed.
QString queryValue(Database &db, const QString &sql)
{
    auto conn = db.connection();
    if (!conn)
        return QStringLiteral("error: ") + conn.error().message;
    QSqlQuery query(*conn);
    if (!query.exec(sql) || !query.next())
        return QStringLiteral("error: ") + query.lastError().text();
    return query.value(0).toString();
}

bool execOn(Database &db, const QString &sql, QString *error = nullptr)
{
    auto conn = db.connection();
    if (!conn) {
        if (error)
            *error = conn.error().message;
        return false;
    }
    QSqlQuery query(*conn);
    const bool ok = query.exec(sql);
    if (!ok && error)
        *error = query.lastError().text();
    return ok;
}

QStringList caiwuConnectionNames()
{
    QStringList names = QSqlDatabase::connectionNames();
    names.removeIf([](const QString &n) { return !n.startsWith(QLatin1String("caiwu-")); });
    return names;
}

// A minimal valid SQLite file (not in WAL mode) written by the test's own connection.
void makePlainDatabase(const QString &path)
{
    RawDb raw(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    QVERIFY2(raw.exec(QStringLiteral("CREATE TABLE t(x); INSERT INTO t VALUES (1)")),
             qPrintable(raw.error()));
}

} // namespace

class DatabaseTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_root.isValid()); }

    void everyConnectionHasTheAppliancePragmas_data()
    {
        QTest::addColumn<QString>("pragma");
        QTest::addColumn<QString>("expected");
        QTest::newRow("journal_mode=wal") << QStringLiteral("journal_mode") << QStringLiteral("wal");
        QTest::newRow("synchronous=FULL") << QStringLiteral("synchronous") << QStringLiteral("2");
        QTest::newRow("foreign_keys on") << QStringLiteral("foreign_keys") << QStringLiteral("1");
        QTest::newRow("busy_timeout 5 s") << QStringLiteral("busy_timeout") << QString::number(Database::BusyTimeoutMs);
    }

    void everyConnectionHasTheAppliancePragmas()
    {
        QFETCH(QString, pragma);
        QFETCH(QString, expected);
        QCOMPARE(Database::BusyTimeoutMs, 5000);
        Database db(m_root.filePath(QStringLiteral("pragmas.sqlite")));
        const QString sql = QStringLiteral("PRAGMA ") + pragma;

        QCOMPARE(queryValue(db, sql), expected);

        QString onWorker;
        runOnThread([&] {
            onWorker = queryValue(db, sql);
            db.releaseThreadConnection();
        });
        QCOMPARE(onWorker, expected);

        // The health check's ping changes the busy timeout for itself only.
        QVERIFY(db.ping(2000));
        QCOMPARE(queryValue(db, sql), expected);
        db.releaseThreadConnection();
    }

    void eachThreadHasItsOwnConnection()
    {
        Database db(m_root.filePath(QStringLiteral("threads.sqlite")));
        sqlite3 *mainHandle = nullptr;
        {
            auto mine = db.connection();
            QVERIFY2(mine, failure(mine).constData());
            mainHandle = Database::handle(*mine);
        }
        QVERIFY(mainHandle);
        // The same thread asking again gets the same connection.
        QCOMPARE(Database::handle(*db.connection()), mainHandle);

        // Both workers are alive at once, so neither can inherit the other's thread id.
        QSemaphore opened, finish;
        sqlite3 *handles[2] = {nullptr, nullptr};
        auto worker = [&](int i) {
            return QThread::create([&, i] {
                if (auto conn = db.connection())
                    handles[i] = Database::handle(*conn);
                opened.release();
                finish.acquire();
                db.releaseThreadConnection();
            });
        };
        std::unique_ptr<QThread> a(worker(0)), b(worker(1));
        a->start();
        b->start();
        opened.acquire(2);
        finish.release(2);
        a->wait();
        b->wait();

        QVERIFY(handles[0]);
        QVERIFY(handles[1]);
        QVERIFY(handles[0] != handles[1]);
        QVERIFY(handles[0] != mainHandle);
        QVERIFY(handles[1] != mainHandle);
        db.releaseThreadConnection();
    }

    void releaseThreadConnectionClosesIt()
    {
        const QString path = m_root.filePath(QStringLiteral("release.sqlite"));
        Database db(path);
        const QStringList before = caiwuConnectionNames();
        QStringList whileOpen, afterRelease;
        bool walWhileOpen = false, wrote = false, pinged = false;
        runOnThread([&] {
            wrote = execOn(db, QStringLiteral("CREATE TABLE t(x)")) && execOn(db, QStringLiteral("INSERT INTO t VALUES (1)"));
            pinged = db.ping(2000).ok();
            whileOpen = caiwuConnectionNames();
            walWhileOpen = QFileInfo::exists(path + QStringLiteral("-wal"));
            db.releaseThreadConnection();
            afterRelease = caiwuConnectionNames();
        });
        QVERIFY(wrote);
        QVERIFY(pinged);
        QCOMPARE(whileOpen.size(), before.size() + 1);
        QCOMPARE(afterRelease, before);
        // Closing the last connection checkpoints the WAL and removes it: the file was really closed.
        QVERIFY(walWhileOpen);
        QVERIFY(!QFileInfo::exists(path + QStringLiteral("-wal")));
        QCOMPARE(RawDb(path).scalar(QStringLiteral("SELECT count(*) FROM t")).toString(), QStringLiteral("1"));

        // Releasing twice, or without a connection, is harmless; the next use opens a new one.
        db.releaseThreadConnection();
        db.releaseThreadConnection();
        QCOMPARE(queryValue(db, QStringLiteral("PRAGMA foreign_keys")), QStringLiteral("1"));
        QCOMPARE(queryValue(db, QStringLiteral("SELECT count(*) FROM t")), QStringLiteral("1"));
        db.releaseThreadConnection();
    }

    void aThreadThatForgotToReleaseDoesNotBreakTheNextOne()
    {
        // Thread ids are reused once a thread has ended; a later thread must still get a
        // working connection of its own.
        Database db(m_root.filePath(QStringLiteral("forgot.sqlite")));
        QVERIFY(execOn(db, QStringLiteral("CREATE TABLE t(x)")));
        for (int i = 0; i < 5; ++i) {
            QString value, error;
            runOnThread([&] {
                if (!execOn(db, QStringLiteral("INSERT INTO t VALUES (%1)").arg(i), &error))
                    return;
                value = queryValue(db, QStringLiteral("SELECT count(*) FROM t"));
                // no releaseThreadConnection(): the thread forgets it
            });
            QVERIFY2(error.isEmpty(), qPrintable(error));
            QCOMPARE(value, QString::number(i + 1));
        }
        db.releaseThreadConnection();
    }

    void aWriteCommittedOnOneThreadIsSeenOnAnother()
    {
        Database db(m_root.filePath(QStringLiteral("visible.sqlite")));
        QVERIFY(execOn(db, QStringLiteral("CREATE TABLE notes(id INTEGER PRIMARY KEY, text TEXT NOT NULL)")));
        // The main thread's connection is already open and has read before the write.
        QCOMPARE(queryValue(db, QStringLiteral("SELECT count(*) FROM notes")), QStringLiteral("0"));

        QString error;
        runOnThread([&] {
            {
                auto conn = db.connection();
                if (!conn) {
                    error = conn.error().message;
                    return;
                }
                conn->transaction();
                QSqlQuery insert(*conn);
                insert.prepare(QStringLiteral("INSERT INTO notes(text) VALUES (?)"));
                for (const char *text : {"rent paid", "salary paid"}) {
                    insert.addBindValue(QString::fromLatin1(text));
                    if (!insert.exec())
                        error = insert.lastError().text();
                }
                if (!conn->commit())
                    error = conn->lastError().text();
            }
            db.releaseThreadConnection();
        });
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(queryValue(db, QStringLiteral("SELECT group_concat(text, ',') FROM (SELECT text FROM notes ORDER BY id)")),
                 QStringLiteral("rent paid,salary paid"));

        // And the other way round: the main thread writes, a new thread reads.
        QVERIFY(execOn(db, QStringLiteral("INSERT INTO notes(text) VALUES ('tax paid')")));
        QString seen;
        runOnThread([&] {
            seen = queryValue(db, QStringLiteral("SELECT count(*) FROM notes"));
            db.releaseThreadConnection();
        });
        QCOMPARE(seen, QStringLiteral("3"));
        db.releaseThreadConnection();
    }

    void pingReturnsASmallPositiveLatency()
    {
        Database db(m_root.filePath(QStringLiteral("ping.sqlite")));
        for (int i = 0; i < 3; ++i) {
            auto latency = db.ping(2000);
            QVERIFY2(latency, failure(latency).constData());
            QVERIFY(*latency > 0);
            QVERIFY(*latency < 2000 * 1000); // microseconds, within the timeout asked for
        }
        // A ping on another thread works alongside, with its own connection.
        bool workerOk = false;
        runOnThread([&] {
            workerOk = db.ping(2000).ok();
            db.releaseThreadConnection();
        });
        QVERIFY(workerOk);
        QVERIFY(db.ping(2000));
        db.releaseThreadConnection();
    }

    void checkReadableOnAGoodFile()
    {
        const QString path = m_root.filePath(QStringLiteral("readable.sqlite"));
        Database db(path);
        QVERIFY(execOn(db, QStringLiteral("CREATE TABLE t(x)")));
        auto readable = db.checkReadable();
        QVERIFY2(readable, failure(readable).constData());
        db.releaseThreadConnection();
    }

    void checkReadableKeepsSqlitesLocks()
    {
        // Regression: checkReadable() once opened and closed the file itself. Closing any
        // descriptor of a file drops all of this process's POSIX locks on it, so another
        // process closing its connection could delete our WAL while we kept writing to it,
        // and those writes were lost to everyone else.
        const QString path = m_root.filePath(QStringLiteral("locks.sqlite"));
        Database db(path);
        QVERIFY(execOn(db, QStringLiteral("CREATE TABLE t(x)")));
        QVERIFY(execOn(db, QStringLiteral("INSERT INTO t VALUES (1)")));
        QVERIFY(db.checkReadable());
        const auto othersSee = [&path] {
            QProcess sqlite;
            sqlite.start(QStringLiteral("sqlite3"), {path, QStringLiteral("SELECT count(*) FROM t")});
            sqlite.waitForFinished(30000);
            return sqlite.readAllStandardOutput().trimmed().toInt();
        };
        QCOMPARE(othersSee(), 1); // that process closes its connection when it exits
        QVERIFY(execOn(db, QStringLiteral("INSERT INTO t VALUES (2)")));
        QVERIFY(db.checkReadable());
        QCOMPARE(othersSee(), 2);
        QVERIFY(execOn(db, QStringLiteral("INSERT INTO t VALUES (3)")));
        QCOMPARE(othersSee(), 3);
        db.releaseThreadConnection();
    }

    void checkReadableFailsClearlyOnGarbage()
    {
        const QString path = m_root.filePath(QStringLiteral("garbage.sqlite"));
        {
            Database good(path);
            QVERIFY(execOn(good, QStringLiteral("CREATE TABLE t(x)")));
            QVERIFY(execOn(good, QStringLiteral("INSERT INTO t VALUES (1)")));
            good.releaseThreadConnection();
        }
        QByteArray noise(64 * 1024, Qt::Uninitialized);
        QRandomGenerator rng(42);
        rng.fillRange(reinterpret_cast<quint32 *>(noise.data()), noise.size() / 4);
        QVERIFY(writeFile(path, noise));

        Database db(path);
        for (int attempt = 0; attempt < 2; ++attempt) {
            auto readable = db.checkReadable();
            QVERIFY2(!readable, "a file of random bytes was reported readable");
            QVERIFY2(readable.error().message.contains(QLatin1String("not a database")), failure(readable).constData());
            QVERIFY2(readable.error().message.contains(path), failure(readable).constData());
            QCOMPARE(readable.error().status, 503);
            // The cheaper health check must not claim the database is fine either.
            auto ping = db.ping(2000);
            QVERIFY2(!ping, "ping succeeded on a file of random bytes");
        }
        db.releaseThreadConnection();
    }

    void checkReadableNoticesAFileDamagedUnderAnOpenConnection_data()
    {
        QTest::addColumn<QString>("damage");
        QTest::addColumn<QString>("expected");
        QTest::newRow("overwritten in place") << QStringLiteral("overwrite") << QStringLiteral("not a database");
        QTest::newRow("replaced by another file") << QStringLiteral("replace") << QStringLiteral("was replaced while open");
        QTest::newRow("deleted") << QStringLiteral("delete") << QStringLiteral("is gone");
    }

    void checkReadableNoticesAFileDamagedUnderAnOpenConnection()
    {
        // The health monitor's connection stays open for days; the check must still look at
        // what is on disk now.
        QFETCH(QString, damage);
        QFETCH(QString, expected);
        const QString path = m_root.filePath(QStringLiteral("damaged-%1.sqlite").arg(damage));
        Database db(path);
        QVERIFY(execOn(db, QStringLiteral("CREATE TABLE t(x)")));
        QVERIFY(execOn(db, QStringLiteral("INSERT INTO t VALUES (1)")));
        QVERIFY(db.checkReadable());

        QByteArray noise(QFileInfo(path).size(), Qt::Uninitialized);
        QRandomGenerator rng(7);
        rng.fillRange(reinterpret_cast<quint32 *>(noise.data()), noise.size() / 4);
        if (damage == QLatin1String("overwrite")) {
            QFile file(path);
            QVERIFY(file.open(QIODevice::ReadWrite));
            QCOMPARE(file.write(noise), noise.size());
        } else if (damage == QLatin1String("replace")) {
            QVERIFY(writeFile(path + QStringLiteral(".new"), noise));
            QVERIFY(::rename(QFile::encodeName(path + QStringLiteral(".new")).constData(), QFile::encodeName(path).constData()) == 0);
        } else {
            for (const char *suffix : {"", "-wal", "-shm"})
                QFile::remove(path + QLatin1String(suffix));
        }

        auto readable = db.checkReadable();
        QVERIFY2(!readable, "a damaged file was reported readable");
        QVERIFY2(readable.error().message.contains(expected), failure(readable).constData());
        QVERIFY2(readable.error().message.contains(path), failure(readable).constData());
        db.releaseThreadConnection();
    }

    void aConnectionThatFailedToConfigureIsNotKept()
    {
        // An unreadable file, then the admin puts a good one back: the next connection must
        // carry the pragmas, not be the half-opened one from before.
        const QString path = m_root.filePath(QStringLiteral("replaced.sqlite"));
        QVERIFY(writeFile(path, QByteArray(8192, 'x')));
        Database db(path);
        QVERIFY(!db.connection());

        QVERIFY(QFile::remove(path));
        makePlainDatabase(path);
        QCOMPARE(queryValue(db, QStringLiteral("PRAGMA foreign_keys")), QStringLiteral("1"));
        QCOMPARE(queryValue(db, QStringLiteral("PRAGMA journal_mode")), QStringLiteral("wal"));
        QCOMPARE(queryValue(db, QStringLiteral("PRAGMA synchronous")), QStringLiteral("2"));
        QCOMPARE(queryValue(db, QStringLiteral("SELECT count(*) FROM t")), QStringLiteral("1"));
        db.releaseThreadConnection();
    }

    void aForeignKeyViolationIsRefused_data()
    {
        QTest::addColumn<bool>("onWorker");
        QTest::newRow("main thread") << false;
        QTest::newRow("worker thread") << true;
    }

    void aForeignKeyViolationIsRefused()
    {
        QFETCH(bool, onWorker);
        const QString path = m_root.filePath(QStringLiteral("fk-%1.sqlite").arg(onWorker));
        Database db(path);
        QVERIFY(execOn(db, QStringLiteral("CREATE TABLE accounts(id TEXT PRIMARY KEY)")));
        QVERIFY(execOn(db, QStringLiteral("CREATE TABLE cash_flows(id TEXT PRIMARY KEY, account_id TEXT NOT NULL REFERENCES accounts(id))")));
        QVERIFY(execOn(db, QStringLiteral("INSERT INTO accounts VALUES ('cash')")));

        bool goodOk = false, badOk = true, deleteOk = true;
        QString badError;
        auto attempt = [&] {
            goodOk = execOn(db, QStringLiteral("INSERT INTO cash_flows VALUES ('f1', 'cash')"));
            badOk = execOn(db, QStringLiteral("INSERT INTO cash_flows VALUES ('f2', 'no-such-account')"), &badError);
            // Deleting a parent still referenced is refused too.
            deleteOk = execOn(db, QStringLiteral("DELETE FROM accounts WHERE id = 'cash'"));
            db.releaseThreadConnection();
        };
        if (onWorker)
            runOnThread(attempt);
        else
            attempt();

        QVERIFY(goodOk);
        QVERIFY(!badOk);
        QVERIFY2(badError.contains(QLatin1String("FOREIGN KEY constraint failed")), qPrintable(badError));
        QVERIFY(!deleteOk);
        RawDb raw(path);
        QCOMPARE(raw.column(QStringLiteral("SELECT id FROM cash_flows ORDER BY id")), QStringList{QStringLiteral("f1")});
        QCOMPARE(raw.column(QStringLiteral("SELECT id FROM accounts")), QStringList{QStringLiteral("cash")});
    }

private:
    QTemporaryDir m_root;
};

QTEST_GUILESS_MAIN(DatabaseTest)
#include "tst_database.moc"
