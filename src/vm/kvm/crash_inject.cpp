#include "vm/kvm/crash_inject.hpp"

#include <cstdlib>
#include <exception>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "util/error.hpp"

namespace ktstr::vm::kvm {
namespace {

uint64_t number(std::string_view s, std::string_view whole) {
  if (s.empty() || s.size() > 9 || s.find_first_not_of("0123456789") != std::string_view::npos)
    fail("{}={}: '{}' is not a number", kInjectEnv, whole, s);
  return std::stoull(std::string(s));
}

}  // namespace

std::optional<CrashInjection> parse_crash_injection(std::string_view v) {
  if (v.empty()) return std::nullopt;
  size_t c1 = v.find(':');
  if (c1 == std::string_view::npos) fail("{}={}: expected <kind>:<vcpu>[:<ms>]", kInjectEnv, v);
  std::string_view kind = v.substr(0, c1), rest = v.substr(c1 + 1);
  size_t c2 = rest.find(':');
  CrashInjection inj;
  if (kind == "exception") inj.kind = InjectKind::Exception;
  else if (kind == "terminate") inj.kind = InjectKind::Terminate;
  else if (kind == "segv") inj.kind = InjectKind::Segv;
  else if (kind == "abort") inj.kind = InjectKind::Abort;
  else fail("{}={}: kind must be exception, terminate, segv or abort", kInjectEnv, v);
  inj.vcpu = static_cast<uint32_t>(number(rest.substr(0, c2), v));
  if (c2 != std::string_view::npos) inj.after = std::chrono::milliseconds(number(rest.substr(c2 + 1), v));
  return inj;
}

std::optional<CrashInjection> crash_injection_from_env() {
  const char* v = std::getenv(kInjectEnv);
  return v ? parse_crash_injection(v) : std::nullopt;
}

void crash_now(InjectKind kind, uint32_t vcpu) {
  switch (kind) {
    case InjectKind::Exception:
      throw std::runtime_error(fmt::format("injected failure in vCPU {} ({})", vcpu, kInjectEnv));
    case InjectKind::Terminate:
      std::terminate();
    case InjectKind::Segv: {
      // A real fault at a recognisable address, not raise(): the handler
      // must cope with what an actual bug produces.
      volatile uintptr_t addr = 0x10;
      *reinterpret_cast<volatile int*>(addr) = 1;
      break;
    }
    case InjectKind::Abort:
      std::abort();
  }
  std::abort();
}

}  // namespace ktstr::vm::kvm
