#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

#include <functional>

namespace caiwu {

// What store() did with an upload.
struct StoredVoucher {
    QString key;          // "<sha256>.<ext>": what records reference and clients fetch
    QString contentType;  // from the file's first bytes
    qint64 size = 0;
    bool created = false; // false: the same file was already stored (dedup)
};

// A stored voucher read back for serving.
struct OpenVoucher {
    QString key;
    QString contentType;
    QByteArray bytes;
};

// Voucher files (receipts, invoices) under one folder, each named by the SHA-256 of its
// content: the same receipt uploaded twice is one file, and a name can never be made to
// point at another file. Files live in `<folder>/<first two hex digits>/<key>` so no
// folder grows past a few thousand entries. A file appears under its final name whole
// or not at all (temporary file, fsync, rename, fsync of the folder), readable only by
// the appliance's user. Safe to use from several threads at once.
class VoucherStore {
public:
    VoucherStore(QString folder, qint64 maxBytes);

    // Checks `bytes` (not empty, at most maxBytes, a JPEG, PNG, WebP or PDF by its magic
    // bytes) and stores it unless the same file is already there.
    Result<StoredVoucher> store(QByteArrayView bytes) const;

    // The file for `key`; 400 for anything that is not exactly a key this store makes.
    Result<OpenVoucher> open(const QString &key) const;

    bool exists(const QString &key) const;
    Result<void> remove(const QString &key) const;

    // Deletes the vouchers no record references that have been unreferenced for longer
    // than the grace period (by their file time), and the temporary files of uploads
    // interrupted longer ago than that. Returns the keys of the vouchers deleted.
    Result<QList<QString>> sweepOrphans(const std::function<bool(const QString &key)> &isReferenced,
                                        qint64 olderThanMs, qint64 nowMs) const;

    // Whether `key` has exactly the shape of a key this store makes.
    static bool isValidKey(const QString &key);

    // The key in a voucher URL as records hold it: "/api/vouchers/<key>", the same with
    // "http(s)://host[:port]" before it, or the reference system's
    // "/api/vouchers/vouchers/<key>". 400 unless what it names is a valid key.
    static Result<QString> keyFromUrl(const QString &url);

    QString folder() const { return m_folder; }
    qint64 maxBytes() const { return m_maxBytes; }

private:
    QString pathOf(const QString &key) const;

    QString m_folder;
    qint64 m_maxBytes;
};

} // namespace caiwu
