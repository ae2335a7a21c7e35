#pragma once

#include "ListPage.h"
#include "auth/Permissions.h"
#include "core/Result.h"

#include <QJsonObject>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QVariantList>

#include <functional>
#include <optional>

namespace caiwu {

// The SELECT behind a list route: the caller's data scope, then each filter the client gave,
// one page in a fixed order, and — when a page was asked for — how many rows match in all.
//
//   ListQuery list(Columns, From, scope);
//   list.where("b.user_id = ?", query.userId).where("b.borrow_date >= ?", query.from);
//   return list.run(db, "b.borrow_date DESC, b.id DESC", query.page, loanJson, "list loans");
class ListQuery {
public:
    // `from` is the FROM clause with its joins, shared by the rows and the count.
    ListQuery(QString columns, QString from, const Permissions::Filter &scope);

    // "AND condition" with one bound value; a filter that was not given (empty) adds nothing.
    ListQuery &where(const QString &condition, const QString &value);
    ListQuery &where(const QString &condition, const std::optional<QString> &value);

    // {results:[row(…)…]}, plus {total, limit, offset} when `page` was asked for.
    Result<QJsonObject> run(const QSqlDatabase &db, const QString &orderBy, const ListPage &page,
                            const std::function<QJsonObject(const QSqlQuery &)> &row, const QString &what) const;

private:
    QString m_columns;
    QString m_from;
    QString m_where;
    QVariantList m_values;
};

} // namespace caiwu
