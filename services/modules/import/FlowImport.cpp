#include "FlowImport.h"

#include "auth/AuthSession.h"
#include "core/BusinessDate.h"
#include "core/CsvReader.h"
#include "core/Money.h"
#include "modules/audit/AuditTrail.h"
#include "modules/cash_flows/CashFlowService.h"
#include "storage/Database.h"
#include "storage/Sql.h"
#include "storage/Transaction.h"

#include <QHash>
#include <QJsonArray>

namespace caiwu {

namespace {

const QStringList Required = {QStringLiteral("biz_date"), QStringLiteral("type"), QStringLiteral("account_id")};
const QStringList Known = {QStringLiteral("biz_date"),      QStringLiteral("type"),       QStringLiteral("account_id"),
                           QStringLiteral("amount"),        QStringLiteral("amount_cents"), QStringLiteral("site_id"),
                           QStringLiteral("department_id"), QStringLiteral("category_id"), QStringLiteral("counterparty"),
                           QStringLiteral("memo"),          QStringLiteral("voucher_no"),  QStringLiteral("method")};

// The JSON field a service error names, as the CSV column the person typed.
QString columnOf(const QString &path)
{
    static const QHash<QString, QString> columns{
        {QStringLiteral("bizDate"), QStringLiteral("biz_date")},   {QStringLiteral("accountId"), QStringLiteral("account_id")},
        {QStringLiteral("categoryId"), QStringLiteral("category_id")}, {QStringLiteral("siteId"), QStringLiteral("site_id")},
        {QStringLiteral("departmentId"), QStringLiteral("department_id")}, {QStringLiteral("amountCents"), QStringLiteral("amount")},
        {QStringLiteral("voucherNo"), QStringLiteral("voucher_no")}};
    return columns.value(path, path);
}

// Ids and exact names of the rows of one master-data table, for resolving what a row names.
struct Lookup {
    QHash<QString, QString> ids;              // id → extra (kind, project)
    QHash<QString, QStringList> idsByName;    // name → ids (more than one: ambiguous)
    // The id a cell names; empty with *problem set when it names nothing or several.
    QString resolve(const QString &cell, const QString &what, QString *problem) const
    {
        if (ids.contains(cell))
            return cell;
        const QStringList byName = idsByName.value(cell);
        if (byName.size() == 1)
            return byName.first();
        *problem = byName.isEmpty() ? QStringLiteral("no %1 with id or name '%2'").arg(what, cell)
                                    : QStringLiteral("more than one %1 is named '%2'; use its id").arg(what, cell);
        return {};
    }
};

Result<Lookup> load(const QSqlDatabase &db, const QString &sql)
{
    auto q = Sql::run(db, sql, {}, QStringLiteral("read the master data"));
    if (!q)
        return q.error();
    Lookup lookup;
    while (q->next()) {
        lookup.ids.insert(q->value(0).toString(), q->value(2).toString());
        lookup.idsByName[q->value(1).toString()] << q->value(0).toString();
    }
    return lookup;
}

} // namespace

Result<int> FlowImport::run(const QByteArray &csv, const AuthSession &who, const QString &ip)
{
    auto records = CsvReader::parse(csv, MaxRows + 1);
    if (!records)
        return records.error();
    if (records->size() < 2)
        return AppError::validation(QStringLiteral("没有数据行: the file needs a header row and at least one row of data"));
    QHash<QString, int> column;
    const QStringList header = records->first();
    for (int i = 0; i < header.size(); ++i) {
        const QString name = header[i].trimmed().toLower();
        if (!Known.contains(name))
            return AppError::validation(QStringLiteral("unknown column '%1'; the columns are %2").arg(header[i], Known.join(QStringLiteral(", "))));
        column.insert(name, i);
    }
    QStringList missing;
    for (const QString &name : Required)
        if (!column.contains(name))
            missing << name;
    if (!column.contains(QStringLiteral("amount")) && !column.contains(QStringLiteral("amount_cents")))
        missing << QStringLiteral("amount");
    if (!missing.isEmpty())
        return AppError::validation(QStringLiteral("缺少必要列: %1").arg(missing.join(QStringLiteral(", "))));

    auto tx = Transaction::begin(m_db);
    if (!tx)
        return tx.error();
    const QSqlDatabase &db = tx->db();
    auto accounts = load(db, QStringLiteral("SELECT id, name, active FROM accounts"));
    auto categories = load(db, QStringLiteral("SELECT id, name, kind FROM categories"));
    auto sites = load(db, QStringLiteral("SELECT id, name, department_id FROM sites"));
    for (const auto *lookup : {&accounts, &categories, &sites})
        if (!*lookup)
            return lookup->error();

    QJsonArray errors;
    auto problem = [&errors](int row, const QString &col, const QString &message) {
        if (errors.size() < MaxErrors)
            errors.append(QJsonObject{{QStringLiteral("row"), row}, {QStringLiteral("column"), col}, {QStringLiteral("message"), message}});
    };
    QList<NewCashFlow> flows;
    for (qsizetype r = 1; r < records->size(); ++r) {
        const QStringList &cells = records->at(r);
        const int row = int(r) + 1; // as a spreadsheet numbers it, the header being row 1
        auto cell = [&](const QString &name) { return column.contains(name) ? cells.value(column[name]).trimmed() : QString(); };
        NewCashFlow f;
        f.voucherOptional = true;
        f.bizDate = cell(QStringLiteral("biz_date"));
        if (!BusinessDate::isValid(f.bizDate))
            problem(row, QStringLiteral("biz_date"), QStringLiteral("'%1' is not a date such as 2026-03-31").arg(f.bizDate));
        f.type = cell(QStringLiteral("type")).toLower();
        if (f.type != QLatin1String("income") && f.type != QLatin1String("expense"))
            problem(row, QStringLiteral("type"), QStringLiteral("type must be income or expense, not '%1'").arg(f.type));
        QString why;
        f.accountId = accounts->resolve(cell(QStringLiteral("account_id")), QStringLiteral("account"), &why);
        if (f.accountId.isEmpty())
            problem(row, QStringLiteral("account_id"), why);
        else if (accounts->ids.value(f.accountId) != QLatin1String("1"))
            problem(row, QStringLiteral("account_id"), QStringLiteral("the account is not active"));
        if (column.contains(QStringLiteral("amount_cents")) && !cell(QStringLiteral("amount_cents")).isEmpty()) {
            bool ok = false;
            f.amountCents = cell(QStringLiteral("amount_cents")).toLongLong(&ok);
            if (!ok || f.amountCents <= 0)
                problem(row, QStringLiteral("amount_cents"), QStringLiteral("amount_cents must be a whole number of cents above zero"));
        } else {
            auto cents = Money::centsFromUnits(cell(QStringLiteral("amount")));
            if (cents)
                f.amountCents = *cents;
            else
                problem(row, QStringLiteral("amount"), cents.error().message);
        }
        if (const QString c = cell(QStringLiteral("category_id")); !c.isEmpty()) {
            f.categoryId = categories->resolve(c, QStringLiteral("category"), &why);
            if (f.categoryId.isEmpty())
                problem(row, QStringLiteral("category_id"), why);
            else if (categories->ids.value(f.categoryId) != f.type && !f.type.isEmpty())
                problem(row, QStringLiteral("category_id"), QStringLiteral("the category is for %1, not %2").arg(categories->ids.value(f.categoryId), f.type));
        }
        if (const QString s = cell(QStringLiteral("site_id")); !s.isEmpty()) {
            f.siteId = sites->resolve(s, QStringLiteral("site"), &why);
            if (f.siteId.isEmpty())
                problem(row, QStringLiteral("site_id"), why);
        }
        f.departmentId = cell(QStringLiteral("department_id"));
        f.counterparty = cell(QStringLiteral("counterparty")).left(200);
        f.memo = cell(QStringLiteral("memo")).left(1000);
        f.voucherNo = cell(QStringLiteral("voucher_no"));
        f.method = cell(QStringLiteral("method")).left(50);
        flows << f;
    }
    if (errors.isEmpty()) {
        // What only the database can say (a voucher number taken, a project outside the
        // caller's scope) is found while recording; the first such row stops the import.
        for (qsizetype i = 0; i < flows.size(); ++i) {
            auto recorded = m_flows.record(db, flows[i], who, ip);
            if (!recorded) {
                problem(int(i) + 2, columnOf(recorded.error().details.value(QStringLiteral("path")).toString()),
                        recorded.error().message);
                if (recorded.error().status >= 500 || recorded.error().status == 403)
                    return recorded.error();
                break;
            }
        }
    }
    if (!errors.isEmpty())
        return AppError::validation(QStringLiteral("nothing was imported: %1 problem(s), the first in row %2: %3")
                                        .arg(errors.size())
                                        .arg(errors.first().toObject().value(QStringLiteral("row")).toInt())
                                        .arg(errors.first().toObject().value(QStringLiteral("message")).toString()),
                                    QJsonObject{{QStringLiteral("errors"), errors}});
    if (auto ok = m_audit.record({who.userId, QStringLiteral("import"), QStringLiteral("cash_flow"), {},
                                  QJsonObject{{QStringLiteral("rows"), int(flows.size())}}, ip});
        !ok)
        return ok.error();
    if (auto ok = tx->commit(); !ok)
        return ok.error();
    return int(flows.size());
}

} // namespace caiwu
