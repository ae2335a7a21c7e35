#pragma once

#include <QtGlobal>

namespace caiwu {

// What one client may ask of the server before the guard refuses it.
struct HttpLimits {
    qint64 maxHeaderBytes = 16 * 1024;        // request line + headers → 431 above
    qint64 maxBodyBytes = 12 * 1024 * 1024;   // → 413 above, refused before the body is read
    int maxHeaderCount = 100;                 // → 431 above
    int idleTimeoutMs = 15'000;               // keep-alive connection with no request in progress
    int requestTimeoutMs = 10'000;            // to send a whole head; or a stall while sending the body
    int lingerMs = 2'000;                     // reading and dropping a refused body so the client sees the error
};

} // namespace caiwu
