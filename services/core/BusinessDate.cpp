#include "BusinessDate.h"

#include <QDate>
#include <QDateTime>
#include <QRegularExpression>
#include <QTimeZone>

namespace caiwu::BusinessDate {

bool isValid(const QString &text)
{
    static const QRegularExpression shape(QStringLiteral("^\\d{4}-\\d{2}-\\d{2}$"));
    return shape.match(text).hasMatch() && QDate::fromString(text, Qt::ISODate).isValid();
}

QString today(const QString &timeZone)
{
    return QDateTime::currentDateTime().toTimeZone(QTimeZone(timeZone.toLatin1())).date().toString(Qt::ISODate);
}

} // namespace caiwu::BusinessDate
