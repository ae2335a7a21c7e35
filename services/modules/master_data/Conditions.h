#pragma once

#include "MasterTable.h"

#include <QString>
#include <QStringList>
#include <QVariantList>

namespace caiwu {

// The WHERE clause of a list query, built from the filters a caller gave: every condition is
// SQL written here with `?` placeholders, every value is bound.
class Conditions {
public:
    void add(const QString &condition, const QVariantList &values = {});
    // Any of `columns` contains `text` (case-insensitive for ASCII; % and _ are taken literally).
    // Nothing when the text is empty.
    void search(const QStringList &columns, const QString &text);

    // A list's ?activeOnly (or `activeByDefault` when not given) on `activeColumn`, and its
    // ?search over `searchColumns`.
    void apply(const ListOptions &options, const QString &activeColumn, const QStringList &searchColumns, bool activeByDefault = false);

    // "" or " WHERE a AND b".
    QString where() const;
    const QVariantList &values() const { return m_values; }

private:
    QStringList m_conditions;
    QVariantList m_values;
};

} // namespace caiwu
