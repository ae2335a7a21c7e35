#include "MasterRecords.h"

#include "Conditions.h"
#include "InUse.h"
#include "core/Clock.h"
#include "core/Json.h"
#include "modules/audit/AuditChanges.h"
#include "modules/audit/AuditTrail.h"
#include "storage/Database.h"
#include "storage/Sql.h"
#include "storage/SqlJson.h"
#include "storage/Transaction.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QStringList>
#include <QUuid>

namespace caiwu {

namespace {

QVariant toSql(const QJsonValue &v, bool json)
{
    if (json)
        return v.isArray() ? QVariant(QString::fromUtf8(Json::bytes(v.toArray()))) : QVariant(QMetaType::fromType<QString>());
    switch (v.type()) {
    case QJsonValue::Bool: return v.toBool() ? 1 : 0;
    case QJsonValue::Double: return qint64(v.toDouble()); // master data holds whole numbers only (cents, flags, orders)
    case QJsonValue::String: return Sql::textOrNull(v.toString());
    default: return QVariant(QMetaType::fromType<QString>());
    }
}

QJsonValue fromSql(const QVariant &v, bool json)
{
    if (!json)
        return SqlJson::value(v);
    const QJsonDocument doc = QJsonDocument::fromJson(v.toString().toUtf8());
    return doc.isArray() ? QJsonValue(doc.array()) : QJsonValue::Null;
}

// An empty optional text is stored as NULL, so it compares as null too.
void blanksToNull(QJsonObject &row)
{
    for (auto it = row.begin(); it != row.end(); ++it)
        if (it.value().isString() && it.value().toString().isEmpty())
            it.value() = QJsonValue::Null;
}

// What the audit row names the record by, beside its key.
QJsonObject named(const QJsonObject &row)
{
    return row.contains(QStringLiteral("name")) ? QJsonObject{{QStringLiteral("name"), row.value(QStringLiteral("name"))}}
                                                 : QJsonObject{};
}

} // namespace

MasterRecords::MasterRecords(Database &db, AuditTrail &audit, MasterTable table)
    : m_db(db)
    , m_audit(audit)
    , m_table(std::move(table))
{
}

AppError MasterRecords::notFound(const QString &key) const
{
    return AppError::notFound(QStringLiteral("没有这个%1：%2").arg(m_table.noun, key));
}

AppError MasterRecords::writeRefused(const AppError &error) const
{
    if (Sql::isUniqueViolation(error))
        return AppError::duplicate(m_table.duplicateMessage);
    return error;
}

Result<QJsonArray> MasterRecords::rows(const Conditions &conditions) const
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    auto q = Sql::run(*db, m_table.select + conditions.where() + QLatin1Char(' ') + m_table.order, conditions.values(),
                      QStringLiteral("list the %1 records").arg(m_table.entity));
    if (!q)
        return q.error();
    QJsonArray shownRows;
    for (const QJsonValue &row : SqlJson::rows(*q))
        shownRows.append(shown(row.toObject()));
    return shownRows;
}

Result<QJsonObject> MasterRecords::find(const QString &key) const
{
    Conditions one;
    one.add(m_table.selectKey + QStringLiteral(" = ?"), {key});
    auto found = rows(one);
    if (!found)
        return found.error();
    if (found->isEmpty())
        return notFound(key);
    return found->first().toObject();
}

QJsonObject MasterRecords::shown(QJsonObject row) const
{
    return row;
}

Result<MasterRecords::Locked> MasterRecords::lock(const QString &key) const
{
    auto tx = Transaction::begin(m_db);
    if (!tx)
        return tx.error();
    QStringList columns;
    for (const MasterColumn &c : m_table.columns)
        columns << c.column;
    auto q = Sql::run(tx->db(), QStringLiteral("SELECT %1, version FROM %2 WHERE %3 = ?").arg(columns.join(QStringLiteral(", ")),
                                                                                           m_table.table, m_table.key),
                      {key}, QStringLiteral("read a %1").arg(m_table.entity));
    if (!q)
        return q.error();
    if (!q->next())
        return notFound(key);
    QJsonObject row;
    for (qsizetype i = 0; i < m_table.columns.size(); ++i)
        row.insert(m_table.columns[i].field, fromSql(q->value(int(i)), m_table.columns[i].json));
    const qint64 version = q->value(int(m_table.columns.size())).toLongLong();
    q->finish();
    return Locked{std::move(tx).value(), row, version};
}

void MasterRecords::bind(const QJsonObject &fields, QStringList *columns, QVariantList *values) const
{
    for (const MasterColumn &c : m_table.columns) {
        if (!fields.contains(c.field))
            continue;
        *columns << c.column;
        *values << toSql(fields.value(c.field), c.json);
    }
}

Result<void> MasterRecords::rewrite(const QSqlDatabase &db, const QString &key, const QJsonObject &fields)
{
    QStringList assignments;
    QVariantList values;
    bind(fields, &assignments, &values);
    for (QString &column : assignments)
        column += QStringLiteral(" = ?");
    if (m_table.stamped) {
        assignments << QStringLiteral("updated_at = ?");
        values << Clock::nowMs();
    }
    values << key;
    // No "AND version = ?": the row was read inside this write transaction, so nobody moved it since.
    auto q = Sql::run(db, QStringLiteral("UPDATE %1 SET %2, version = version + 1 WHERE %3 = ?")
                              .arg(m_table.table, assignments.join(QStringLiteral(", ")), m_table.key),
                      values, QStringLiteral("update a %1").arg(m_table.entity));
    if (!q)
        return writeRefused(q.error());
    return {};
}

Result<void> MasterRecords::finish(Transaction &tx, const AuditEntry &entry, const QJsonObject &changes)
{
    if (auto ok = m_audit.record(entry); !ok)
        return ok;
    if (auto ok = tx.commit(); !ok)
        return ok;
    committed(changes);
    return {};
}

Result<QString> MasterRecords::create(const MasterInput &input, const Actor &by)
{
    auto tx = Transaction::begin(m_db);
    if (!tx)
        return tx.error();
    const QSqlDatabase &db = tx->db();
    QJsonObject row = input.fields;
    blanksToNull(row);
    if (auto ok = prepare(db, {}, row, {}); !ok)
        return ok.error();

    const QString key = m_table.generatedKey ? QUuid::createUuid().toString(QUuid::WithoutBraces)
                                             : row.value(m_table.key).toString();
    QStringList columns{m_table.key};
    QVariantList values{key};
    bind(row, &columns, &values); // a field not given takes the table's default
    if (m_table.stamped) {
        const qint64 now = Clock::nowMs();
        columns << QStringLiteral("created_at") << QStringLiteral("updated_at");
        values << now << now;
    }
    const QString marks = QStringList(columns.size(), QStringLiteral("?")).join(QStringLiteral(", "));
    auto q = Sql::run(db, QStringLiteral("INSERT INTO %1 (%2) VALUES (%3)").arg(m_table.table, columns.join(QStringLiteral(", ")), marks),
                      values, QStringLiteral("create a %1").arg(m_table.entity));
    if (!q)
        return writeRefused(q.error());
    if (auto ok = finish(*tx, {by.id, QStringLiteral("create"), m_table.entity, key, row, by.ip}, {}); !ok)
        return ok.error();
    return key;
}

Result<qint64> MasterRecords::update(const QString &key, const MasterInput &input, const Actor &by)
{
    auto locked = lock(key);
    if (!locked)
        return locked.error();
    const QSqlDatabase &db = locked->tx.db();
    const QJsonObject &before = locked->row;
    const qint64 version = locked->version;
    if (input.version && *input.version != version)
        return AppError::conflict(QStringLiteral("该%1已被修改（现为第 %2 版，你编辑的是第 %3 版），请刷新后再改")
                                      .arg(m_table.noun).arg(version).arg(*input.version));
    QJsonObject row = before;
    for (auto it = input.fields.begin(); it != input.fields.end(); ++it)
        if (row.contains(it.key())) // only the table's settable columns; a create-only field stays as it is
            row.insert(it.key(), it.value());
    blanksToNull(row);
    if (auto ok = prepare(db, key, row, before); !ok)
        return ok.error();
    const QJsonObject changes = AuditChanges::between(before, row);
    if (changes.isEmpty())
        return version;

    QJsonObject changed;
    for (auto it = changes.begin(); it != changes.end(); ++it)
        changed.insert(it.key(), row.value(it.key()));
    if (auto ok = rewrite(db, key, changed); !ok)
        return ok.error();
    if (auto ok = written(db, key, changes); !ok)
        return ok.error();
    QJsonObject detail = named(before);
    detail.insert(QStringLiteral("changes"), changes);
    if (auto ok = finish(locked->tx, {by.id, QStringLiteral("update"), m_table.entity, key, detail, by.ip}, changes); !ok)
        return ok.error();
    return version + 1;
}

Result<void> MasterRecords::remove(const QString &key, const Actor &by)
{
    auto locked = lock(key);
    if (!locked)
        return locked.error();
    const QSqlDatabase &db = locked->tx.db();
    const QJsonObject &before = locked->row;
    const bool retire = m_table.removal == MasterTable::Removal::Retire;
    if (retire && before.value(QStringLiteral("active")).toInteger() == 0)
        return {};
    if (auto ok = removable(db, key, before); !ok)
        return ok.error();

    QJsonObject changes;
    if (retire) {
        if (auto ok = rewrite(db, key, QJsonObject{{QStringLiteral("active"), 0}}); !ok)
            return ok;
        changes.insert(QStringLiteral("active"), QJsonObject{{QStringLiteral("from"), 1}, {QStringLiteral("to"), 0}});
    } else {
        auto q = Sql::run(db, QStringLiteral("DELETE FROM %1 WHERE %2 = ?").arg(m_table.table, m_table.key), {key},
                          QStringLiteral("delete a %1").arg(m_table.entity));
        if (!q)
            return Sql::isForeignKeyViolation(q.error()) ? InUse::stillReferenced(m_table) : q.error();
    }
    return finish(locked->tx, {by.id, QStringLiteral("delete"), m_table.entity, key, retire ? named(before) : before, by.ip}, changes);
}

Result<void> MasterRecords::removable(const QSqlDatabase &db, const QString &key, const QJsonObject &)
{
    if (m_table.removal == MasterTable::Removal::Retire)
        return {};
    return InUse::refuseDeleting(db, m_table, key);
}

Result<void> MasterRecords::written(const QSqlDatabase &, const QString &, const QJsonObject &)
{
    return {};
}

void MasterRecords::committed(const QJsonObject &) {}

} // namespace caiwu
