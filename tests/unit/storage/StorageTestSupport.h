// Small helpers shared by the storage tests: raw SQLite access that bypasses the code
// under test, a full dump of a database file, staged migration folders and threads.
#pragma once

#include "storage/Migration.h"

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QList>
#include <QString>
#include <QStringList>
#include <QThread>
#include <QVariant>

#include <sqlite3.h>

#include <functional>
#include <memory>
#include <utility>

namespace caiwu::test {

// The error message of a failed Result for QVERIFY2, empty when it succeeded.
template<typename R>
QByteArray failure(const R &result)
{
    return result.ok() ? QByteArray() : result.error().message.toUtf8();
}

// A plain sqlite3 connection of the test's own, opened without Database's pragmas.
class RawDb {
public:
    explicit RawDb(const QString &path, int flags = SQLITE_OPEN_READWRITE)
    {
        m_rc = sqlite3_open_v2(QFile::encodeName(path).constData(), &m_db, flags, nullptr);
    }
    ~RawDb() { sqlite3_close_v2(m_db); }
    RawDb(const RawDb &) = delete;
    RawDb &operator=(const RawDb &) = delete;

    bool isOpen() const { return m_rc == SQLITE_OK; }
    sqlite3 *handle() const { return m_db; }
    QString error() const { return QString::fromUtf8(sqlite3_errmsg(m_db)); }

    bool exec(const QString &sql)
    {
        return sqlite3_exec(m_db, sql.toUtf8().constData(), nullptr, nullptr, nullptr) == SQLITE_OK;
    }

    // Every row as text cells; a cell is "typeof:value" so 1 and '1' differ. Empty on error.
    QList<QStringList> rows(const QString &sql, bool *ok = nullptr) const
    {
        QList<QStringList> result;
        sqlite3_stmt *stmt = nullptr;
        const QByteArray utf8 = sql.toUtf8();
        int rc = sqlite3_prepare_v2(m_db, utf8.constData(), int(utf8.size()), &stmt, nullptr);
        if (rc == SQLITE_OK) {
            while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
                QStringList row;
                for (int c = 0; c < sqlite3_column_count(stmt); ++c)
                    row << cell(stmt, c);
                result << row;
            }
        }
        sqlite3_finalize(stmt);
        if (ok)
            *ok = rc == SQLITE_DONE;
        return rc == SQLITE_DONE ? result : QList<QStringList>{};
    }

    // The first column of the first row, as SQLite gives it (text), or an invalid QVariant.
    QVariant scalar(const QString &sql) const
    {
        sqlite3_stmt *stmt = nullptr;
        QVariant value;
        const QByteArray utf8 = sql.toUtf8();
        if (sqlite3_prepare_v2(m_db, utf8.constData(), int(utf8.size()), &stmt, nullptr) == SQLITE_OK
            && sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_type(stmt, 0) != SQLITE_NULL)
            value = QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(stmt, 0)));
        sqlite3_finalize(stmt);
        return value;
    }

    QStringList column(const QString &sql) const
    {
        QStringList values;
        for (const QStringList &row : rows(sql))
            values << row.value(0).section(QLatin1Char(':'), 1);
        return values;
    }

private:
    static QString cell(sqlite3_stmt *stmt, int c)
    {
        switch (sqlite3_column_type(stmt, c)) {
        case SQLITE_NULL:
            return QStringLiteral("null:");
        case SQLITE_INTEGER:
            return QStringLiteral("integer:%1").arg(sqlite3_column_int64(stmt, c));
        case SQLITE_FLOAT:
            return QStringLiteral("real:%1").arg(sqlite3_column_double(stmt, c), 0, 'g', 17);
        case SQLITE_BLOB:
            return QStringLiteral("blob:")
                + QString::fromLatin1(QByteArray(static_cast<const char *>(sqlite3_column_blob(stmt, c)),
                                                 sqlite3_column_bytes(stmt, c))
                                          .toHex());
        default:
            return QStringLiteral("text:")
                + QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(stmt, c)),
                                    sqlite3_column_bytes(stmt, c));
        }
    }

    sqlite3 *m_db = nullptr;
    int m_rc = SQLITE_ERROR;
};

// Everything a user could read from the file: every sqlite_schema row and every row of
// every table (sorted, so the dump does not depend on the query plan).
inline QStringList dump(const QString &path)
{
    RawDb db(path);
    if (!db.isOpen())
        return {QStringLiteral("cannot open %1: %2").arg(path, db.error())};
    QStringList lines;
    bool ok = false;
    const auto schema = db.rows(QStringLiteral("SELECT type, name, tbl_name, rootpage, sql FROM sqlite_schema ORDER BY type, name"), &ok);
    if (!ok)
        return {QStringLiteral("cannot read the schema of %1: %2").arg(path, db.error())};
    for (const QStringList &row : schema)
        lines << QStringLiteral("schema|") + row.join(QLatin1Char('|'));
    for (const QStringList &row : schema) {
        if (row.value(0) != QLatin1String("text:table") || row.value(1).startsWith(QLatin1String("text:sqlite_")))
            continue;
        const QString table = row.value(1).mid(5);
        QStringList tableRows;
        for (const QStringList &r : db.rows(QStringLiteral("SELECT * FROM \"%1\"").arg(table), &ok))
            tableRows << table + QLatin1Char('|') + r.join(QLatin1Char('|'));
        if (!ok)
            tableRows << QStringLiteral("cannot read table %1: %2").arg(table, db.error());
        tableRows.sort();
        lines << tableRows;
    }
    return lines;
}

inline bool writeFile(const QString &path, const QByteArray &content)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(content) == content.size();
}

inline QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// Writes migration files into `dir` (emptied first) and loads them the way a binary would.
inline Result<QList<Migration>> stageMigrations(const QString &dir, const QList<std::pair<QString, QByteArray>> &files)
{
    QDir(dir).removeRecursively();
    QDir().mkpath(dir);
    for (const auto &[name, sql] : files)
        if (!writeFile(dir + QLatin1Char('/') + name, sql))
            return AppError::internal(QStringLiteral("cannot stage %1").arg(name));
    return Migration::fromDirectory(dir);
}

// A thread that stays alive between calls, so a connection it opened is still open later.
class WorkerThread {
public:
    WorkerThread()
    {
        m_context.moveToThread(&m_thread);
        m_thread.start();
    }
    ~WorkerThread()
    {
        m_thread.quit();
        m_thread.wait();
    }
    WorkerThread(const WorkerThread &) = delete;
    WorkerThread &operator=(const WorkerThread &) = delete;

    // Runs `work` on this thread and waits for it.
    void run(const std::function<void()> &work)
    {
        QMetaObject::invokeMethod(&m_context, work, Qt::BlockingQueuedConnection);
    }

private:
    QThread m_thread;
    QObject m_context;
};

// Runs `work` on a new thread and waits for it to end.
inline void runOnThread(const std::function<void()> &work)
{
    std::unique_ptr<QThread> thread(QThread::create(work));
    thread->start();
    thread->wait();
}

} // namespace caiwu::test
