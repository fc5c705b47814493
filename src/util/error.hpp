#pragma once
// Errors crossing module boundaries carry context and an exit-code class.
#include <stdexcept>
#include <string>

#include <fmt/format.h>

namespace ktstr {

// Exit codes mean something (README "Exit codes"): 0 pass, 1 test failure,
// 2 usage or environment error.
enum ExitCode : int { kExitPass = 0, kExitFailure = 1, kExitUsage = 2 };

// A usage or environment problem: bad input, missing tool, missing kernel.
// The CLI maps it to exit code 2 and prints what() verbatim.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

template <typename... Args>
[[noreturn]] void fail(fmt::format_string<Args...> f, Args&&... args) {
  throw Error(fmt::format(f, std::forward<Args>(args)...));
}

// Like fail() but appends strerror(errno) — for failed syscalls.
[[noreturn]] void fail_errno(const std::string& what);

}  // namespace ktstr
