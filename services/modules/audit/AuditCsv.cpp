#include "AuditCsv.h"

#include <QDateTime>
#include <QStringList>

namespace caiwu::AuditCsv {

namespace {

QDateTime local(qint64 ms, const QTimeZone &office)
{
    return QDateTime::fromMSecsSinceEpoch(ms, office.isValid() ? office : QTimeZone::utc());
}

} // namespace

QString field(const QString &valueIn)
{
    QString value = valueIn;
    static const QString formulaStarts = QStringLiteral("=+-@\t\r");
    if (!value.isEmpty() && formulaStarts.contains(value.front()))
        value.prepend(QLatin1Char('\''));
    if (value.contains(QLatin1Char(',')) || value.contains(QLatin1Char('"')) || value.contains(QLatin1Char('\r'))
        || value.contains(QLatin1Char('\n')))
        return QLatin1Char('"') + value.replace(QLatin1Char('"'), QStringLiteral("\"\"")) + QLatin1Char('"');
    return value;
}

QByteArray document(const QList<AuditRow> &rows, const QTimeZone &office)
{
    QString csv = QStringLiteral("\uFEFF时间,操作人,邮箱,操作,实体类型,实体ID,IP地址,IP归属地,详情\r\n");
    for (const AuditRow &row : rows) {
        const QStringList fields{local(row.at, office).toString(QStringLiteral("yyyy/M/d HH:mm:ss")),
                                 row.actorName.isEmpty() ? row.actorId : row.actorName,
                                 row.actorEmail,
                                 row.action,
                                 row.entity,
                                 row.entityId,
                                 row.ip,
                                 row.ipLocation,
                                 row.detail};
        QStringList line;
        for (const QString &f : fields)
            line << field(f);
        csv += line.join(QLatin1Char(',')) + QStringLiteral("\r\n");
    }
    return csv.toUtf8();
}

QString fileName(qint64 nowMs, const QTimeZone &office)
{
    return QStringLiteral("audit-logs-%1.csv").arg(local(nowMs, office).toString(QStringLiteral("yyyy-MM-dd")));
}

} // namespace caiwu::AuditCsv
