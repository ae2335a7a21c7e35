#include "VoucherStore.h"

#include "VoucherType.h"
#include "core/FileSync.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QRegularExpression>

#include <cerrno>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace caiwu {

namespace {

constexpr qint64 KiB = 1024;
constexpr qint64 MiB = 1024 * KiB;
const QString PartialPrefix = QStringLiteral(".partial-");
const QString ApiPrefix = QStringLiteral("/api/vouchers/");
const QString LegacyFolder = QStringLiteral("vouchers/");

QString lastError() { return qt_error_string(errno); }

// "10 MiB", "512 KiB" or "1000 bytes": the limit as the admin set it.
QString describeLimit(qint64 bytes)
{
    if (bytes >= MiB && bytes % MiB == 0)
        return QStringLiteral("%1 MiB").arg(bytes / MiB);
    if (bytes >= KiB && bytes % KiB == 0)
        return QStringLiteral("%1 KiB").arg(bytes / KiB);
    return QStringLiteral("%1 bytes").arg(bytes);
}

AppError invalidKey() { return AppError::validation(QStringLiteral("invalid voucher key")); }

bool writeAll(int fd, QByteArrayView bytes)
{
    qsizetype done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + done, size_t(bytes.size() - done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        done += n;
    }
    return true;
}

// Writes `bytes` to `target` so that the name holds the whole file or nothing: a
// temporary file beside it (same file system, so the rename is atomic), flushed, renamed,
// and the folder flushed. On failure the temporary file is removed.
Result<void> writeDurably(const QString &folder, const QString &target, QByteArrayView bytes)
{
    const QString temp = folder + QLatin1Char('/') + PartialPrefix
        + QString::number(QRandomGenerator::system()->generate64(), 16);
    const QByteArray tempName = QFile::encodeName(temp);
    const int fd = ::open(tempName.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return AppError::internal(QStringLiteral("cannot store the voucher: cannot create a file in %1: %2")
                                      .arg(folder, lastError()));
    auto fail = [&](const QString &step) -> Result<void> {
        const QString why = lastError();
        ::unlink(tempName.constData());
        return AppError::internal(QStringLiteral("cannot store the voucher: %1 failed in %2: %3").arg(step, folder, why));
    };
    if (!writeAll(fd, bytes)) {
        ::close(fd);
        return fail(QStringLiteral("writing"));
    }
    if (::fsync(fd) != 0) {
        ::close(fd);
        return fail(QStringLiteral("flushing to disk"));
    }
    if (::close(fd) != 0)
        return fail(QStringLiteral("closing the file"));
    if (::rename(tempName.constData(), QFile::encodeName(target).constData()) != 0)
        return fail(QStringLiteral("renaming to the final name"));
    if (!FileSync::flushFolder(folder))
        return AppError::internal(QStringLiteral("cannot store the voucher: flushing the folder %1 failed: %2")
                                      .arg(folder, lastError()));
    return {};
}

// Creates `path` owner-only unless it exists (its mode is then left as the admin set it).
bool ensureFolder(const QString &path)
{
    if (QFileInfo(path).isDir())
        return true;
    return QDir().mkpath(path) && QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
}

} // namespace

VoucherStore::VoucherStore(QString folder, qint64 maxBytes)
    : m_folder(QDir::cleanPath(std::move(folder)))
    , m_maxBytes(maxBytes)
{
}

bool VoucherStore::isValidKey(const QString &key)
{
    // Anchored at both ends (\A…\z): a plain `$` would also accept a trailing newline.
    static const QRegularExpression shape(
        QRegularExpression::anchoredPattern(QStringLiteral("[0-9a-f]{64}\\.(jpg|png|webp|pdf)")));
    return shape.match(key).hasMatch();
}

QString VoucherStore::pathOf(const QString &key) const
{
    return m_folder + QLatin1Char('/') + key.left(2) + QLatin1Char('/') + key;
}

Result<StoredVoucher> VoucherStore::store(QByteArrayView bytes) const
{
    if (bytes.isEmpty())
        return AppError::validation(QStringLiteral("the voucher file is empty"));
    if (bytes.size() > m_maxBytes)
        return AppError{413, "PAYLOAD_TOO_LARGE",
                        QStringLiteral("the voucher file (%1 bytes) is larger than the limit of %2")
                            .arg(bytes.size())
                            .arg(describeLimit(m_maxBytes)),
                        {}};
    const auto type = VoucherTypes::sniff(bytes);
    if (!type)
        return AppError::validation(QStringLiteral("unsupported file type; vouchers may be JPEG, PNG, WebP or PDF"));

    const QString hash = QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
    StoredVoucher stored{hash + QLatin1Char('.') + VoucherTypes::extension(*type), VoucherTypes::contentType(*type),
                         bytes.size(), false};
    const QString target = pathOf(stored.key);
    const QFileInfo existing(target);
    // Same name, same size: the same content (the name is its hash, and only whole files get
    // a final name). Touching it restarts the orphan grace period: the record that will
    // reference this upload may not be saved yet, and an old file would otherwise be swept.
    // If it cannot be touched it is written again, which renews its time as well.
    if (existing.isFile() && existing.size() == bytes.size()
        && ::utimensat(AT_FDCWD, QFile::encodeName(target).constData(), nullptr, 0) == 0)
        return stored;

    const QString fanOut = QFileInfo(target).path();
    if (!ensureFolder(m_folder) || !ensureFolder(fanOut))
        return AppError::internal(QStringLiteral("cannot store the voucher: cannot create the folder %1: %2")
                                      .arg(fanOut, lastError()));
    if (auto written = writeDurably(fanOut, target, bytes); !written)
        return written.error();
    stored.created = true;
    return stored;
}

Result<OpenVoucher> VoucherStore::open(const QString &key) const
{
    if (!isValidKey(key))
        return invalidKey();
    QFile file(pathOf(key));
    if (!file.open(QIODevice::ReadOnly)) {
        if (!file.exists())
            return AppError::notFound(QStringLiteral("voucher not found"));
        return AppError::internal(QStringLiteral("cannot read the voucher %1: %2").arg(key, file.errorString()));
    }
    const auto type = VoucherTypes::fromExtension(QStringView(key).sliced(key.lastIndexOf(QLatin1Char('.')) + 1));
    return OpenVoucher{key, VoucherTypes::contentType(*type), file.readAll()};
}

bool VoucherStore::exists(const QString &key) const
{
    return isValidKey(key) && QFileInfo(pathOf(key)).isFile();
}

Result<void> VoucherStore::remove(const QString &key) const
{
    if (!isValidKey(key))
        return invalidKey();
    const QString path = pathOf(key);
    if (::unlink(QFile::encodeName(path).constData()) != 0) {
        if (errno == ENOENT)
            return AppError::notFound(QStringLiteral("voucher not found"));
        return AppError::internal(QStringLiteral("cannot delete the voucher %1: %2").arg(key, lastError()));
    }
    FileSync::flushFolder(QFileInfo(path).path());
    return {};
}

Result<QList<QString>> VoucherStore::sweepOrphans(const std::function<bool(const QString &key)> &isReferenced,
                                                  qint64 olderThanMs, qint64 nowMs) const
{
    QList<QString> removed;
    const QDir root(m_folder);
    if (!root.exists())
        return removed;
    static const QRegularExpression fanOutName(QRegularExpression::anchoredPattern(QStringLiteral("[0-9a-f]{2}")));
    const QStringList fanOuts = root.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    for (const QString &fanOut : fanOuts) {
        if (!fanOutName.match(fanOut).hasMatch())
            continue;
        bool deletedHere = false;
        const QDir dir(root.filePath(fanOut));
        const QFileInfoList files = dir.entryInfoList(QDir::Files | QDir::Hidden | QDir::NoSymLinks, QDir::Name);
        for (const QFileInfo &file : files) {
            auto isOld = [&](const QFileInfo &info) {
                return nowMs - info.lastModified().toMSecsSinceEpoch() > olderThanMs;
            };
            if (!isOld(file))
                continue;
            const QString name = file.fileName();
            const bool partial = name.startsWith(PartialPrefix);
            // Only files this store made are ever deleted: a key in its own fan-out folder.
            if (!partial && (!isValidKey(name) || !name.startsWith(fanOut) || isReferenced(name)))
                continue;
            // Looked at again after the (slow) reference check: a re-upload meanwhile touched it.
            if (!isOld(QFileInfo(file.filePath())))
                continue;
            if (::unlink(QFile::encodeName(file.filePath()).constData()) != 0 && errno != ENOENT)
                return AppError::internal(QStringLiteral("cannot delete the unreferenced voucher file %1: %2 "
                                                         "(%3 deleted before it)")
                                              .arg(file.filePath(), lastError())
                                              .arg(removed.size()));
            deletedHere = true;
            if (!partial)
                removed.append(name);
        }
        if (deletedHere)
            FileSync::flushFolder(dir.path());
    }
    return removed;
}

Result<QString> VoucherStore::keyFromUrl(const QString &url)
{
    QStringView path(url);
    // An absolute URL: whatever host and port the client used, only the path counts.
    for (QLatin1String scheme : {QLatin1String("http://"), QLatin1String("https://")}) {
        if (path.startsWith(scheme, Qt::CaseInsensitive)) {
            const QStringView rest = path.sliced(scheme.size());
            const qsizetype slash = rest.indexOf(QLatin1Char('/'));
            if (slash <= 0)
                return invalidKey();
            path = rest.sliced(slash);
            break;
        }
    }
    if (!path.startsWith(ApiPrefix))
        return invalidKey();
    QStringView rest = path.sliced(path.lastIndexOf(ApiPrefix) + ApiPrefix.size());
    // Decoded first, validated after: "%2e%2e%2f" must meet the same check as "../".
    QString key = QString::fromUtf8(QByteArray::fromPercentEncoding(rest.toUtf8()));
    if (key.startsWith(LegacyFolder))
        key.remove(0, LegacyFolder.size());
    if (!isValidKey(key))
        return invalidKey();
    return key;
}

} // namespace caiwu
