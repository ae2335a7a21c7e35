// The admin's command line, run as a process the way an admin or a script runs it.
#include "support/TestServer.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using Run = CommandRun;

class CliTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QProcessEnvironment m_env;

    QString data() const { return m_dir.path() + QStringLiteral("/data"); }
    QString configFile() const { return m_dir.path() + QStringLiteral("/caiwu.conf"); }

    Run caiwu(const QStringList &args, const QByteArray &input = {}, bool withDataDir = true)
    {
        const QStringList folders{QStringLiteral("--data-dir"), data(), QStringLiteral("--config"), configFile()};
        return runCaiwu(m_env, withDataDir ? args + folders : args, input);
    }

    void execSql(const QString &file, const QString &sql)
    {
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("cli"));
            db.setDatabaseName(file);
            QVERIFY(db.open());
            QSqlQuery query(db);
            QVERIFY2(query.exec(sql), qPrintable(sql));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("cli"));
    }

    int countRows(const QString &file, const QString &sql)
    {
        int n = -1;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("cli"));
            db.setDatabaseName(file);
            db.open();
            QSqlQuery query(db);
            if (query.exec(sql) && query.next())
                n = query.value(0).toInt();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("cli"));
        return n;
    }

private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        QDir(data()).removeRecursively();
        QFile::remove(configFile());
        m_env = QProcessEnvironment::systemEnvironment();
        m_env.insert(QStringLiteral("HOME"), m_dir.path() + QStringLiteral("/home"));
        m_env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.path() + QStringLiteral("/home/.config"));
        m_env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.path() + QStringLiteral("/home/.local/share"));
        m_env.remove(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"));
        m_env.remove(QStringLiteral("QT_QPA_PLATFORM"));
        m_env.insert(QStringLiteral("CAIWU_SECRETS_BACKEND"), QStringLiteral("systemd-creds"));
    }

    void version()
    {
        const Run run = caiwu({QStringLiteral("--version")}, {}, false);
        QCOMPARE(run.code, 0);
        QCOMPARE(run.out.trimmed(), QByteArray("caiwu " CAIWU_VERSION));
    }

    void unknownCommandIsUsageError()
    {
        const Run run = caiwu({QStringLiteral("frobnicate")});
        QCOMPARE(run.code, 2);
        QVERIFY(run.err.contains("unknown command"));
        QCOMPARE(caiwu({QStringLiteral("backup")}).code, 2);
        QVERIFY(caiwu({QStringLiteral("migrate"), QStringLiteral("status"), QStringLiteral("--api-port"), QStringLiteral("1")})
                    .err.contains("only applies to 'serve'"));
    }

    void configSetGetAndList()
    {
        Run run = caiwu({QStringLiteral("config"), QStringLiteral("set"), QStringLiteral("api.port"), QStringLiteral("9090")});
        QCOMPARE(run.code, 0);
        QVERIFY(run.out.contains("api.port = 9090"));
        QCOMPARE(caiwu({QStringLiteral("config"), QStringLiteral("get"), QStringLiteral("api.port")}).out.trimmed(), QByteArray("9090"));
        QCOMPARE(caiwu({QStringLiteral("config"), QStringLiteral("set"), QStringLiteral("http.max_body_bytes"), QStringLiteral("20M")}).code, 0);
        QCOMPARE(caiwu({QStringLiteral("config"), QStringLiteral("get"), QStringLiteral("http.max_body_bytes")}).out.trimmed(),
                 QByteArray("20971520"));
        // The environment wins over the file, and `list` says where each value came from.
        m_env.insert(QStringLiteral("CAIWU_API_PORT"), QStringLiteral("7070"));
        QCOMPARE(caiwu({QStringLiteral("config"), QStringLiteral("get"), QStringLiteral("api.port")}).out.trimmed(), QByteArray("7070"));
        const Run list = caiwu({QStringLiteral("config"), QStringLiteral("list")});
        QCOMPARE(list.code, 0);
        QVERIFY(list.out.contains("api.port = 7070  [environment]"));
        QVERIFY(list.out.contains("http.max_body_bytes = 20971520  [file]"));
        QVERIFY(list.out.contains("mail.port = 8788  [default]"));
        QFile file(configFile());
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray stored = file.readAll();
        QVERIFY(stored.contains("[api]") && stored.contains("port=9090"));
    }

    void configRefusesBadKeysAndValuesNamingThem_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");
        QTest::newRow("unknown key") << QStringLiteral("api.prot") << QStringLiteral("1");
        QTest::newRow("port too big") << QStringLiteral("api.port") << QStringLiteral("70000");
        QTest::newRow("port not a number") << QStringLiteral("api.port") << QStringLiteral("eighty");
        QTest::newRow("bad address") << QStringLiteral("api.listen") << QStringLiteral("my-server");
        QTest::newRow("bad url") << QStringLiteral("public.base_url") << QStringLiteral("ftp://x");
        QTest::newRow("bad choice") << QStringLiteral("secrets.backend") << QStringLiteral("file");
        QTest::newRow("relative data dir") << QStringLiteral("data.dir") << QStringLiteral("data");
    }

    void configRefusesBadKeysAndValuesNamingThem()
    {
        QFETCH(QString, key);
        QFETCH(QString, value);
        QCOMPARE(caiwu({QStringLiteral("config"), QStringLiteral("set"), QStringLiteral("api.threads"), QStringLiteral("2")}).code, 0);
        QFile before(configFile());
        QVERIFY(before.open(QIODevice::ReadOnly));
        const QByteArray original = before.readAll();
        before.close();
        const Run run = caiwu({QStringLiteral("config"), QStringLiteral("set"), key, value});
        QCOMPARE(run.code, 2);
        QVERIFY2(run.err.contains(key.toUtf8()), run.err.constData());
        QFile after(configFile());
        QVERIFY(after.open(QIODevice::ReadOnly));
        QCOMPARE(after.readAll(), original); // nothing half-written
        QCOMPARE(caiwu({QStringLiteral("config"), QStringLiteral("get"), key}).code, key == QLatin1String("api.prot") ? 2 : 0);
    }

    void aBrokenConfigFileStopsStartupNamingTheKey()
    {
        QFile file(configFile());
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("[api]\nport=hello\n");
        file.close();
        const Run run = caiwu({QStringLiteral("migrate"), QStringLiteral("status")});
        QCOMPARE(run.code, 2);
        QVERIFY(run.err.contains("api.port") && run.err.contains(configFile().toUtf8()));
    }

    void migrateStatusAndUp()
    {
        Run status = caiwu({QStringLiteral("migrate"), QStringLiteral("status")});
        QCOMPARE(status.code, 0);
        QVERIFY(status.out.contains("0001_initial"));
        QVERIFY(status.out.contains("pending"));
        QVERIFY(status.out.contains("sha256:"));
        Run up = caiwu({QStringLiteral("migrate"), QStringLiteral("up")});
        QCOMPARE(up.code, 0);
        QVERIFY(up.out.contains("applying 0001_initial"));
        QVERIFY(!up.out.contains("backup written")); // an empty database has nothing to lose
        status = caiwu({QStringLiteral("migrate"), QStringLiteral("status")});
        QVERIFY(status.out.contains("applied 20"));
        QVERIFY(status.out.contains("0 pending"));
        QVERIFY(caiwu({QStringLiteral("migrate"), QStringLiteral("up")}).out.contains("nothing to apply"));
    }

    void changedMigrationStopsStartup()
    {
        QCOMPARE(caiwu({QStringLiteral("migrate"), QStringLiteral("up")}).code, 0);
        execSql(data() + QStringLiteral("/caiwu.sqlite"),
                QStringLiteral("UPDATE schema_migrations SET checksum = 'deadbeef' WHERE version = 1"));
        const Run status = caiwu({QStringLiteral("migrate"), QStringLiteral("status")});
        QVERIFY(status.out.contains("CHANGED"));
        TestServer server;
        server.startCaiwu({QStringLiteral("--data-dir"), data()});
        QCOMPARE(server.waitForExit(), 1);
        QVERIFY2(server.output().contains("0001_initial") && server.output().contains("differs"), server.output().constData());
    }

    void backupAndRestore()
    {
        QCOMPARE(caiwu({QStringLiteral("migrate"), QStringLiteral("up")}).code, 0);
        const QString db = data() + QStringLiteral("/caiwu.sqlite");
        execSql(db, QStringLiteral("INSERT INTO vendors (id, name, active, created_at, updated_at) VALUES ('v1', '甲供应商', 1, 1, 1)"));
        const QString backupFile = m_dir.path() + QStringLiteral("/office.sqlite");
        Run backup = caiwu({QStringLiteral("backup"), backupFile});
        QCOMPARE(backup.code, 0);
        QVERIFY2(QRegularExpression(QStringLiteral("schema version [1-9]")).match(QString::fromUtf8(backup.out)).hasMatch(), backup.out.constData());
        execSql(db, QStringLiteral("DELETE FROM vendors"));
        QCOMPARE(countRows(db, QStringLiteral("SELECT count(*) FROM vendors")), 0);

        Run restore = caiwu({QStringLiteral("restore"), backupFile});
        QCOMPARE(restore.code, 0);
        QCOMPARE(countRows(db, QStringLiteral("SELECT count(*) FROM vendors WHERE name = '甲供应商'")), 1);
        // The database it replaced was kept, so the restore itself can be undone.
        const QStringList saved = QDir(data() + QStringLiteral("/backups")).entryList({QStringLiteral("*before-restore*")});
        QCOMPARE(saved.size(), 1);
        QCOMPARE(countRows(data() + QStringLiteral("/backups/") + saved.first(), QStringLiteral("SELECT count(*) FROM vendors")), 0);
    }

    void restoreRefusesWhatIsNotAUsableCaiwuDatabase()
    {
        QCOMPARE(caiwu({QStringLiteral("migrate"), QStringLiteral("up")}).code, 0);
        const QString text = m_dir.path() + QStringLiteral("/notes.txt");
        QFile f(text);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("this is not a database");
        f.close();
        Run run = caiwu({QStringLiteral("restore"), text});
        QVERIFY(run.code != 0);
        QVERIFY2(run.err.contains("not an SQLite file"), run.err.constData());

        const QString foreign = m_dir.path() + QStringLiteral("/other.sqlite");
        execSql(foreign, QStringLiteral("CREATE TABLE things (x)"));
        run = caiwu({QStringLiteral("restore"), foreign});
        QVERIFY(run.code != 0);
        QVERIFY2(run.err.contains("not a Caiwu database"), run.err.constData());

        const QString newer = m_dir.path() + QStringLiteral("/newer.sqlite");
        QCOMPARE(caiwu({QStringLiteral("backup"), newer}).code, 0);
        execSql(newer, QStringLiteral("INSERT INTO schema_migrations VALUES (9999, '9999_future', 'x', 0)"));
        run = caiwu({QStringLiteral("restore"), newer});
        QVERIFY(run.code != 0);
        QVERIFY2(run.err.contains("newer Caiwu"), run.err.constData());
        // Nothing was replaced, so nothing was saved aside either.
        QVERIFY(QDir(data() + QStringLiteral("/backups")).entryList({QStringLiteral("*before-restore*")}).isEmpty());
    }

    void restoreWhileServingIsRefused()
    {
        TestServer server;
        QVERIFY(server.startCaiwu({QStringLiteral("--data-dir"), data()}));
        const QString backupFile = m_dir.path() + QStringLiteral("/live.sqlite");
        QCOMPARE(caiwu({QStringLiteral("backup"), backupFile}).code, 0); // online backup is fine
        const Run run = caiwu({QStringLiteral("restore"), backupFile});
        QCOMPARE(run.code, 1);
        QVERIFY2(run.err.contains("another Caiwu"), run.err.constData());
        server.signal(SIGTERM);
        QCOMPARE(server.waitForExit(), 0);
    }

    void secretsSetAndStatusNeverShowValues()
    {
        Run set = caiwu({QStringLiteral("secrets"), QStringLiteral("set"), QStringLiteral("SMTP_PASSWORD")}, "hunter2-secret\n");
        QCOMPARE(set.code, 0);
        QVERIFY(set.out.contains("SMTP_PASSWORD stored in systemd credentials"));
        const Run status = caiwu({QStringLiteral("secrets"), QStringLiteral("status")});
        QCOMPARE(status.code, 0);
        QVERIFY(status.out.contains("backend: systemd-creds"));
        QVERIFY(status.out.contains("SMTP_PASSWORD: set"));
        QVERIFY(status.out.contains("EMAIL_TOKEN: not set"));
        QVERIFY(!status.out.contains("hunter2") && !status.err.contains("hunter2"));
        QFile cred(data() + QStringLiteral("/credentials/SMTP_PASSWORD.cred"));
        QVERIFY(cred.open(QIODevice::ReadOnly));
        QVERIFY(!cred.readAll().contains("hunter2"));

        QCOMPARE(caiwu({QStringLiteral("secrets"), QStringLiteral("set"), QStringLiteral("NOT_A_SECRET")}, "x").code, 2);
        QCOMPARE(caiwu({QStringLiteral("secrets"), QStringLiteral("set"), QStringLiteral("EMAIL_TOKEN")}).code, 2); // empty stdin
    }

    void defaultDataLocationIsUnderTheUsersDataFolder()
    {
        const Run run = caiwu({QStringLiteral("backup"), m_dir.path() + QStringLiteral("/x.sqlite")}, {}, false);
        QCOMPARE(run.code, 0);
        QVERIFY(QFileInfo::exists(m_dir.path() + QStringLiteral("/home/.local/share/caiwu/caiwu.sqlite")));
    }
};

QTEST_GUILESS_MAIN(CliTest)
#include "tst_cli.moc"
