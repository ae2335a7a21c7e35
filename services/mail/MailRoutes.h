#pragma once

#include <QByteArray>

#include <functional>

namespace caiwu {

class Outbox;
class Router;

// The mail service's HTTP contract, as the reference's email worker: GET /health and
// POST /send {to, subject, html?, text?} → {success:true, id} once the message is in
// the outbox. With a token set, x-email-token must match (401 otherwise).
void registerMailRoutes(Router &router, Outbox &outbox, QByteArray token, std::function<void()> accepted);

} // namespace caiwu
