#include "ListQuery.h"

#include "storage/Sql.h"

#include <QJsonArray>

namespace caiwu {

ListQuery::ListQuery(QString columns, QString from, const Permissions::Filter &scope)
    : m_columns(std::move(columns))
    , m_from(std::move(from))
    , m_where(QStringLiteral("(%1)").arg(scope.sql))
    , m_values(scope.values)
{
}

ListQuery &ListQuery::where(const QString &condition, const QString &value)
{
    if (!value.isEmpty()) {
        m_where += QStringLiteral(" AND ") + condition;
        m_values << value;
    }
    return *this;
}

ListQuery &ListQuery::where(const QString &condition, const std::optional<QString> &value)
{
    return where(condition, value.value_or(QString()));
}

Result<QJsonObject> ListQuery::run(const QSqlDatabase &db, const QString &orderBy, const ListPage &page,
                                   const std::function<QJsonObject(const QSqlQuery &)> &row, const QString &what) const
{
    auto q = Sql::run(db, QStringLiteral("SELECT %1 FROM %2 WHERE %3 ORDER BY %4 LIMIT ? OFFSET ?").arg(m_columns, m_from, m_where, orderBy),
                      m_values + QVariantList{page.limit, page.offset}, what);
    if (!q)
        return q.error();
    QJsonArray results;
    while (q->next())
        results.append(row(*q));
    QJsonObject answer{{QStringLiteral("results"), results}};
    if (page.asked) {
        auto total = Sql::run(db, QStringLiteral("SELECT count(*) FROM %1 WHERE %2").arg(m_from, m_where), m_values, what);
        if (!total)
            return total.error();
        page.describe(answer, total->next() ? total->value(0).toLongLong() : 0);
    }
    return answer;
}

} // namespace caiwu
