#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace caiwu {

// One column an API call may set: the name the API (and the audit log) uses for it and the
// table's own name.
struct MasterColumn {
    QString field;      // accountNumber
    QString column;     // account_number
    bool json = false;  // a JSON array kept as text (org_departments.allowed_modules)
};

// A master-data table as MasterRecords reads and edits it.
struct MasterTable {
    enum class Removal { Delete, Retire };  // DELETE the row, or set active = 0 (kept for history)

    QString table;             // accounts
    QString entity;            // the audit log's entity name (reference §6.2): account
    QString noun;              // what messages call one row: 账户
    QString key = QStringLiteral("id");
    bool generatedKey = true;  // a new UUID; otherwise the caller gives the key as the field `key` (currencies.code)
    bool stamped = false;      // the table has created_at / updated_at
    Removal removal = Removal::Delete;
    QString duplicateMessage;  // 409 DUPLICATE when a unique index refuses a write
    QList<MasterColumn> columns;
    // How the API shows records: a SELECT … FROM … naming its columns as the API does, the key
    // column as that select calls it, and the list order.
    QString select;
    QString selectKey;
    QString order;
};

// A create or update as the routes hand it over: the fields the caller gave, already of the
// right JSON type (text, whole number, 0/1 flag, array of text), null where the caller clears
// an optional field; and the version the caller edited, for optimistic locking.
struct MasterInput {
    QJsonObject fields;
    std::optional<qint64> version;
};

// The filters every master-data list accepts: ?activeOnly=true|false|1|0 and ?search=text.
struct ListOptions {
    std::optional<bool> activeOnly;   // nullopt: the list's default
    QString search;
};

// Who made a change, for the audit log.
struct Actor {
    QString id;
    QString ip;
};

} // namespace caiwu
