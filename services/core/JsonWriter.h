#pragma once

#include <QByteArray>
#include <QString>
#include <QVariant>

#include <vector>

namespace caiwu {

// Writes JSON text straight into a buffer, for the large list answers (200 cash flows are
// ~110 KiB): building a QJsonObject per row and serialising it cost several times more than
// the query. Commas are placed by the writer; keys and strings are escaped per RFC 8259.
// The caller keeps begin/end balanced.
class JsonWriter {
public:
    explicit JsonWriter(qsizetype reserve = 4096) { m_out.reserve(reserve); }

    JsonWriter &beginObject() { return open('{'); }
    JsonWriter &endObject() { return close('}'); }
    JsonWriter &beginArray() { return open('['); }
    JsonWriter &endArray() { return close(']'); }

    // A member's name; the value written next belongs to it.
    JsonWriter &key(const char *name);

    JsonWriter &string(QStringView text);
    JsonWriter &integer(qint64 value);
    JsonWriter &boolean(bool value);
    JsonWriter &null();
    // A column value: NULL → null, text → string, integer → number.
    JsonWriter &value(const QVariant &v);
    // `text`, or null when it is empty.
    JsonWriter &stringOrNull(const QString &text) { return text.isEmpty() ? null() : string(text); }

    QByteArray take() { return std::move(m_out); }

private:
    JsonWriter &open(char bracket);
    JsonWriter &close(char bracket);
    void separate();

    QByteArray m_out;
    std::vector<bool> m_first{true}; // per open container: nothing written in it yet
    bool m_afterKey = false;
};

} // namespace caiwu
