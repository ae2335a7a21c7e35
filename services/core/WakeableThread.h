#pragma once

#include <QtGlobal>

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace caiwu {

// A background loop that sleeps between rounds and can be woken early or stopped:
// the shape of the mail sender and the mail client's hand-over. `body` runs on the
// thread until it returns; it calls sleep() between rounds.
class WakeableThread {
public:
    WakeableThread() = default;
    ~WakeableThread() { stop(); }
    WakeableThread(const WakeableThread &) = delete;
    WakeableThread &operator=(const WakeableThread &) = delete;

    void start(std::function<void()> body);
    // Asks the loop to end and waits for it.
    void stop();
    // Ends the current (or next) sleep early.
    void wake();

    // Sleeps up to `ms`, or until woken or stopped; false once stopping.
    bool sleep(qint64 ms);
    bool stopping() const;

private:
    mutable std::mutex m_mutex;
    std::condition_variable m_condition;
    bool m_stopping = false;
    bool m_woken = false;
    std::thread m_thread;
};

} // namespace caiwu
