#pragma once

#include "ListPage.h"
#include "core/AppError.h"
#include "http/HttpRequest.h"

#include <QStringList>

#include <optional>

namespace caiwu {

// Reads a list route's query parameters, one rule per call; the first problem is kept as a
// 400 that names the parameter (as JsonFields does for bodies). Absent or empty means "not given".
class QueryParams {
public:
    explicit QueryParams(const HttpRequest &request) : m_request(request) {}

    bool has(const QString &name) const { return !text(name).isEmpty(); }
    QString text(const QString &name) const { return m_request.queryValue(name).trimmed(); }
    // The first of `names` given (aliases: from/startDate), as YYYY-MM-DD.
    std::optional<QString> date(const QStringList &names);
    std::optional<qint64> integer(const QString &name, qint64 min, qint64 max);
    // One of `choices`, or empty when absent.
    QString choice(const QString &name, const QStringList &choices);
    std::optional<bool> boolean(const QString &name);
    // ?limit (1–1000, default 200) and ?offset.
    ListPage page();

    bool ok() const { return !m_error.has_value(); }
    AppError error() const { return m_error.value_or(AppError::validation(QStringLiteral("invalid query"))); }

private:
    void fail(const QString &name, const QString &message);

    const HttpRequest &m_request;
    std::optional<AppError> m_error;
};

} // namespace caiwu
