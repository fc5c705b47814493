#pragma once
// The guest kernel the product itself would boot, found through the same
// discovery (`--kernel` aside): $KTSTR_KERNEL, then ktstr's cache (default
// version, else the newest). Tests that need a real vmlinux skip, naming
// the discovery error, when there is none; they never pin a version or a
// path, so a kernel bump keeps them running.
#include <filesystem>
#include <string>

#include "kernel/kernel_resolve.hpp"
#include "util/error.hpp"

namespace ktstr::monitor::test {

struct RealKernel {
  std::filesystem::path vmlinux, bzimage;
  int hz = 250;
  std::string why_not;  // discovery error when none
};

inline const RealKernel& real_kernel() {
  static const RealKernel k = [] {
    RealKernel r;
    try {
      kernel::ResolveOptions o;
      o.auto_fetch = false;  // unit tests never download
      auto found = kernel::resolve_kernel(std::nullopt, o);
      r.vmlinux = found.vmlinux;
      r.bzimage = found.bzimage;
      r.hz = std::atoi(found.cfg.get("CONFIG_HZ").value_or("250").c_str());
      if (r.hz <= 0) r.hz = 250;
    } catch (const Error& e) {
      r.why_not = e.what();
    }
    return r;
  }();
  return k;
}

inline std::filesystem::path real_vmlinux() { return real_kernel().vmlinux; }

}  // namespace ktstr::monitor::test

#define KTSTR_REQUIRE_REAL_VMLINUX(var)                                                    \
  auto var = ::ktstr::monitor::test::real_vmlinux();                                       \
  if (var.empty())                                                                         \
  GTEST_SKIP() << "no kernel found by ktstr's discovery (`ktstr kernel fetch`): "          \
               << ::ktstr::monitor::test::real_kernel().why_not
