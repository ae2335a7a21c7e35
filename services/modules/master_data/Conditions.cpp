#include "Conditions.h"

namespace caiwu {

void Conditions::add(const QString &condition, const QVariantList &values)
{
    m_conditions << condition;
    m_values << values;
}

void Conditions::search(const QStringList &columns, const QString &text)
{
    if (text.isEmpty() || columns.isEmpty())
        return;
    QString escaped = text;
    escaped.replace(QLatin1Char('\\'), QLatin1String("\\\\")).replace(QLatin1Char('%'), QLatin1String("\\%")).replace(QLatin1Char('_'), QLatin1String("\\_"));
    const QString pattern = QLatin1Char('%') + escaped + QLatin1Char('%');
    QStringList any;
    for (const QString &column : columns) {
        any << column + QStringLiteral(" LIKE ? ESCAPE '\\'");
        m_values << pattern;
    }
    m_conditions << QLatin1Char('(') + any.join(QStringLiteral(" OR ")) + QLatin1Char(')');
}

void Conditions::apply(const ListOptions &options, const QString &activeColumn, const QStringList &searchColumns, bool activeByDefault)
{
    if (options.activeOnly.value_or(activeByDefault))
        add(activeColumn + QStringLiteral(" = 1"));
    search(searchColumns, options.search);
}

QString Conditions::where() const
{
    return m_conditions.isEmpty() ? QString() : QStringLiteral(" WHERE ") + m_conditions.join(QStringLiteral(" AND "));
}

} // namespace caiwu
