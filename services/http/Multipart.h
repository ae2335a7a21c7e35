#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

namespace caiwu {

// One field of a multipart/form-data body.
struct MultipartPart {
    QByteArray name;        // the form field's name, as sent (UTF-8)
    QString fileName;       // the uploaded file's base name, informational only; empty for plain fields
    QByteArray contentType; // the part's Content-Type as sent; empty when the part gave none
    QByteArray data;        // the part's bytes, exactly as sent
};

// A strict multipart/form-data parser (RFC 7578 over RFC 2046) for request bodies the
// server already holds whole. Anything it cannot read with certainty is a 400 naming the
// problem, rather than a guess that might store half a file or the wrong one.
namespace Multipart {

inline constexpr int MaxParts = 16;
inline constexpr qsizetype MaxPartHeaderBytes = 8 * 1024;

// Splits `body` into its parts using the boundary in `contentTypeHeader`.
Result<QList<MultipartPart>> parse(const QByteArray &contentTypeHeader, const QByteArray &body);

// The first part named `name`, or nullptr.
const MultipartPart *find(const QList<MultipartPart> &parts, QByteArrayView name);

// The last path component of a client's file name with control characters removed:
// "C:\\Users\\x\\a.jpg" and "../../a.jpg" both give "a.jpg".
QString safeFileName(const QString &fileName);

} // namespace Multipart
} // namespace caiwu
