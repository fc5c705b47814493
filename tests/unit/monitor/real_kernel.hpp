#pragma once
// The cached Debian 7.2 kernel, when present; tests needing it skip without.
#include <cstdlib>
#include <filesystem>

namespace ktstr::monitor::test {

inline std::filesystem::path real_vmlinux() {
  const char* home = std::getenv("HOME");
  if (!home) return {};
  std::filesystem::path p = std::filesystem::path(home) / ".cache/ktstr/kernels/7.2.13+deb14-amd64/vmlinux";
  std::error_code ec;
  return std::filesystem::is_regular_file(p, ec) ? p : std::filesystem::path{};
}

}  // namespace ktstr::monitor::test

#define KTSTR_REQUIRE_REAL_VMLINUX(var)                                              \
  auto var = ::ktstr::monitor::test::real_vmlinux();                                 \
  if (var.empty()) GTEST_SKIP() << "no cached 7.2.13+deb14-amd64 kernel (ktstr kernel fetch)"
