// ChangeStamp, ReadCache and References: what lets a hot read be served from memory until
// the database changes, and what tells which rows still point at a record.
#include "StorageTestSupport.h"

#include "storage/Database.h"
#include "storage/ReadCache.h"
#include "storage/References.h"

#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace caiwu;
using namespace caiwu::test;

namespace {

bool execOn(Database &db, const QString &sql)
{
    auto conn = db.connection();
    return conn && QSqlQuery(*conn).exec(sql);
}

ChangeStamp stampOf(Database &db)
{
    auto stamp = db.changeStamp();
    if (!stamp)
        qWarning("no stamp: %s", qPrintable(stamp.error().message));
    return stamp ? *stamp : ChangeStamp{};
}

} // namespace

class ReadCacheTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString path() const { return m_dir.filePath(QStringLiteral("cache.sqlite")); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        Database db(path());
        QVERIFY(execOn(db, QStringLiteral("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")));
        db.releaseThreadConnection();
    }

    void theStampMovesWithEveryChange()
    {
        Database mine(path());
        Database other(path()); // a second Database: a second connection on this thread
        const ChangeStamp first = stampOf(mine);
        QCOMPARE(stampOf(mine), first);
        QVERIFY(execOn(mine, QStringLiteral("SELECT count(*) FROM notes"))); // reading changes nothing
        QCOMPARE(stampOf(mine), first);

        QVERIFY(execOn(other, QStringLiteral("INSERT INTO notes (text) VALUES ('by another connection')")));
        const ChangeStamp second = stampOf(mine);
        QVERIFY(second != first);

        QVERIFY(execOn(mine, QStringLiteral("INSERT INTO notes (text) VALUES ('by this one')")));
        const ChangeStamp third = stampOf(mine);
        QVERIFY(third != second);

        RawDb process(path()); // as another program on the same file
        QVERIFY(process.exec(QStringLiteral("UPDATE notes SET text = 'by another program'")));
        QVERIFY(stampOf(mine) != third);

        QVERIFY(stampOf(mine).connection != stampOf(other).connection);
        mine.releaseThreadConnection();
        other.releaseThreadConnection();
    }

    void aReopenedConnectionNeverMatchesAnOldStamp()
    {
        Database db(path());
        const ChangeStamp before = stampOf(db);
        db.releaseThreadConnection();
        QVERIFY(stampOf(db).connection != before.connection);
        db.releaseThreadConnection();
    }

    void theCacheComputesAgainOnlyAfterAChange()
    {
        Database db(path());
        Database writer(path());
        ReadCache cache(db);
        int computed = 0;
        const auto count = [&]() -> Result<QByteArray> {
            ++computed;
            auto conn = db.connection();
            QSqlQuery q(*conn);
            q.exec(QStringLiteral("SELECT count(*) FROM notes"));
            q.next();
            return q.value(0).toByteArray();
        };
        const QByteArray initial = cache.get(QStringLiteral("count"), count).value();
        QCOMPARE(cache.get(QStringLiteral("count"), count).value(), initial);
        QCOMPARE(computed, 1);

        QVERIFY(execOn(writer, QStringLiteral("INSERT INTO notes (text) VALUES ('one more')")));
        QCOMPARE(cache.get(QStringLiteral("count"), count).value(), QByteArray::number(initial.toInt() + 1));
        QCOMPARE(computed, 2);
        QCOMPARE(cache.get(QStringLiteral("count"), count).value(), QByteArray::number(initial.toInt() + 1));
        QCOMPARE(computed, 2);

        // Keys are kept apart; a failure is passed on and not kept.
        QCOMPARE(cache.get(QStringLiteral("other"), [] { return Result<QByteArray>(QByteArray("x")); }).value(), QByteArray("x"));
        QCOMPARE(cache.get(QStringLiteral("count"), count).value(), QByteArray::number(initial.toInt() + 1));
        QCOMPARE(computed, 2);
        int failures = 0;
        const auto failing = [&]() -> Result<QByteArray> {
            ++failures;
            return AppError::internal(QStringLiteral("broken"));
        };
        QVERIFY(!cache.get(QStringLiteral("failing"), failing).ok());
        QVERIFY(!cache.get(QStringLiteral("failing"), failing).ok());
        QCOMPARE(failures, 2);
        db.releaseThreadConnection();
        writer.releaseThreadConnection();
    }

    void referencesCountWhatBlocksADelete()
    {
        Database db(path());
        QVERIFY(execOn(db, QStringLiteral("CREATE TABLE shelves (id TEXT PRIMARY KEY)")));
        QVERIFY(execOn(db, QStringLiteral("CREATE TABLE books (id TEXT PRIMARY KEY, shelf TEXT REFERENCES shelves(id), "
                                          "moved_from TEXT REFERENCES shelves(id))")));
        QVERIFY(execOn(db, QStringLiteral("CREATE TABLE labels (id TEXT PRIMARY KEY, shelf TEXT REFERENCES shelves(id) ON DELETE CASCADE)")));
        QVERIFY(execOn(db, QStringLiteral("INSERT INTO shelves VALUES ('a'), ('b'), ('c')")));
        QVERIFY(execOn(db, QStringLiteral("INSERT INTO books VALUES ('1', 'a', NULL), ('2', 'a', 'b'), ('3', 'b', NULL)")));
        QVERIFY(execOn(db, QStringLiteral("INSERT INTO labels VALUES ('x', 'c')")));
        auto conn = db.connection();
        QVERIFY(conn.ok());

        auto a = References::to(*conn, QStringLiteral("shelves"), QStringLiteral("a"));
        QVERIFY2(a.ok(), failure(a).constData());
        QCOMPARE(a->size(), 1);
        QCOMPARE(a->first().table, QStringLiteral("books"));
        QCOMPARE(a->first().column, QStringLiteral("shelf"));
        QCOMPARE(a->first().rows, 2);

        auto b = References::to(*conn, QStringLiteral("shelves"), QStringLiteral("b"));
        QCOMPARE(b->size(), 2); // as the shelf of one book and where another came from
        QCOMPARE(b->at(0).rows + b->at(1).rows, 2);

        auto c = References::to(*conn, QStringLiteral("shelves"), QStringLiteral("c")); // labels cascade: nothing blocks
        QVERIFY(c->isEmpty());
        db.releaseThreadConnection();
    }
};

QTEST_GUILESS_MAIN(ReadCacheTest)
#include "tst_read_cache.moc"
