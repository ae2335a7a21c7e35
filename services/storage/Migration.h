#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace caiwu {

// One numbered schema change, `migrations/NNNN_name.sql`, embedded in the binary.
struct Migration {
    int version = 0;
    QString name;       // "0001_initial"
    QByteArray sql;
    QString checksum;   // SHA-256 of the file, hex

    static Result<Migration> fromFile(const QString &fileName, const QByteArray &sql);
    // The migrations compiled into this binary, in version order.
    static const QList<Migration> &embedded();
    // Migrations from a folder (tests use this to stage broken or changed files).
    static Result<QList<Migration>> fromDirectory(const QString &dir);
};

} // namespace caiwu
