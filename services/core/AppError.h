#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace caiwu {

// An error as the API and the command line report it: an HTTP status, a stable
// machine code (the reference's codes) and a message a person can act on.
// Errors are values at module edges; nothing below the HTTP layer throws.
struct AppError {
    int status = 500;
    QByteArray code = "INTERNAL_ERROR";
    QString message;
    QJsonObject details;

    static AppError validation(const QString &message, QJsonObject details = {});
    // A VALIDATION_ERROR about one field: details.path names it, so a form shows it beside the field.
    static AppError field(const QString &path, const QString &message);
    static AppError unauthorized(const QString &message = QStringLiteral("unauthorized"));
    static AppError forbidden(const QString &message);
    static AppError notFound(const QString &message);
    static AppError duplicate(const QString &message);
    static AppError conflict(const QString &message);
    static AppError business(const QString &message);
    static AppError internal(const QString &message);
    static AppError unavailable(const QString &message);

    // `{error, code, details?}`: the reference's error body, never a stack trace.
    QJsonObject toJson() const;
};

} // namespace caiwu
