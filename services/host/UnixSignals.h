#pragma once

#include <QObject>

class QSocketNotifier;

namespace caiwu {

// Turns SIGTERM and SIGINT into a Qt signal on the main thread (self-pipe), where
// it is safe to stop the services; a signal handler itself may do almost nothing.
class UnixSignals : public QObject {
    Q_OBJECT
public:
    explicit UnixSignals(QObject *parent = nullptr);

Q_SIGNALS:
    void terminationRequested(int signal);

private:
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace caiwu
