#pragma once
// Test-only: make a vCPU thread crash on purpose, to prove the crash path.
//   KTSTR_KVM_INJECT_CRASH=<kind>:<vcpu>[:<ms>]
// kind = exception | terminate | segv | abort; vcpu = CPU number; ms = how
// long after the VM started (default 0: at once). Read only by the KVM
// backend; unset in normal use.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace ktstr::vm::kvm {

enum class InjectKind { Exception = 1, Terminate, Segv, Abort };

struct CrashInjection {
  InjectKind kind = InjectKind::Exception;
  uint32_t vcpu = 0;
  std::chrono::milliseconds after{0};
};

constexpr const char* kInjectEnv = "KTSTR_KVM_INJECT_CRASH";

// Throws Error for a malformed value (the user set it, so say what is wrong).
std::optional<CrashInjection> parse_crash_injection(std::string_view value);
std::optional<CrashInjection> crash_injection_from_env();

// Crashes the calling thread the requested way; does not return.
[[noreturn]] void crash_now(InjectKind kind, uint32_t vcpu);

}  // namespace ktstr::vm::kvm
