#pragma once

#include "HttpLimits.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QPair>
#include <QString>

namespace caiwu {

// Parses each HTTP/1.x request on a connection — where it begins and ends, its request
// line, headers and body — and refuses what the appliance will not serve:
// oversized heads (431) and bodies (413), malformed request lines and headers (400),
// request smuggling shapes (Content-Length with Transfer-Encoding, conflicting
// lengths), chunked bodies (411: browsers always send a length), unknown methods
// (501) and other HTTP versions (505). Pure and incremental: feed it bytes as they
// arrive, in any split.
class RequestFramer {
public:
    enum class State { Idle, Head, Body, Failed };

    struct Head {
        QByteArray method;
        QByteArray target;
        int minorVersion = 1;        // HTTP/1.<minor>
        qint64 contentLength = 0;
        bool keepAlive = true;
        bool expectContinue = false;
        QList<QPair<QByteArray, QByteArray>> headers; // as sent; values trimmed
    };

    struct Outcome {
        qsizetype consumed = 0;      // bytes of the input that belong to requests seen so far
        bool headCompleted = false;  // a head was completed by this input (answer 100-continue now)
        bool requestCompleted = false;
        bool bytesAfterRequest = false; // input continued past a complete request (pipelining)
        int errorStatus = 0;         // set once; the connection must then be closed
        QString errorMessage;
    };

    explicit RequestFramer(const HttpLimits &limits);

    // Processes `data`. Stops at the end of the first complete request it finishes,
    // reporting in `bytesAfterRequest` whether more input followed it.
    Outcome feed(QByteArrayView data);

    State state() const { return m_state; }
    const Head &head() const { return m_head; }
    // Body bytes still expected for the current request.
    qint64 bodyRemaining() const { return m_bodyRemaining; }
    // The body of the request just completed (empty without one); the framer keeps no copy.
    QByteArray takeBody() { return std::exchange(m_body, QByteArray()); }

private:
    Outcome fail(Outcome outcome, int status, const QString &message);
    bool parseHead(const QByteArray &block, int *status, QString *message);

    HttpLimits m_limits;
    State m_state = State::Idle;
    QByteArray m_headBuffer;
    Head m_head;
    qint64 m_bodyRemaining = 0;
    QByteArray m_body;
};

} // namespace caiwu
