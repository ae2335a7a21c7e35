#include "ImportRoutes.h"

#include "FlowImport.h"
#include "http/Router.h"
#include "modules/ModuleContext.h"
#include "modules/cash_flows/CashFlowService.h"

#include <memory>

namespace caiwu {

void installImportRoutes(Router &router, ModuleContext &context)
{
    auto flows = std::make_shared<CashFlowService>(context.database, context.audit, context.voucherExists,
                                                   context.config.string(QStringLiteral("office.timezone")));
    auto import = std::make_shared<FlowImport>(context.database, context.audit, *flows);

    router.add({"POST", QStringLiteral("/api/import"),
                QStringLiteral("Import cash flows from CSV (?kind=flows; body: the file, UTF-8)"), QStringLiteral("import"),
                Access::Authenticated, QStringLiteral("finance.flow.import")},
               [import, flows](HttpRequest &request) -> Result<HttpResponse> {
                   const QString kind = request.queryValue(QStringLiteral("kind"));
                   if (kind != QLatin1String("flows"))
                       return AppError::field(QStringLiteral("kind"), QStringLiteral("Unsupported import kind '%1'; only kind=flows is supported").arg(kind));
                   auto inserted = import->run(request.body, *request.session, request.clientAddress);
                   if (!inserted)
                       return inserted.error();
                   return HttpResponse::json(QJsonObject{{QStringLiteral("inserted"), *inserted}});
               });
}

} // namespace caiwu
