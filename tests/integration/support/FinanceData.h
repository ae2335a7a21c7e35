#pragma once

#include "ApiClient.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

class TestServer;

// What the finance tests need around the API: master data written straight into the file
// (the master-data routes live in another module), voucher files built in memory and
// uploaded, and the ledger read back for checking.

// An account (currency CNY, USD or USDT: the seeded currencies) with its opening balance.
QString addAccount(const TestServer &server, const QString &name, qint64 openingCents = 0,
                   const QString &currency = QStringLiteral("CNY"), bool active = true);
// An income or expense category.
QString addCategory(const TestServer &server, const QString &name, const QString &kind);
// A site of a project.
QString addSite(const TestServer &server, const QString &projectId, const QString &name);

// Two projects with a site each: what data-scope cases are made of.
struct TwoProjects {
    QString projectA, projectB;
    QString siteA, siteB;   // of projectA, of projectB
};
TwoProjects addTwoProjects(const TestServer &server);

// The body of POST /api/flows.
QJsonObject cashFlowBody(const QString &accountId, const QString &categoryId, const QString &type, qint64 cents,
                         const QString &bizDate, const QString &voucherUrl);

// Small but real files of each accepted type: the magic bytes, then `filler` so that two
// calls with different fillers give different files (different content-hash keys).
QByteArray jpegFile(const QByteArray &filler = "receipt");
QByteArray pngFile(const QByteArray &filler = "receipt");
QByteArray webpFile(const QByteArray &filler = "receipt");
QByteArray pdfFile(const QByteArray &filler = "receipt");

// POST /api/upload/voucher with one multipart part named `field`.
HttpReply uploadFile(const ApiClient &client, const QByteArray &bytes, const QByteArray &fileName = "receipt.jpg",
                     const QByteArray &contentType = "image/jpeg", const QByteArray &field = "file");
// Uploads a fresh JPEG (unique content) and returns its URL; empty (and a QWARN) on failure.
QString uploadVoucher(const ApiClient &client);

// The account's balance as its ledger's last row (in ledger order) says, or its opening
// balance when it has no rows.
qint64 ledgerBalance(const TestServer &server, const QString &accountId);
// Checks the account's whole ledger: rows in ledger order (date, created_at, id) chain
// (each balance_before is the previous balance_after, the first is the opening balance) and
// each row's after = before ± amount. Empty when consistent, else what is wrong.
QString ledgerProblems(const TestServer &server, const QString &accountId);
// opening + Σ income − Σ expense of the account's cash flows + Σ transfers in − Σ transfers out,
// from the records themselves (cash_flows, account_transfers), not from the ledger.
qint64 balanceFromRecords(const TestServer &server, const QString &accountId);
// How many rows `table` holds (a failed request must not have added any).
qint64 countRows(const TestServer &server, const QString &table);
