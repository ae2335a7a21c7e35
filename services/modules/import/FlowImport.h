#pragma once

#include "core/Result.h"

#include <QByteArray>

namespace caiwu {

class AuditTrail;
class CashFlowService;
class Database;
struct AuthSession;

// Importing cash flows from a CSV file (reference §6.3, with a real parser and real checks).
// Row 1 is the header (names case-insensitive): biz_date, type (income/expense), account_id,
// and amount (in currency units, e.g. 1234.50) or amount_cents are required; site_id,
// department_id, category_id, counterparty, memo, voucher_no, method are optional. An account,
// category or site may be given by id or by its exact name. Every row is checked before
// anything is written; if any row is wrong nothing is imported and the answer lists each
// problem with its row and column (at most 100). Otherwise all rows are recorded, numbered and
// posted to the ledger in one transaction.
class FlowImport {
public:
    static constexpr qsizetype MaxRows = 50'000;
    static constexpr int MaxErrors = 100;

    FlowImport(Database &db, AuditTrail &audit, CashFlowService &flows) : m_db(db), m_audit(audit), m_flows(flows) {}

    // The number of flows recorded, or VALIDATION_ERROR with details.errors [{row, column, message}].
    Result<int> run(const QByteArray &csv, const AuthSession &who, const QString &ip);

private:
    Database &m_db;
    AuditTrail &m_audit;
    CashFlowService &m_flows;
};

} // namespace caiwu
