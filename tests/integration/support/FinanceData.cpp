#include "FinanceData.h"

#include "TestServer.h"

#include <QAtomicInteger>
#include <QJsonArray>
#include <QUuid>

namespace {

QString newId() { return QUuid::createUuid().toString(QUuid::WithoutBraces); }

qint64 scalar(const TestServer &server, const QString &sql, const QVariantList &values = {})
{
    return querySql(server, sql, values).value(0).value(0).toLongLong();
}

} // namespace

QString addAccount(const TestServer &server, const QString &name, qint64 openingCents, const QString &currency, bool active)
{
    const QString id = newId();
    const bool ok = execSql(server,
                            QStringLiteral("INSERT INTO accounts (id, name, type, currency, opening_cents, active) "
                                           "VALUES (?, ?, 'bank', ?, ?, ?)"),
                            {id, name, currency, openingCents, active ? 1 : 0});
    return ok ? id : QString();
}

QString addCategory(const TestServer &server, const QString &name, const QString &kind)
{
    const QString id = newId();
    const bool ok = execSql(server, QStringLiteral("INSERT INTO categories (id, name, kind) VALUES (?, ?, ?)"), {id, name, kind});
    return ok ? id : QString();
}

QString addSite(const TestServer &server, const QString &projectId, const QString &name)
{
    const QString id = newId();
    const bool ok = execSql(server, QStringLiteral("INSERT INTO sites (id, department_id, name, created_at) VALUES (?, ?, ?, 0)"),
                            {id, projectId, name});
    return ok ? id : QString();
}

TwoProjects addTwoProjects(const TestServer &server)
{
    TwoProjects p;
    p.projectA = addProject(server, QStringLiteral("项目甲"));
    p.projectB = addProject(server, QStringLiteral("项目乙"));
    p.siteA = addSite(server, p.projectA, QStringLiteral("甲站"));
    p.siteB = addSite(server, p.projectB, QStringLiteral("乙站"));
    return p;
}

QJsonObject cashFlowBody(const QString &accountId, const QString &categoryId, const QString &type, qint64 cents,
                         const QString &bizDate, const QString &voucherUrl)
{
    return {{QStringLiteral("accountId"), accountId}, {QStringLiteral("categoryId"), categoryId},
            {QStringLiteral("bizDate"), bizDate},     {QStringLiteral("type"), type},
            {QStringLiteral("amountCents"), cents},   {QStringLiteral("voucherUrls"), QJsonArray{voucherUrl}}};
}

QByteArray jpegFile(const QByteArray &filler)
{
    // SOI, an APP0/JFIF segment, then the filler; the store decides by the first bytes.
    return QByteArray("\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00", 20) + filler
        + QByteArray("\xFF\xD9", 2);
}

QByteArray pngFile(const QByteArray &filler)
{
    return QByteArray("\x89PNG\r\n\x1A\n\x00\x00\x00\x0DIHDR", 16) + filler;
}

QByteArray webpFile(const QByteArray &filler)
{
    const QByteArray payload = "VP8 " + filler;
    const quint32 size = quint32(4 + payload.size());
    QByteArray riffSize(4, '\0');
    for (int i = 0; i < 4; ++i)
        riffSize[i] = char((size >> (8 * i)) & 0xFF);
    return "RIFF" + riffSize + "WEBP" + payload;
}

QByteArray pdfFile(const QByteArray &filler)
{
    return "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<< /Title (" + filler + ") >>\nendobj\n%%EOF\n";
}

HttpReply uploadFile(const ApiClient &client, const QByteArray &bytes, const QByteArray &fileName, const QByteArray &contentType,
                     const QByteArray &field)
{
    const QByteArray boundary = "----caiwu-test-" + QUuid::createUuid().toByteArray(QUuid::Id128);
    const QByteArray body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field + "\"; filename=\"" + fileName
        + "\"\r\nContent-Type: " + contentType + "\r\n\r\n" + bytes + "\r\n--" + boundary + "--\r\n";
    QList<QPair<QByteArray, QByteArray>> headers{{"Content-Type", "multipart/form-data; boundary=" + boundary}};
    if (!client.token().isEmpty())
        headers.append({"Authorization", "Bearer " + client.token()});
    return httpRequest(client.port(), "POST", "/api/upload/voucher", body, headers);
}

QString uploadVoucher(const ApiClient &client)
{
    static QAtomicInteger<quint64> serial;
    const HttpReply reply = uploadFile(client, jpegFile("voucher-" + QByteArray::number(++serial) + '-' + newId().toLatin1()));
    const QString url = reply.json().value(QStringLiteral("url")).toString();
    if (reply.status != 200 || url.isEmpty())
        qWarning("upload failed: %d %s", reply.status, reply.body.constData());
    return url;
}

qint64 ledgerBalance(const TestServer &server, const QString &accountId)
{
    const auto rows = querySql(server,
                               QStringLiteral("SELECT balance_after_cents FROM account_transactions WHERE account_id = ? "
                                              "ORDER BY transaction_date DESC, created_at DESC, id DESC LIMIT 1"),
                               {accountId});
    if (!rows.isEmpty())
        return rows.first().value(0).toLongLong();
    return scalar(server, QStringLiteral("SELECT opening_cents FROM accounts WHERE id = ?"), {accountId});
}

QString ledgerProblems(const TestServer &server, const QString &accountId)
{
    qint64 running = scalar(server, QStringLiteral("SELECT opening_cents FROM accounts WHERE id = ?"), {accountId});
    const auto rows = querySql(server,
                               QStringLiteral("SELECT id, transaction_type, amount_cents, balance_before_cents, balance_after_cents "
                                              "FROM account_transactions WHERE account_id = ? "
                                              "ORDER BY transaction_date, created_at, id"),
                               {accountId});
    for (int i = 0; i < rows.size(); ++i) {
        const QVariantList &r = rows[i];
        const qint64 amount = r[2].toLongLong();
        const qint64 delta = r[1].toString() == QLatin1String("expense") ? -amount : amount;
        if (r[3].toLongLong() != running)
            return QStringLiteral("row %1 (%2) starts at %3, the row before ends at %4")
                .arg(i).arg(r[0].toString()).arg(r[3].toLongLong()).arg(running);
        if (r[4].toLongLong() != running + delta)
            return QStringLiteral("row %1 (%2) ends at %3, not %4").arg(i).arg(r[0].toString()).arg(r[4].toLongLong()).arg(running + delta);
        running += delta;
    }
    return {};
}

qint64 balanceFromRecords(const TestServer &server, const QString &accountId)
{
    return scalar(server,
                  QStringLiteral("SELECT a.opening_cents "
                                 "+ (SELECT COALESCE(SUM(CASE type WHEN 'income' THEN amount_cents ELSE -amount_cents END), 0) "
                                 "   FROM cash_flows WHERE account_id = a.id) "
                                 "+ (SELECT COALESCE(SUM(to_amount_cents), 0) FROM account_transfers WHERE to_account_id = a.id) "
                                 "- (SELECT COALESCE(SUM(from_amount_cents), 0) FROM account_transfers WHERE from_account_id = a.id) "
                                 "FROM accounts a WHERE a.id = ?"),
                  {accountId});
}

qint64 countRows(const TestServer &server, const QString &table)
{
    return scalar(server, QStringLiteral("SELECT count(*) FROM ") + table);
}
