#pragma once

#include <QByteArrayView>
#include <QString>

#include <optional>

namespace caiwu {

// The kinds of file a voucher may be: photographed or scanned receipts and PDF invoices.
// A voucher's kind is read from its first bytes, never from what the client claims, so a
// renamed program or an HTML page cannot be stored and later served as a receipt.
enum class VoucherType { Jpeg, Png, WebP, Pdf };

namespace VoucherTypes {

// The kind whose signature `bytes` begins with, or nullopt for anything else.
std::optional<VoucherType> sniff(QByteArrayView bytes);

// "jpg", "png", "webp" or "pdf": the extension of the file's name on disk.
QString extension(VoucherType type);

// The kind a stored file's extension names, or nullopt for any other extension.
std::optional<VoucherType> fromExtension(QStringView extension);

// The Content-Type the file is served with.
QString contentType(VoucherType type);

} // namespace VoucherTypes
} // namespace caiwu
