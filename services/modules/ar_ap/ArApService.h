#pragma once

#include "core/Result.h"
#include "modules/ListPage.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <memory>

namespace caiwu {

class AuditTrail;
class CashFlowService;
class Database;
struct AuthSession;

// A receivable (AR, money owed to the office) or payable (AP, owed by it).
struct NewDocument {
    QString kind;         // AR | AP
    QString partyId;
    QString siteId;
    QString departmentId;
    QString issueDate;    // empty: today in the office
    QString dueDate;
    QString docNo;        // empty: AR|AP + YYYYMMDD-NNN
    QString memo;
    qint64 amountCents = 0;
};

// Settling what is still open in one step: a cash flow for the remaining amount, booked into
// an account, linked as the document's settlement.
struct Confirmation {
    QString docId;
    QString accountId;
    QString categoryId;
    QString bizDate;
    QString method;
    QString memo;
    QStringList voucherUrls;
};

// Receivables and payables (reference §1.4) with their settlements. A document's status
// follows its settlements (open → partially_settled → settled); a confirmation settles the
// rest through a new cash flow and marks it confirmed — exactly once. The flow, the
// settlement and the status change commit together.
class ArApService {
public:
    // Shares the cash-flow service: a confirmation records its flow through it, so it must live
    // as long as this service does (the route installer's copy goes out of scope).
    ArApService(Database &db, AuditTrail &audit, std::shared_ptr<CashFlowService> flows, QString timeZone);

    struct Created {
        QString id;
        QString number;   // docNo, or the voucher number of a confirmation's flow
    };

    Result<Created> create(const NewDocument &document, const AuthSession &who, const QString &ip);
    // Newest first; kind "AR"/"AP" or both when empty; within the caller's data scope.
    // {results} (+ total, limit, offset when a page was asked for).
    Result<QJsonObject> list(const QString &kind, const QString &status, const ListPage &page, const AuthSession &who);
    Result<QJsonObject> find(const QString &docId, const AuthSession &who);
    Result<QString> settle(const QString &docId, const QString &flowId, qint64 amountCents, const QString &settleDate,
                           const AuthSession &who, const QString &ip);
    Result<QJsonObject> settlements(const QString &docId, const AuthSession &who);
    // {doc, settlements, settledCents, remainingCents}
    Result<QJsonObject> statement(const QString &docId, const AuthSession &who);
    Result<Created> confirm(const Confirmation &confirmation, const AuthSession &who, const QString &ip);

private:
    QString today() const;

    Database &m_db;
    AuditTrail &m_audit;
    std::shared_ptr<CashFlowService> m_flows;
    QString m_timeZone;
};

} // namespace caiwu
