// VoucherStore: receipts on disk named by their content, checked by their first bytes,
// never half-written, and never reachable through a key that is not exactly one of ours.
#include "vouchers/VoucherStore.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace caiwu;

namespace {

constexpr qint64 MiB = 1024 * 1024;

// The bytes of a literal, embedded NULs included, without counting them by hand.
template<std::size_t N>
QByteArray raw(const char (&literal)[N])
{
    return QByteArray(literal, qsizetype(N - 1));
}
constexpr qint64 HourMs = 3600 * 1000;

const QByteArray Jpeg = raw("\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
    + raw("receipt pixels\r\n--not a boundary\xFF\xD9");
const QByteArray Png = raw("\x89PNG\r\n\x1A\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02")
    + raw("\x00\x00\x00\x90wS\xDE\x00\x00\x00\x00IEND\xAE\x42\x60\x82");
const QByteArray WebP = raw("RIFF\x1A\x00\x00\x00WEBPVP8L\x0D\x00\x00\x00\x2F\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xFE\x07\x00");
const QByteArray Pdf = QByteArrayLiteral("%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n");

QString sha256(const QByteArray &bytes)
{
    return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}

// Every file below `dir`, hidden ones included, as paths relative to it.
QStringList filesUnder(const QString &dir)
{
    QStringList files;
    QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (it.hasNext())
        files << QDir(dir).relativeFilePath(it.next());
    files.sort();
    return files;
}

QStringList partialsUnder(const QString &dir)
{
    return filesUnder(dir).filter(QStringLiteral(".partial-"));
}

int fileMode(const QString &path)
{
    struct stat st {};
    return ::stat(QFile::encodeName(path).constData(), &st) == 0 ? int(st.st_mode & 07777) : -1;
}

bool setModifiedMs(const QString &path, qint64 ms)
{
    const timespec at{time_t(ms / 1000), long(ms % 1000) * 1000000};
    const timespec times[2] = {at, at};
    return ::utimensat(AT_FDCWD, QFile::encodeName(path).constData(), times, 0) == 0;
}

QByteArray jpegOfSize(qint64 size)
{
    QByteArray bytes(size, 'x');
    bytes.replace(0, 3, "\xFF\xD8\xFF");
    return bytes;
}

} // namespace

class VoucherStoreTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_root;
    int m_serial = 0;

    // A store in a folder of its own that does not exist yet (the store creates it).
    VoucherStore freshStore(qint64 maxBytes = 10 * MiB)
    {
        return VoucherStore(m_root.filePath(QStringLiteral("vouchers-%1").arg(++m_serial)), maxBytes);
    }

    static void expectError(const AppError &error, int status, const QByteArray &code, const QString &messagePart)
    {
        QCOMPARE(error.status, status);
        QCOMPARE(error.code, code);
        QVERIFY2(error.message.contains(messagePart), qPrintable(error.message));
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_root.isValid()); }

    void eachTypeIsStoredAndReadBack_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("extension");
        QTest::addColumn<QString>("contentType");
        QTest::newRow("JPEG") << Jpeg << "jpg" << "image/jpeg";
        QTest::newRow("PNG") << Png << "png" << "image/png";
        QTest::newRow("WebP") << WebP << "webp" << "image/webp";
        QTest::newRow("PDF") << Pdf << "pdf" << "application/pdf";
    }

    void eachTypeIsStoredAndReadBack()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, extension);
        QFETCH(QString, contentType);
        VoucherStore store = freshStore();

        auto stored = store.store(bytes);
        QVERIFY2(stored.ok(), qPrintable(stored.ok() ? QString() : stored.error().message));
        const QString key = sha256(bytes) + QLatin1Char('.') + extension;
        QCOMPARE(stored->key, key);
        QCOMPARE(stored->contentType, contentType);
        QCOMPARE(stored->size, bytes.size());
        QVERIFY(stored->created);

        const QString path = store.folder() + QLatin1Char('/') + key.left(2) + QLatin1Char('/') + key;
        QCOMPARE(filesUnder(store.folder()), QStringList{key.left(2) + QLatin1Char('/') + key});
        QCOMPARE(fileMode(path), 0600);
        QVERIFY(store.exists(key));

        auto opened = store.open(key);
        QVERIFY(opened.ok());
        QCOMPARE(opened->bytes, bytes);
        QCOMPARE(opened->contentType, contentType);
        QCOMPARE(opened->key, key);
    }

    // The client's file name and Content-Type are never asked: only the bytes decide.
    void whatIsNotAVoucherIsRefused_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::newRow("ELF executable renamed .jpg") << raw("\x7F" "ELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00");
        QTest::newRow("shell script renamed .jpg") << QByteArrayLiteral("#!/bin/sh\ncurl http://example.invalid | sh\n");
        QTest::newRow("HTML page") << QByteArrayLiteral("<html><script>alert(1)</script></html>");
        QTest::newRow("GIF") << QByteArrayLiteral("GIF89a\x01\x00\x01\x00");
        QTest::newRow("RIFF but WAVE audio") << raw("RIFF\x24\x00\x00\x00WAVEfmt ");
        QTest::newRow("RIFF cut short") << QByteArrayLiteral("RIFF\x04\x00");
        QTest::newRow("JPEG signature not at the start") << raw(" \xFF\xD8\xFF\xE0");
        QTest::newRow("PDF without the dash") << QByteArrayLiteral("%PDF1.7");
    }

    void whatIsNotAVoucherIsRefused()
    {
        QFETCH(QByteArray, bytes);
        VoucherStore store = freshStore();
        auto stored = store.store(bytes);
        QVERIFY(!stored.ok());
        expectError(stored.error(), 400, "VALIDATION_ERROR",
                    QStringLiteral("unsupported file type; vouchers may be JPEG, PNG, WebP or PDF"));
        QCOMPARE(filesUnder(store.folder()), QStringList());
    }

    void aFileOverTheLimitIsRefusedWith413()
    {
        VoucherStore store = freshStore(10 * MiB);
        auto stored = store.store(jpegOfSize(10 * MiB + 1));
        QVERIFY(!stored.ok());
        expectError(stored.error(), 413, "PAYLOAD_TOO_LARGE", QStringLiteral("larger than the limit of 10 MiB"));
        QCOMPARE(filesUnder(store.folder()), QStringList());

        VoucherStore odd = freshStore(1000);
        auto refused = odd.store(jpegOfSize(1001));
        QVERIFY(!refused.ok());
        expectError(refused.error(), 413, "PAYLOAD_TOO_LARGE", QStringLiteral("larger than the limit of 1000 bytes"));
    }

    void aFileOfExactlyTheLimitIsAccepted()
    {
        VoucherStore store = freshStore(10 * MiB);
        const QByteArray bytes = jpegOfSize(10 * MiB);
        auto stored = store.store(bytes);
        QVERIFY(stored.ok());
        QCOMPARE(stored->size, 10 * MiB);
        QCOMPARE(store.open(stored->key)->bytes, bytes);
    }

    void anEmptyFileIsRefused()
    {
        VoucherStore store = freshStore();
        auto stored = store.store(QByteArrayView());
        QVERIFY(!stored.ok());
        expectError(stored.error(), 400, "VALIDATION_ERROR", QStringLiteral("the voucher file is empty"));
    }

    void theSameFileTwiceIsStoredOnce()
    {
        VoucherStore store = freshStore();
        auto first = store.store(Png);
        auto second = store.store(Png);
        QVERIFY(first.ok() && second.ok());
        QVERIFY(first->created);
        QVERIFY(!second->created);
        QCOMPARE(second->key, first->key);
        QCOMPARE(second->contentType, QStringLiteral("image/png"));
        QCOMPARE(filesUnder(store.folder()).size(), 1);
    }

    // A re-upload of an old unreferenced receipt must not be swept before its record is saved.
    void storingAgainRestartsTheGracePeriod()
    {
        VoucherStore store = freshStore();
        auto first = store.store(Pdf);
        QVERIFY(first.ok());
        const QString path = store.folder() + QLatin1Char('/') + first->key.left(2) + QLatin1Char('/') + first->key;
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        QVERIFY(setModifiedMs(path, now - 48 * HourMs));

        QVERIFY(store.store(Pdf).ok());
        auto swept = store.sweepOrphans([](const QString &) { return false; }, 24 * HourMs, now);
        QVERIFY(swept.ok());
        QCOMPARE(*swept, QList<QString>());
        QVERIFY(store.exists(first->key));
    }

    // A file of the wrong size under the final name (a damaged disk) is replaced, not trusted.
    void aDamagedStoredFileIsRewritten()
    {
        VoucherStore store = freshStore();
        auto first = store.store(Jpeg);
        QVERIFY(first.ok());
        const QString path = store.folder() + QLatin1Char('/') + first->key.left(2) + QLatin1Char('/') + first->key;
        QVERIFY(QFile::resize(path, 5));

        auto again = store.store(Jpeg);
        QVERIFY(again.ok());
        QVERIFY(again->created);
        QCOMPARE(store.open(first->key)->bytes, Jpeg);
        QCOMPARE(fileMode(path), 0600);
    }

    void concurrentUploadsOfOneFileLeaveOneWholeFile()
    {
        VoucherStore store = freshStore();
        const QByteArray bytes = jpegOfSize(256 * 1024);
        std::vector<std::thread> threads;
        std::atomic<int> failures = 0;
        for (int i = 0; i < 8; ++i)
            threads.emplace_back([&] {
                if (!store.store(bytes).ok())
                    ++failures;
            });
        for (std::thread &t : threads)
            t.join();
        QCOMPARE(failures.load(), 0);
        const QString key = sha256(bytes) + QStringLiteral(".jpg");
        QCOMPARE(filesUnder(store.folder()), QStringList{key.left(2) + QLatin1Char('/') + key});
        QCOMPARE(store.open(key)->bytes, bytes);
    }

    void keysOfAnyOtherShapeAreRefused_data()
    {
        const QString hex = sha256(Jpeg);
        QTest::addColumn<QString>("key");
        QTest::newRow("parent folder") << QStringLiteral("../x");
        QTest::newRow("parent then a key") << QStringLiteral("../") + hex + QStringLiteral(".jpg");
        QTest::newRow("encoded slash") << QStringLiteral("..%2fetc%2fpasswd");
        QTest::newRow("absolute path") << QStringLiteral("/etc/passwd");
        QTest::newRow("sub path") << QStringLiteral("a/b");
        QTest::newRow("key then path") << hex + QStringLiteral(".jpg/../../x");
        QTest::newRow("encoded dots") << QStringLiteral("%2e%2e");
        QTest::newRow("encoded key") << QStringLiteral("%61") + hex.mid(1) + QStringLiteral(".jpg");
        QTest::newRow("backslashes") << QStringLiteral("..\\..\\x");
        QTest::newRow("NUL inside") << hex + QStringLiteral(".jpg") + QChar(u'\0') + QStringLiteral(".txt");
        QTest::newRow("NUL before the extension") << hex + QChar(u'\0') + QStringLiteral(".jpg");
        QTest::newRow("trailing newline") << hex + QStringLiteral(".jpg\n");
        QTest::newRow("overlong") << hex + QStringLiteral("0.jpg");
        QTest::newRow("too short") << hex.left(63) + QStringLiteral(".jpg");
        QTest::newRow("uppercase hex") << hex.toUpper() + QStringLiteral(".jpg");
        QTest::newRow("uppercase extension") << hex + QStringLiteral(".JPG");
        QTest::newRow("other extension") << hex + QStringLiteral(".exe");
        QTest::newRow("no extension") << hex;
        QTest::newRow("double extension") << hex + QStringLiteral(".jpg.jpg");
        QTest::newRow("not hex") << QString(64, QLatin1Char('g')) + QStringLiteral(".jpg");
        QTest::newRow("hidden partial file") << QStringLiteral(".partial-1234");
        QTest::newRow("empty") << QString();
    }

    void keysOfAnyOtherShapeAreRefused()
    {
        QFETCH(QString, key);
        VoucherStore store = freshStore();
        QVERIFY(store.store(Jpeg).ok()); // a real file the broken keys might try to reach

        auto opened = store.open(key);
        QVERIFY(!opened.ok());
        expectError(opened.error(), 400, "VALIDATION_ERROR", QStringLiteral("invalid voucher key"));
        auto removed = store.remove(key);
        QVERIFY(!removed.ok());
        expectError(removed.error(), 400, "VALIDATION_ERROR", QStringLiteral("invalid voucher key"));
        QVERIFY(!store.exists(key));
        QCOMPARE(filesUnder(store.folder()).size(), 1);
    }

    void aMissingVoucherIs404()
    {
        VoucherStore store = freshStore();
        const QString key = sha256(Png) + QStringLiteral(".png");
        auto opened = store.open(key);
        QVERIFY(!opened.ok());
        expectError(opened.error(), 404, "NOT_FOUND", QStringLiteral("voucher not found"));
        QVERIFY(!store.exists(key));
        auto removed = store.remove(key);
        QVERIFY(!removed.ok());
        QCOMPARE(removed.error().status, 404);
    }

    void aRemovedVoucherIsGone()
    {
        VoucherStore store = freshStore();
        auto stored = store.store(WebP);
        QVERIFY(stored.ok());
        QVERIFY(store.remove(stored->key).ok());
        QVERIFY(!store.exists(stored->key));
        QCOMPARE(store.open(stored->key).error().status, 404);
        QCOMPARE(filesUnder(store.folder()), QStringList());
    }

    void keyFromUrlAcceptsTheStoredForms_data()
    {
        const QString key = sha256(Jpeg) + QStringLiteral(".jpg");
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("key");
        QTest::newRow("path") << QStringLiteral("/api/vouchers/") + key << key;
        QTest::newRow("http with host") << QStringLiteral("http://caiwu.office/api/vouchers/") + key << key;
        QTest::newRow("https with port") << QStringLiteral("https://192.168.1.20:8787/api/vouchers/") + key << key;
        QTest::newRow("scheme in capitals") << QStringLiteral("HTTPS://caiwu.office/api/vouchers/") + key << key;
        QTest::newRow("reference's doubled folder") << QStringLiteral("/api/vouchers/vouchers/") + key << key;
        QTest::newRow("reference's form, absolute") << QStringLiteral("https://caiwu.example/api/vouchers/vouchers/") + key << key;
        QTest::newRow("percent-encoded dot") << QStringLiteral("/api/vouchers/") + key.left(64) + QStringLiteral("%2ejpg") << key;
    }

    void keyFromUrlAcceptsTheStoredForms()
    {
        QFETCH(QString, url);
        QFETCH(QString, key);
        auto parsed = VoucherStore::keyFromUrl(url);
        QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error().message));
        QCOMPARE(*parsed, key);
    }

    void keyFromUrlRefusesEverythingElse_data()
    {
        const QString key = sha256(Jpeg) + QStringLiteral(".jpg");
        QTest::addColumn<QString>("url");
        QTest::newRow("reference's own key") << QStringLiteral("/api/vouchers/vouchers/1700000000000-a1b2c3.webp");
        QTest::newRow("traversal") << QStringLiteral("/api/vouchers/../../etc/passwd");
        QTest::newRow("encoded traversal") << QStringLiteral("/api/vouchers/..%2f..%2fetc%2fpasswd");
        QTest::newRow("encoded dots and key") << QStringLiteral("/api/vouchers/%2e%2e/") + key;
        QTest::newRow("double encoding") << QStringLiteral("/api/vouchers/%252e%252e%252f") + key;
        QTest::newRow("encoded NUL") << QStringLiteral("/api/vouchers/") + key + QStringLiteral("%00.txt");
        QTest::newRow("backslash") << QStringLiteral("/api/vouchers/..\\") + key;
        QTest::newRow("sub folder") << QStringLiteral("/api/vouchers/ab/") + key;
        QTest::newRow("query string") << QStringLiteral("/api/vouchers/") + key + QStringLiteral("?download=1");
        QTest::newRow("other route") << QStringLiteral("/api/flows/") + key;
        QTest::newRow("no leading slash") << QStringLiteral("api/vouchers/") + key;
        QTest::newRow("bare key") << key;
        QTest::newRow("no host") << QStringLiteral("https:///api/vouchers/") + key;
        QTest::newRow("other scheme") << QStringLiteral("file:///api/vouchers/") + key;
        QTest::newRow("uppercase key") << QStringLiteral("/api/vouchers/") + key.toUpper();
        QTest::newRow("nothing after the prefix") << QStringLiteral("/api/vouchers/");
        QTest::newRow("empty") << QString();
    }

    void keyFromUrlRefusesEverythingElse()
    {
        QFETCH(QString, url);
        auto parsed = VoucherStore::keyFromUrl(url);
        QVERIFY(!parsed.ok());
        expectError(parsed.error(), 400, "VALIDATION_ERROR", QStringLiteral("invalid voucher key"));
    }

    // Writing where the final name cannot be made stands for a crash between write and
    // rename: the error is reported and no temporary file stays behind.
    void aFailedRenameLeavesNoPartialFile()
    {
        VoucherStore store = freshStore();
        const QString key = sha256(Png) + QStringLiteral(".png");
        const QString fanOut = store.folder() + QLatin1Char('/') + key.left(2);
        // A folder in the way of the final name: rename(2) fails even for root.
        QVERIFY(QDir().mkpath(fanOut + QLatin1Char('/') + key));

        auto stored = store.store(Png);
        QVERIFY(!stored.ok());
        expectError(stored.error(), 500, "INTERNAL_ERROR", QStringLiteral("renaming to the final name failed"));
        QCOMPARE(partialsUnder(store.folder()), QStringList());
        QCOMPARE(filesUnder(store.folder()), QStringList());
    }

    void aReadOnlyFolderLeavesNoPartialFile()
    {
        if (::geteuid() == 0)
            QSKIP("root writes into read-only folders; aFailedRenameLeavesNoPartialFile covers this as root");
        VoucherStore store = freshStore();
        const QString key = sha256(Png) + QStringLiteral(".png");
        const QString fanOut = store.folder() + QLatin1Char('/') + key.left(2);
        QVERIFY(QDir().mkpath(fanOut));
        QVERIFY(::chmod(QFile::encodeName(fanOut).constData(), 0500) == 0);

        auto stored = store.store(Png);
        ::chmod(QFile::encodeName(fanOut).constData(), 0700);
        QVERIFY(!stored.ok());
        QCOMPARE(stored.error().status, 500);
        QCOMPARE(filesUnder(store.folder()), QStringList());
    }

    void sweepRemovesOldOrphansAndKeepsTheRest()
    {
        VoucherStore store = freshStore();
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        const qint64 old = now - 25 * HourMs;
        auto pathOf = [&](const QString &key) {
            return store.folder() + QLatin1Char('/') + key.left(2) + QLatin1Char('/') + key;
        };
        const QString oldOrphan = store.store(Jpeg)->key;
        const QString oldReferenced = store.store(Png)->key;
        const QString freshOrphan = store.store(WebP)->key;
        const QString oldReferencedToo = store.store(Pdf)->key;
        QVERIFY(setModifiedMs(pathOf(oldOrphan), old));
        QVERIFY(setModifiedMs(pathOf(oldReferenced), old));
        QVERIFY(setModifiedMs(pathOf(oldReferencedToo), old));

        const QString fanOut = QFileInfo(pathOf(oldOrphan)).path();
        const QString oldPartial = fanOut + QStringLiteral("/.partial-0123abcd");
        const QString freshPartial = fanOut + QStringLiteral("/.partial-4567ef01");
        const QString foreign = fanOut + QStringLiteral("/notes.txt");
        for (const QString &path : {oldPartial, freshPartial, foreign}) {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write("half an upload");
        }
        QVERIFY(setModifiedMs(oldPartial, old));
        QVERIFY(setModifiedMs(foreign, old));

        QStringList asked;
        auto swept = store.sweepOrphans(
            [&](const QString &key) {
                asked << key;
                return key == oldReferenced || key == oldReferencedToo;
            },
            24 * HourMs, now);
        QVERIFY(swept.ok());
        QCOMPARE(*swept, QList<QString>{oldOrphan});
        QVERIFY(!store.exists(oldOrphan));
        QVERIFY(!QFileInfo::exists(oldPartial));
        QVERIFY(store.exists(oldReferenced));
        QVERIFY(store.exists(oldReferencedToo));
        QVERIFY(store.exists(freshOrphan));
        QVERIFY(QFileInfo::exists(freshPartial));
        QVERIFY(QFileInfo::exists(foreign));
        // Fresh files are not even looked up: the grace period is checked first.
        QVERIFY(!asked.contains(freshOrphan));
    }

    // The reference lookup can take a while; an upload of the same file meanwhile wins.
    void aVoucherUploadedAgainDuringTheSweepIsKept()
    {
        VoucherStore store = freshStore();
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        const QString key = store.store(Png)->key;
        QVERIFY(setModifiedMs(store.folder() + QLatin1Char('/') + key.left(2) + QLatin1Char('/') + key, now - 48 * HourMs));

        auto swept = store.sweepOrphans(
            [&](const QString &) {
                [&] { QVERIFY(store.store(Png).ok()); }();
                return false;
            },
            24 * HourMs, now);
        QVERIFY(swept.ok());
        QVERIFY(swept->isEmpty());
        QVERIFY(store.exists(key));
    }

    void sweepOfAStoreNeverWrittenToFindsNothing()
    {
        VoucherStore store = freshStore();
        auto swept = store.sweepOrphans([](const QString &) { return false; }, 0, QDateTime::currentMSecsSinceEpoch());
        QVERIFY(swept.ok());
        QVERIFY(swept->isEmpty());
    }
};

QTEST_GUILESS_MAIN(VoucherStoreTest)
#include "tst_voucher_store.moc"
