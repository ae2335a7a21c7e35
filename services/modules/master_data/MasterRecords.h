#pragma once

#include "MasterTable.h"
#include "core/Result.h"
#include "modules/audit/AuditTrail.h"
#include "storage/Transaction.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>
#include <QVariantList>

namespace caiwu {

class Conditions;
class Database;

// Create, update and delete for one master-data table, the same way for every entity: each
// write in one transaction with its audit row (reference §6.2 entity names), optimistic
// locking on `version` (409 CONFLICT), 404 for an unknown key, 409 DUPLICATE when a unique
// index refuses the write, and no delete while other rows still use the record. An entity's
// service derives from it and adds its rules in prepare() and the hooks, and its reads.
//
// Rows travel as JSON objects keyed by MasterColumn::field: text, whole numbers, 0/1 flags,
// null for an empty optional value.
class MasterRecords {
public:
    virtual ~MasterRecords() = default;
    MasterRecords(const MasterRecords &) = delete;
    MasterRecords &operator=(const MasterRecords &) = delete;

    // A new record from the fields given; audited as create. Returns its key.
    Result<QString> create(const MasterInput &input, const Actor &by);
    // Changes the fields given. Nothing is written (or audited) when nothing differs. Returns the
    // record's version afterwards.
    Result<qint64> update(const QString &key, const MasterInput &input, const Actor &by);
    // Deletes or retires (active = 0) as the table says; audited as delete. Retiring a retired
    // record does nothing.
    Result<void> remove(const QString &key, const Actor &by);

    // The record as the API shows it, or 404.
    Result<QJsonObject> find(const QString &key) const;

    const MasterTable &table() const { return m_table; }

protected:
    MasterRecords(Database &db, AuditTrail &audit, MasterTable table);

    // The entity's rules, inside the write transaction. `row` is what will be stored: on create
    // the fields given, on update `before` with the changes laid over it; prepare may complete
    // or normalise it (a default, an upper-cased code) and refuses what breaks a rule (400 that
    // names the field). On create `key` and `before` are empty.
    virtual Result<void> prepare(const QSqlDatabase &db, const QString &key, QJsonObject &row, const QJsonObject &before) = 0;
    // Before a delete or a retirement, inside its transaction. The default refuses deleting a
    // record other rows still use (InUse) and lets retirement through.
    virtual Result<void> removable(const QSqlDatabase &db, const QString &key, const QJsonObject &row);
    // After an update's row is written, inside its transaction: follow-up writes.
    virtual Result<void> written(const QSqlDatabase &db, const QString &key, const QJsonObject &changes);
    // After a write committed ({field:{from,to}}; empty for a create or a delete): caches to drop.
    virtual void committed(const QJsonObject &changes);

    AppError notFound(const QString &key) const;

    // The records that meet `conditions`, in the table's order, as the API shows them.
    Result<QJsonArray> rows(const Conditions &conditions) const;
    // How one row of the table's select is shown (a JSON column parsed, …).
    virtual QJsonObject shown(QJsonObject row) const;

    Database &m_db;
    AuditTrail &m_audit;
    const MasterTable m_table;

private:
    // A write transaction and the record's settable fields and version as they stand in it (404 when there is none).
    struct Locked {
        Transaction tx;
        QJsonObject row;
        qint64 version = 0;
    };
    Result<Locked> lock(const QString &key) const;
    // The columns of the table's fields among `fields`, and their values as SQL binds them.
    void bind(const QJsonObject &fields, QStringList *columns, QVariantList *values) const;
    // UPDATE the given fields (+ updated_at, version + 1) of the record.
    Result<void> rewrite(const QSqlDatabase &db, const QString &key, const QJsonObject &fields);
    // The audit row, the commit, then committed(changes): how every write ends.
    Result<void> finish(Transaction &tx, const AuditEntry &entry, const QJsonObject &changes);
    AppError writeRefused(const AppError &error) const;
};

} // namespace caiwu
