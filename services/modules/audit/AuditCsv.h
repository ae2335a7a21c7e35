#pragma once

#include "AuditService.h"

#include <QByteArray>
#include <QString>
#include <QTimeZone>

namespace caiwu::AuditCsv {

// The export as a spreadsheet opens it (reference §6.2): a UTF-8 BOM, the header
// 时间,操作人,邮箱,操作,实体类型,实体ID,IP地址,IP归属地,详情, one CRLF-ended line per row, times as
// yyyy/M/d HH:mm:ss in the office's time zone. The actor column falls back to the actor id
// ("system") when the actor is not an employee.
QByteArray document(const QList<AuditRow> &rows, const QTimeZone &office);

// One field: a value starting with = + - @ (or a tab or CR) gets a leading ' so a spreadsheet
// shows it instead of running it as a formula; a value holding , " CR or LF is quoted, with "
// doubled.
QString field(const QString &value);

// audit-logs-YYYY-MM-DD.csv, dated in the office's time zone.
QString fileName(qint64 nowMs, const QTimeZone &office);

} // namespace caiwu::AuditCsv
