#pragma once
// Turning what the host saw into an ExitKind + explanation (pure logic).
#include <optional>
#include <string>

#include "util/process.hpp"
#include "vm/vm_spec.hpp"

namespace ktstr::vm {

struct Observed {
  bool timed_out = false;
  std::optional<ExitStatus> backend_status;  // nullopt if we had to kill it
  std::optional<int> guest_exit_code;
  std::string last_stage;                    // last Stage message from the guest
  std::string guest_panic_message;           // Panic message from guest init
  // Own VMM only (no backend process whose status could tell):
  std::string vcpu_crash;                    // "vCPU N crashed: <reason>"
  std::string backend_failure;               // KVM refused to go on (internal error, entry failure)
  std::string machine_event;                 // how the VM ended: "guest powered off", "triple fault", ...
};

// Fills kind and detail of `out` (console/backend_stderr must be set).
void classify(const Observed& seen, VmOutcome& out);

// The "Kernel panic - not syncing: ..." line, if the console has one.
std::optional<std::string> find_panic_line(const std::string& console);

}  // namespace ktstr::vm
