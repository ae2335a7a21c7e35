#pragma once

#include <QJsonObject>

namespace caiwu {

// Which slice of a list the client asked for (?limit, ?offset). Without either, a list answers
// as the reference did: its latest 200 as {results}. Asked for a page, it also says how many
// rows there are in all, so the default shape stays what the reference's clients read.
struct ListPage {
    int limit = 200;
    int offset = 0;
    bool asked = false;

    // {results} → {results, total, limit, offset} when a page was asked for.
    void describe(QJsonObject &answer, qint64 total) const
    {
        if (!asked)
            return;
        answer.insert(QStringLiteral("total"), total);
        answer.insert(QStringLiteral("limit"), limit);
        answer.insert(QStringLiteral("offset"), offset);
    }
};

} // namespace caiwu
