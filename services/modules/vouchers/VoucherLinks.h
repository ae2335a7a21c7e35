#pragma once

#include "core/Result.h"

#include <QSqlDatabase>
#include <QString>
#include <QStringList>

namespace caiwu {

struct AuthSession;

// Which records reference which voucher files (table voucher_links), and who uploaded what
// (voucher_uploads): the basis of who may read a voucher and which files are orphans.
namespace VoucherLinks {

// The record's voucher URLs are now `urls`: its links are replaced, in the caller's transaction.
// URLs that do not name one of our files (a moved-in reference URL) are kept on the record but
// not linked.
Result<void> replace(const QSqlDatabase &db, const QString &entity, const QString &entityId, const QStringList &urls);

Result<void> recordUpload(const QSqlDatabase &db, const QString &key, const QString &uploadedBy, qint64 nowMs);

Result<bool> isReferenced(const QSqlDatabase &db, const QString &key);

// Whether `who` uploaded the file, or may see a record that references it (a cash flow within
// their data scope with finance.flow.view, a transfer with finance.transfer.view).
Result<bool> mayRead(const QSqlDatabase &db, const QString &key, const AuthSession &who);

// Whether `who` may make a record reference the voucher at `url`: only a file they may read
// already. Otherwise attaching someone else's receipt to one's own record would be a way to
// read it. False for a URL that names none of our files.
Result<bool> mayAttach(const QSqlDatabase &db, const QString &url, const AuthSession &who);

} // namespace VoucherLinks
} // namespace caiwu
