#include "VoucherType.h"

namespace caiwu::VoucherTypes {

std::optional<VoucherType> sniff(QByteArrayView bytes)
{
    if (bytes.startsWith("\xFF\xD8\xFF"))
        return VoucherType::Jpeg;
    if (bytes.startsWith("\x89PNG\r\n\x1A\n"))
        return VoucherType::Png;
    // RIFF container: "RIFF", four bytes of length, then the form type.
    if (bytes.size() >= 12 && bytes.startsWith("RIFF") && bytes.sliced(8, 4) == "WEBP")
        return VoucherType::WebP;
    if (bytes.startsWith("%PDF-"))
        return VoucherType::Pdf;
    return std::nullopt;
}

QString extension(VoucherType type)
{
    switch (type) {
    case VoucherType::Jpeg: return QStringLiteral("jpg");
    case VoucherType::Png: return QStringLiteral("png");
    case VoucherType::WebP: return QStringLiteral("webp");
    case VoucherType::Pdf: return QStringLiteral("pdf");
    }
    return {};
}

std::optional<VoucherType> fromExtension(QStringView extension)
{
    for (VoucherType type : {VoucherType::Jpeg, VoucherType::Png, VoucherType::WebP, VoucherType::Pdf})
        if (extension == VoucherTypes::extension(type))
            return type;
    return std::nullopt;
}

QString contentType(VoucherType type)
{
    switch (type) {
    case VoucherType::Jpeg: return QStringLiteral("image/jpeg");
    case VoucherType::Png: return QStringLiteral("image/png");
    case VoucherType::WebP: return QStringLiteral("image/webp");
    case VoucherType::Pdf: return QStringLiteral("application/pdf");
    }
    return {};
}

} // namespace caiwu::VoucherTypes
