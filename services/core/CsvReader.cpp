#include "CsvReader.h"

#include <QStringDecoder>

namespace caiwu::CsvReader {

Result<QList<QStringList>> parse(const QByteArray &bytes, qsizetype maxRecords)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QByteArrayView input(bytes);
    if (input.startsWith("\xEF\xBB\xBF"))
        input = input.sliced(3);
    const QString text = decoder(input);
    if (decoder.hasError())
        return AppError::validation(QStringLiteral("the file is not UTF-8 text; save it as CSV UTF-8"));

    QList<QStringList> records;
    QStringList record;
    QString field;
    bool quoted = false;      // inside a quoted field
    bool afterQuote = false;  // a quoted field just closed: only a separator may follow
    bool fieldStarted = false;
    int line = 1;
    int quoteLine = 0;        // where the open quoted field began
    auto endField = [&] {
        record << field;
        field.clear();
        afterQuote = false;
        fieldStarted = false;
    };
    auto endRecord = [&]() -> bool {
        endField();
        // A blank line is one empty field: skip it.
        if (!(record.size() == 1 && record.first().isEmpty()))
            records << record;
        record.clear();
        return records.size() <= maxRecords;
    };
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (quoted) {
            if (c == QLatin1Char('"')) {
                if (i + 1 < text.size() && text[i + 1] == QLatin1Char('"')) {
                    field += QLatin1Char('"');
                    ++i;
                } else {
                    quoted = false;
                    afterQuote = true;
                }
            } else {
                if (c == QLatin1Char('\n'))
                    ++line;
                field += c;
            }
            continue;
        }
        if (c == QLatin1Char(',')) {
            endField();
        } else if (c == QLatin1Char('\r') || c == QLatin1Char('\n')) {
            if (c == QLatin1Char('\r') && i + 1 < text.size() && text[i + 1] == QLatin1Char('\n'))
                ++i;
            if (!endRecord())
                return AppError::validation(QStringLiteral("the file has more than %1 rows; split it").arg(maxRecords));
            ++line;
        } else if (afterQuote) {
            return AppError::validation(QStringLiteral("line %1: text after a closing quote; a quote inside a quoted field is "
                                                       "written twice (\"\")").arg(line));
        } else if (c == QLatin1Char('"') && !fieldStarted) {
            quoted = true;
            quoteLine = line;
            fieldStarted = true;
        } else {
            field += c;
            fieldStarted = true;
        }
    }
    if (quoted)
        return AppError::validation(QStringLiteral("line %1: a quoted field is never closed").arg(quoteLine));
    if (fieldStarted || afterQuote || !record.isEmpty())
        if (!endRecord())
            return AppError::validation(QStringLiteral("the file has more than %1 rows; split it").arg(maxRecords));
    return records;
}

} // namespace caiwu::CsvReader
