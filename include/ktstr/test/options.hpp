#pragma once
// Per-test options of a KTSTR_TEST (PRODUCT.md §5), spelled as designated
// initializers in declaration order:
//
//   KTSTR_TEST(Fixture, SurvivesSteadyLoad,
//              {.topology = "1n2l2c1t", .scheduler = "fixture", .duration = 1500ms})
//
// Every field is optional; an unset field takes the scheduler's, then the
// product's default.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ktstr/check/thresholds.hpp"
#include "ktstr/scheduler/scheduler_def.hpp"
#include "ktstr/topology/presets.hpp"

namespace ktstr {

// Which scheduler a test runs under: nothing (the kernel's EEVDF), a name
// ("fixture", "simple", a binary name or path, as `ktstr run --scheduler`
// takes it), a definition file (.toml/.json), or a definition built in code.
struct SchedulerSpec {
  std::string name;                                // built-in name, binary name or path
  std::string def_file;                            // --scheduler-def equivalent
  std::optional<scheduler::SchedulerDef> def;      // a definition in code

  SchedulerSpec() = default;
  SchedulerSpec(const char* n) : name(n) {}        // NOLINT: implicit on purpose (.scheduler = "fixture")
  SchedulerSpec(std::string n) : name(std::move(n)) {}  // NOLINT
  SchedulerSpec(scheduler::SchedulerDef d) : def(std::move(d)) {}  // NOLINT
  static SchedulerSpec from_file(std::string path) {
    SchedulerSpec s;
    s.def_file = std::move(path);
    return s;
  }
  bool empty() const { return name.empty() && def_file.empty() && !def; }
};

struct TestOptions {
  // Topology of the base variant: a preset name ("tiny-2llc") or NnLlCcTt
  // ("1n2l2c1t"). Empty: the scheduler definition's, else 1n2l2c1t.
  std::string topology;
  uint64_t memory_mb = 0;  // 0: max(CPUs x 64 MiB, 256 MiB)
  SchedulerSpec scheduler;  // empty: EEVDF
  std::vector<std::string> sched_args;  // appended to the scheduler's own args
  // sched_ext watchdog timeout imposed from the host; unset: 4 s with a
  // scheduler; 0 ms: leave the scheduler's own.
  std::optional<std::chrono::milliseconds> watchdog_timeout;
  // This test's threshold layer: defaults <- scheduler's <- these.
  check::Thresholds thresholds;
  std::vector<std::string> required_flags;  // on in every variant (with what they require)
  std::vector<std::string> excluded_flags;  // never on
  // Which gauntlet presets the test accepts (defaults: 1 node, <= 12 LLCs,
  // <= 192 CPUs); the host's capacity filters further.
  topology::PresetConstraints constraints;
  std::chrono::milliseconds duration{0};  // scenario duration; 0: the scenario's own (2 s)
  uint32_t workers = 0;                   // workers per cgroup; 0: the scenario's own (2)
  // Negative test: passes only if the run fails and the failure text
  // (cause, details, scheduler exit, console) contains this.
  std::string expect_error;
  bool host_only = false;  // the body runs on the host, no VM is booted
  // Host files packed into the guest's /usr/local/bin (payload binaries with
  // their shared libraries, data files).
  std::vector<std::string> include_files;
  std::chrono::seconds timeout{0};  // VM deadline; 0: grows with CPUs and duration
  std::string kernel;               // kernel spec as `ktstr run --kernel`; empty: discovery order
  bool gauntlet = true;             // expand into gauntlet variants when the run asks for them
};

}  // namespace ktstr
