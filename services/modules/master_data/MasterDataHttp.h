#pragma once

#include "MasterTable.h"
#include "core/Result.h"
#include "http/HttpRequest.h"
#include "http/HttpResponse.h"
#include "http/Router.h"
#include "modules/QueryParams.h"

#include <QList>
#include <QString>

#include <functional>
#include <limits>
#include <memory>
#include <optional>

namespace caiwu {

class MasterRecords;

// What a create or update body may hold, one rule per field; the first field that breaks its
// rule is a 400 VALIDATION_ERROR naming it (details.path). Unknown fields are ignored, as the
// reference's clients send extra ones.
struct FieldRule {
    enum class Type {
        Text,      // a string, trimmed, at most maxLength; "" or null clears an optional one
        Integer,   // a whole JSON number in [min, max]; 1.5 is refused, never rounded
        Flag,      // true/false or 1/0, stored 1/0
        TextList,  // an array of non-empty strings of at most maxLength; null clears it
    };
    QString name;
    Type type = Type::Text;
    bool required = false;    // on create
    bool createOnly = false;  // a key the caller chooses once (a currency code)
    int maxLength = 200;
    qint64 min = std::numeric_limits<qint32>::min();
    qint64 max = std::numeric_limits<qint32>::max();
};

enum class BodyFor { Create, Update };

// The fields of a create or update body, plus `version` (optimistic locking). An update must
// change at least one field.
Result<MasterInput> readInput(const HttpRequest &request, const QList<FieldRule> &rules, BodyFor mode);

// Reads both from the query; a malformed activeOnly is a 400 naming it.
ListOptions listOptions(QueryParams &params);

Actor actorOf(const HttpRequest &request);
// {results:[…]}, the reference's list shape.
HttpResponse resultsReply(const QJsonArray &rows);

// GET for a list: `read` takes the filters from the query string (QueryParams records the first
// bad one), `list` runs them; the rows go out as {results:[…]} or, where the reference did so,
// as a bare array.
enum class ListShape { Results, BareArray };
template<typename Read, typename List>
void addListRoute(Router &router, RouteSpec spec, Read read, List list, ListShape shape = ListShape::Results)
{
    router.add(std::move(spec), [read, list, shape](HttpRequest &request) -> Result<HttpResponse> {
        QueryParams params(request);
        const auto filter = read(params);
        if (!params.ok())
            return params.error();
        auto rows = list(filter);
        if (!rows)
            return rows.error();
        return shape == ListShape::BareArray ? HttpResponse::json(*rows) : resultsReply(*rows);
    });
}

// GET for one record: the one whose key is the path's {id}, or 404.
void addShowRoute(Router &router, RouteSpec spec, std::shared_ptr<MasterRecords> records);

// POST path, PUT path/{key}, DELETE path/{key} for one entity, checked against
// <permission>.create/.update/.delete. Create answers the new record as the list shows it;
// update {ok:true, version}; delete {ok:true}.
struct WriteRoutes {
    QString path;                        // /api/accounts
    QString tag;                         // /api/doc group
    QString permission;                  // system.account
    QString noun;                        // "an account", for /api/doc
    QString keyName = QStringLiteral("id"); // the path parameter: /api/currencies/{code}
    QList<FieldRule> fields;
    std::shared_ptr<MasterRecords> records;
    bool withCreate = true;
    bool upperCaseKey = false;           // currency codes: /api/currencies/usd is USD
};
void addWriteRoutes(Router &router, const WriteRoutes &routes);

} // namespace caiwu
