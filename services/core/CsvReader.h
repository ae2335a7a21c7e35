#pragma once

#include "Result.h"

#include <QByteArray>
#include <QList>
#include <QStringList>

namespace caiwu::CsvReader {

// The records of a CSV file as spreadsheets write it (RFC 4180): fields separated by commas,
// records by CRLF or LF, a field in double quotes may hold commas, quotes (doubled) and line
// breaks. UTF-8 with or without a byte-order mark. Blank lines are skipped. Refused with a
// message naming the line: bytes that are not UTF-8, an unclosed quote, text after a closing
// quote, more than `maxRecords` records.
Result<QList<QStringList>> parse(const QByteArray &bytes, qsizetype maxRecords);

} // namespace caiwu::CsvReader
