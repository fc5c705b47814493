#pragma once
// Progress and diagnostics go to stderr so stdout stays the verdict/JSON.
#include <fmt/format.h>

namespace ktstr::log {

enum class Level { quiet = 0, normal = 1, verbose = 2 };
void set_level(Level l);
Level level();

template <typename... Args>
void info(fmt::format_string<Args...> f, Args&&... a) {
  if (level() >= Level::normal) fmt::print(stderr, "ktstr: {}\n", fmt::format(f, std::forward<Args>(a)...));
}
template <typename... Args>
void debug(fmt::format_string<Args...> f, Args&&... a) {
  if (level() >= Level::verbose) fmt::print(stderr, "ktstr: {}\n", fmt::format(f, std::forward<Args>(a)...));
}
template <typename... Args>
void warn(fmt::format_string<Args...> f, Args&&... a) {
  fmt::print(stderr, "ktstr: warning: {}\n", fmt::format(f, std::forward<Args>(a)...));
}

}  // namespace ktstr::log
