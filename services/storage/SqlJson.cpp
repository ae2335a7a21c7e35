#include "SqlJson.h"

#include <QSqlRecord>
#include <QStringList>

namespace caiwu::SqlJson {

QJsonValue value(const QVariant &v)
{
    if (v.isNull())
        return QJsonValue::Null;
    switch (v.typeId()) {
    case QMetaType::LongLong:
    case QMetaType::Int:
    case QMetaType::ULongLong:
    case QMetaType::UInt:
        return v.toLongLong();
    case QMetaType::Double:
        return v.toDouble();
    default:
        return v.toString();
    }
}

QJsonArray rows(QSqlQuery &q)
{
    const QSqlRecord record = q.record();
    QStringList names;
    for (int i = 0; i < record.count(); ++i)
        names << record.fieldName(i);
    QJsonArray result;
    while (q.next()) {
        QJsonObject row;
        for (int i = 0; i < names.size(); ++i)
            row.insert(names.at(i), value(q.value(i)));
        result.append(row);
    }
    return result;
}

} // namespace caiwu::SqlJson
