#include "WakeableThread.h"

#include <chrono>

namespace caiwu {

void WakeableThread::start(std::function<void()> body)
{
    if (m_thread.joinable())
        return;
    {
        std::lock_guard lock(m_mutex);
        m_stopping = false;
        m_woken = false;
    }
    m_thread = std::thread(std::move(body));
}

void WakeableThread::stop()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_condition.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

void WakeableThread::wake()
{
    {
        std::lock_guard lock(m_mutex);
        m_woken = true;
    }
    m_condition.notify_all();
}

bool WakeableThread::sleep(qint64 ms)
{
    std::unique_lock lock(m_mutex);
    if (ms > 0)
        m_condition.wait_for(lock, std::chrono::milliseconds(ms), [this] { return m_stopping || m_woken; });
    m_woken = false;
    return !m_stopping;
}

bool WakeableThread::stopping() const
{
    std::lock_guard lock(m_mutex);
    return m_stopping;
}

} // namespace caiwu
