#pragma once
// A value or the reason there is none. Reads of guest memory fail routinely
// (the guest is untrusted and changes under us), so they return errors
// instead of throwing; C++20 has no std::expected yet.
#include <optional>
#include <string>
#include <utility>

#include <fmt/format.h>

namespace ktstr::monitor {

struct Unexpected {
  std::string what;
};

template <typename... Args>
Unexpected unexpected(fmt::format_string<Args...> f, Args&&... args) {
  return {fmt::format(f, std::forward<Args>(args)...)};
}

template <typename T>
class [[nodiscard]] Expected {
 public:
  Expected(T v) : value_(std::move(v)) {}
  Expected(Unexpected e) : error_(std::move(e.what)) {}

  bool ok() const { return value_.has_value(); }
  explicit operator bool() const { return ok(); }
  const T& value() const { return *value_; }
  T& value() { return *value_; }
  const T& operator*() const { return *value_; }
  const T* operator->() const { return &*value_; }
  T value_or(T dflt) const { return value_ ? *value_ : dflt; }
  // Empty when ok().
  const std::string& error() const { return error_; }

 private:
  std::optional<T> value_;
  std::string error_;
};

}  // namespace ktstr::monitor
