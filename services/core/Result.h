#pragma once

#include "AppError.h"

#include <utility>
#include <variant>

namespace caiwu {

// A value or the AppError that explains why there is none (std::expected is C++23;
// GCC 12 does not ship it). Check with `ok()` / `operator bool` before `value()`.
template<typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : m_state(std::in_place_index<0>, std::move(value)) {}
    Result(AppError error) : m_state(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return m_state.index() == 0; }
    explicit operator bool() const { return ok(); }

    T &value() & { return std::get<0>(m_state); }
    const T &value() const & { return std::get<0>(m_state); }
    T &&value() && { return std::get<0>(std::move(m_state)); }
    const AppError &error() const { return std::get<1>(m_state); }

    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }
    T &operator*() & { return value(); }
    const T &operator*() const & { return value(); }

private:
    std::variant<T, AppError> m_state;
};

// A Result that carries no value: success, or the error.
template<>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(AppError error) : m_error(std::move(error)), m_failed(true) {}

    bool ok() const { return !m_failed; }
    explicit operator bool() const { return ok(); }
    const AppError &error() const { return m_error; }

private:
    AppError m_error;
    bool m_failed = false;
};

} // namespace caiwu
