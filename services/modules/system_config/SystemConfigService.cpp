#include "SystemConfigService.h"

#include "core/Clock.h"
#include "modules/audit/AuditTrail.h"
#include "storage/Database.h"
#include "storage/Sql.h"
#include "storage/Transaction.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <cmath>

namespace caiwu {

namespace {

constexpr qsizetype MaxValueBytes = 64 * 1024;

QJsonValue decode(const QString &text)
{
    const QJsonDocument doc = QJsonDocument::fromJson(('[' + text + ']').toUtf8());
    if (doc.isArray() && doc.array().size() == 1)
        return doc.array().first();
    return text; // a plain string
}

QString encode(const QJsonValue &value)
{
    if (value.isString())
        return value.toString();
    const QByteArray wrapped = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(wrapped.mid(1, wrapped.size() - 2));
}

bool isWhole(const QJsonValue &v, double min, double max)
{
    const double d = v.toDouble();
    return v.isDouble() && d == std::trunc(d) && d >= min && d <= max;
}

// The keys the code reads have a type; a wrong one would silently switch a feature off.
Result<QJsonValue> checked(const QString &key, QJsonValue value)
{
    auto bad = [&key](const QString &expected) {
        return AppError::validation(QStringLiteral("%1 must be %2").arg(key, expected), QJsonObject{{QStringLiteral("path"), QStringLiteral("value")}});
    };
    if (key == QLatin1String("2fa_enabled") || key == QLatin1String("email_notification_enabled")) {
        if (value.isString() && (value.toString() == QLatin1String("true") || value.toString() == QLatin1String("false")))
            value = value.toString() == QLatin1String("true");
        if (!value.isBool())
            return bad(QStringLiteral("true or false"));
    } else if (key == QLatin1String("annual_leave_cycle_months")) {
        if (!isWhole(value, 6, 12) || (value.toInt() != 6 && value.toInt() != 12))
            return bad(QStringLiteral("6 or 12"));
    } else if (key == QLatin1String("annual_leave_days_per_cycle")) {
        if (!isWhole(value, 0, 365))
            return bad(QStringLiteral("a whole number of days from 0 to 365"));
    } else if (key == QLatin1String("annual_leave_overtime_multiplier")) {
        if (!value.isDouble() || value.toDouble() < 0 || value.toDouble() > 10)
            return bad(QStringLiteral("a number from 0 to 10"));
    } else if (value.isUndefined()) {
        return bad(QStringLiteral("given"));
    }
    return value;
}

} // namespace

Result<QList<SystemConfigService::Entry>> SystemConfigService::all()
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    auto q = Sql::run(*db, QStringLiteral("SELECT key, value, description, updated_at, updated_by FROM system_config ORDER BY key"),
                      {}, QStringLiteral("read the system settings"));
    if (!q)
        return q.error();
    QList<Entry> entries;
    while (q->next())
        entries.append(Entry{q->value(0).toString(), decode(q->value(1).toString()), q->value(2).toString(),
                             q->value(3).toLongLong(), q->value(4).toString()});
    return entries;
}

Result<std::optional<SystemConfigService::Entry>> SystemConfigService::find(const QString &key)
{
    auto db = m_db.connection();
    if (!db)
        return db.error();
    auto q = Sql::run(*db, QStringLiteral("SELECT key, value, description, updated_at, updated_by FROM system_config WHERE key = ?"),
                      {key}, QStringLiteral("read a system setting"));
    if (!q)
        return q.error();
    if (!q->next())
        return std::optional<Entry>();
    return std::optional<Entry>(Entry{q->value(0).toString(), decode(q->value(1).toString()), q->value(2).toString(),
                                      q->value(3).toLongLong(), q->value(4).toString()});
}

Result<bool> SystemConfigService::flag(const QString &key, bool fallback)
{
    auto entry = find(key);
    if (!entry)
        return entry.error();
    if (!entry->has_value())
        return fallback;
    const QJsonValue v = (*entry)->value;
    return v.toBool() || v.toString() == QLatin1String("true");
}

Result<void> SystemConfigService::set(const QString &key, const QJsonValue &valueIn, const std::optional<QString> &description,
                                      const QString &actorId, const QString &ip)
{
    static const QRegularExpression keyPattern(QStringLiteral("^[a-z0-9_.-]{1,64}$"));
    if (!keyPattern.match(key).hasMatch())
        return AppError::validation(QStringLiteral("a setting's key is 1 to 64 characters of a-z, 0-9, '_', '.' and '-'"),
                                    QJsonObject{{QStringLiteral("path"), QStringLiteral("key")}});
    auto value = checked(key, valueIn);
    if (!value)
        return value.error();
    const QString text = encode(*value);
    if (text.toUtf8().size() > MaxValueBytes)
        return AppError::validation(QStringLiteral("the value is too large (at most 64 KiB)"),
                                    QJsonObject{{QStringLiteral("path"), QStringLiteral("value")}});
    if (description && description->size() > 500)
        return AppError::validation(QStringLiteral("description is too long (at most 500 characters)"),
                                    QJsonObject{{QStringLiteral("path"), QStringLiteral("description")}});

    auto db = m_db.connection();
    if (!db)
        return db.error();
    auto tx = Transaction::begin(*db);
    if (!tx)
        return tx.error();
    auto before = Sql::run(*db, QStringLiteral("SELECT value FROM system_config WHERE key = ?"), {key},
                           QStringLiteral("read a system setting"));
    if (!before)
        return before.error();
    const QJsonValue from = before->next() ? decode(before->value(0).toString()) : QJsonValue();
    const qint64 now = Clock::nowMs();
    auto q = Sql::run(*db, QStringLiteral("INSERT INTO system_config (key, value, description, updated_at, updated_by) "
                                          "VALUES (?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
                                          "description = COALESCE(excluded.description, description), "
                                          "updated_at = excluded.updated_at, updated_by = excluded.updated_by, "
                                          "version = version + 1"),
                      {key, text, description ? QVariant(*description) : QVariant(QMetaType::fromType<QString>()), now, actorId},
                      QStringLiteral("save a system setting"));
    if (!q)
        return q.error();
    if (auto ok = m_audit.record({actorId, QStringLiteral("update"), QStringLiteral("system_config"), key,
                                  QJsonObject{{QStringLiteral("key"), key}, {QStringLiteral("from"), from}, {QStringLiteral("to"), *value}},
                                  ip});
        !ok)
        return ok.error();
    return tx->commit();
}

} // namespace caiwu
