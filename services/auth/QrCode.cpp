#include "QrCode.h"

#include <qrencode.h>

#include <cerrno>
#include <memory>

namespace caiwu::QrCode {

namespace {

constexpr int QuietZone = 4; // modules, the margin ISO/IEC 18004 asks for
constexpr int ImageSize = 200; // pixels, as the reference's qrcode-svg

struct QrDeleter {
    void operator()(QRcode *code) const { QRcode_free(code); }
};

} // namespace

Result<QByteArray> svg(const QString &text)
{
    if (text.isEmpty())
        return AppError::validation(QStringLiteral("There is no text to put in a QR code"));
    if (text.contains(QChar(0)))
        return AppError::validation(QStringLiteral("A QR code text cannot contain a NUL character"));
    const QByteArray utf8 = text.toUtf8();

    // Version 0 lets libqrencode pick the smallest symbol; QR_MODE_8 keeps non-ASCII as bytes.
    errno = 0;
    const std::unique_ptr<QRcode, QrDeleter> code(
        QRcode_encodeString(utf8.constData(), 0, QR_ECLEVEL_M, QR_MODE_8, 1));
    if (!code) {
        if (errno == ERANGE)
            return AppError::validation(QStringLiteral("The text is too long for a QR code (%1 bytes)").arg(utf8.size()));
        if (errno == ENOMEM)
            return AppError::internal(QStringLiteral("Out of memory while making a QR code"));
        return AppError::validation(QStringLiteral("The text cannot be put in a QR code"));
    }

    const int width = code->width;
    const int size = width + 2 * QuietZone;
    QByteArray path;
    path.reserve(width * width);
    // One sub-path per horizontal run of dark modules keeps the path short.
    for (int y = 0; y < width; ++y) {
        const unsigned char *row = code->data + qsizetype(y) * width;
        for (int x = 0; x < width;) {
            if (!(row[x] & 1)) {
                ++x;
                continue;
            }
            int run = 1;
            while (x + run < width && (row[x + run] & 1))
                ++run;
            path += 'M' + QByteArray::number(x + QuietZone) + ' ' + QByteArray::number(y + QuietZone)
                + 'h' + QByteArray::number(run) + "v1h-" + QByteArray::number(run) + 'z';
            x += run;
        }
    }

    const QByteArray s = QByteArray::number(size);
    const QByteArray px = QByteArray::number(ImageSize);
    return QByteArrayLiteral("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        + "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + px + "\" height=\"" + px
        + "\" viewBox=\"0 0 " + s + ' ' + s + "\" shape-rendering=\"crispEdges\">"
        + "<rect width=\"" + s + "\" height=\"" + s + "\" fill=\"#ffffff\"/>"
        + "<path fill=\"#000000\" d=\"" + path + "\"/></svg>\n";
}

Result<QString> svgDataUrl(const QString &text)
{
    auto image = svg(text);
    if (!image)
        return image.error();
    return QStringLiteral("data:image/svg+xml;base64,") + QString::fromLatin1(image->toBase64());
}

} // namespace caiwu::QrCode
