#pragma once

#include "Result.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace caiwu::Json {

// A request body that must be a JSON object; anything else is 400 "Invalid JSON".
Result<QJsonObject> parseObject(const QByteArray &body);

inline QByteArray bytes(const QJsonObject &object) { return QJsonDocument(object).toJson(QJsonDocument::Compact); }
inline QByteArray bytes(const QJsonArray &array) { return QJsonDocument(array).toJson(QJsonDocument::Compact); }

} // namespace caiwu::Json
