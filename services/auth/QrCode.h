#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QString>

namespace caiwu::QrCode {

// An SVG QR code of `text` (UTF-8; error correction M; 4-module quiet zone; black on white;
// 200×200 with a viewBox of one unit per module; all dark modules in one <path>).
Result<QByteArray> svg(const QString &text);

// The same image as "data:image/svg+xml;base64,…", the reference's `qrCode` field.
Result<QString> svgDataUrl(const QString &text);

} // namespace caiwu::QrCode
