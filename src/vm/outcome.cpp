#include "vm/outcome.hpp"

#include <fmt/format.h>

#include "util/files.hpp"

namespace ktstr::vm {

std::optional<std::string> find_panic_line(const std::string& console) {
  size_t pos = console.find("Kernel panic - not syncing");
  if (pos == std::string::npos) return std::nullopt;
  size_t end = console.find('\n', pos);
  return trim(console.substr(pos, end == std::string::npos ? std::string::npos : end - pos));
}

void classify(const Observed& seen, VmOutcome& out) {
  std::string stage = seen.last_stage.empty() ? "" : fmt::format(" (last guest stage: {})", seen.last_stage);
  // A vCPU thread of the own VMM crashed: the VMM, not the guest, failed,
  // whatever the guest managed to report before.
  if (!seen.vcpu_crash.empty()) {
    out.kind = ExitKind::VcpuCrash;
    out.detail = seen.vcpu_crash + stage;
    return;
  }
  if (seen.guest_exit_code) {
    out.kind = ExitKind::Clean;
    out.guest_exit_code = seen.guest_exit_code;
    out.detail = fmt::format("guest exited with code {}", *seen.guest_exit_code);
    return;
  }
  if (auto panic = find_panic_line(out.console)) {
    out.kind = ExitKind::Panic;
    out.detail = *panic + stage;
    return;
  }
  if (!seen.guest_panic_message.empty()) {
    // Guest init hit a fatal error of its own and said so before dying.
    out.kind = ExitKind::NoResult;
    out.detail = "guest init failed: " + seen.guest_panic_message;
    return;
  }
  if (seen.timed_out) {
    out.kind = ExitKind::Timeout;
    out.detail = fmt::format("guest did not finish before the deadline; VM killed{}", stage);
    return;
  }
  if (!seen.backend_failure.empty()) {
    out.kind = ExitKind::BackendError;
    out.detail = seen.backend_failure + stage;
    return;
  }
  if (seen.backend_status && !seen.backend_status->ok()) {
    out.kind = ExitKind::BackendError;
    std::string err = trim(tail_lines(out.backend_stderr, 5));
    out.detail = fmt::format("QEMU {}{}", seen.backend_status->describe(),
                             err.empty() ? "" : ": " + err);
    return;
  }
  out.kind = ExitKind::NoResult;
  out.detail = "VM stopped without the guest reporting a result" +
               (seen.machine_event.empty() ? "" : " (" + seen.machine_event + ")") + stage;
}

}  // namespace ktstr::vm
