#include "VoucherRoutes.h"

#include "VoucherLinks.h"
#include "auth/AuthSession.h"
#include "core/Clock.h"
#include "http/Multipart.h"
#include "http/Router.h"
#include "modules/ModuleContext.h"
#include "storage/Database.h"
#include "vouchers/VoucherStore.h"

namespace caiwu {

namespace {

// Uploading is part of recording any of these; the reference demanded finance.flow.create
// even for a transfer's receipt.
const QStringList UploadRights = {QStringLiteral("finance.flow.create"), QStringLiteral("finance.flow.update"),
                                  QStringLiteral("finance.transfer.create"), QStringLiteral("finance.ar.confirm"),
                                  QStringLiteral("finance.ap.confirm")};

} // namespace

void installVoucherRoutes(Router &router, ModuleContext &context)
{
    ModuleContext *ctx = &context;
    const QString tag = QStringLiteral("vouchers");

    router.add({"POST", QStringLiteral("/api/upload/voucher"),
                QStringLiteral("Upload a voucher (multipart field file: JPEG, PNG, WebP or PDF); needs one of the rights to record"),
                tag, Access::Authenticated},
               [ctx](HttpRequest &request) -> Result<HttpResponse> {
                   const auto &who = request.session->principal;
                   if (std::none_of(UploadRights.begin(), UploadRights.end(),
                                    [&who](const QString &right) { return Permissions::allows(who, right); }))
                       return AppError::forbidden(QStringLiteral("uploading a voucher needs the right to record a flow, transfer or settlement"));
                   auto parts = Multipart::parse(request.header("content-type"), request.body);
                   if (!parts)
                       return parts.error();
                   const MultipartPart *file = Multipart::find(*parts, "file");
                   if (!file)
                       return AppError::field(QStringLiteral("file"), QStringLiteral("the form has no field named file"));
                   auto stored = ctx->vouchers->store(file->data);
                   if (!stored)
                       return stored.error();
                   auto db = ctx->database.connection();
                   if (!db)
                       return db.error();
                   if (auto ok = VoucherLinks::recordUpload(*db, stored->key, request.actor, Clock::nowMs()); !ok)
                       return ok.error();
                   return HttpResponse::json(QJsonObject{{QStringLiteral("url"), QStringLiteral("/api/vouchers/") + stored->key},
                                                         {QStringLiteral("key"), stored->key},
                                                         {QStringLiteral("contentType"), stored->contentType},
                                                         {QStringLiteral("size"), stored->size}});
               });

    router.add({"GET", QStringLiteral("/api/vouchers/*"), QStringLiteral("A voucher file, for who may see a record that references it"),
                tag, Access::Authenticated, {}, QStringLiteral("application/octet-stream")},
               [ctx](HttpRequest &request) -> Result<HttpResponse> {
                   auto key = VoucherStore::keyFromUrl(request.path);
                   if (!key)
                       return key.error();
                   auto db = ctx->database.connection();
                   if (!db)
                       return db.error();
                   auto allowed = VoucherLinks::mayRead(*db, *key, *request.session);
                   if (!allowed)
                       return allowed.error();
                   // Not found and not allowed look the same: the key says nothing about the file.
                   if (!*allowed)
                       return AppError::notFound(QStringLiteral("no such voucher"));
                   auto file = ctx->vouchers->open(*key);
                   if (!file)
                       return file.error();
                   HttpResponse response = HttpResponse::bytes(file->bytes, file->contentType.toLatin1());
                   // Content-addressed: the bytes behind a key never change. Private: access is per user.
                   response.setHeader("Cache-Control", "private, max-age=31536000, immutable");
                   response.setHeader("X-Content-Type-Options", "nosniff");
                   response.setHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox");
                   return response;
               });
}

} // namespace caiwu
