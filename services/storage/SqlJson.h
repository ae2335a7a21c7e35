#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QSqlQuery>
#include <QVariant>

namespace caiwu::SqlJson {

// A column value as JSON: NULL → null, INTEGER and REAL → number, TEXT → string.
QJsonValue value(const QVariant &v);

// Every remaining row of `q` as an object keyed by the result's column names, so a SELECT
// that names its columns the way the API does ("account_number AS accountNumber") is the
// whole mapping from table to wire.
QJsonArray rows(QSqlQuery &q);

} // namespace caiwu::SqlJson
