#pragma once

#include <QJsonObject>

namespace caiwu::AuditChanges {

// {field:{from, to}} for each field of `after` whose value differs from `before`'s: what an
// update's audit row records, so a reader sees exactly what moved and nothing else.
QJsonObject between(const QJsonObject &before, const QJsonObject &after);

} // namespace caiwu::AuditChanges
