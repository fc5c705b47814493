#pragma once
// `ktstr run`: one VM per scenario (or the bare host), verdicts back.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "check/result.hpp"
#include "check/thresholds.hpp"
#include "runner/monitor_attach.hpp"
#include "scheduler/scheduler_ref.hpp"
#include "scenario/catalog.hpp"
#include "topology/topology.hpp"
#include "vm/vmm_choice.hpp"

namespace ktstr::runner {

struct ScenarioRunOptions {
  topology::Topology topology;
  vm::Vmm vmm = vm::Vmm::Auto;
  std::optional<std::string> kernel;
  std::optional<uint64_t> memory_mb;
  std::optional<std::chrono::milliseconds> duration;
  std::optional<uint32_t> workers;            // workers per cgroup
  std::optional<std::string> work_type;       // override for swappable cgroups
  std::optional<scheduler::SchedulerRef> scheduler;     // unset: EEVDF
  std::string scheduler_profile = "default";  // flags joined by '+'
  check::Thresholds scheduler_thresholds;     // the scheduler's layer
  check::Thresholds test_thresholds;          // the test's layer
  std::optional<std::chrono::seconds> timeout;
  std::optional<std::chrono::milliseconds> watchdog_timeout;  // unset: 4 s with a scheduler; 0: off
  bool host = false;                          // run on this machine, no VM
  MonitorOptions monitor;                     // host-side monitor (runner/monitor_attach.hpp)
  bool kaslr = false;                         // boot the bzImage with KASLR (GuestRunOptions::kaslr)
};

enum class Verdict { Pass, Fail, Skip };
const char* to_string(Verdict v);

struct ScenarioVerdict {
  std::string name;
  Verdict verdict = Verdict::Fail;
  double seconds = 0;
  check::CheckResult result;
  nlohmann::json scheduler;   // the guest's scheduler report, if any
  nlohmann::json watchdog;    // what the host-side watchdog shortener did
  nlohmann::json monitor;     // samples summary, verdicts, timeline, BPF programs
  std::string monitor_text;   // failure-report sections: timeline per phase, monitor summary
  std::string failure_text;   // VM-level failure (panic, timeout...) with console tail
  nlohmann::json vmm;         // which VMM booted it and why
  std::string kernel;         // release the guest booted ("" if none booted); for run records
  bool abandoned_threads = false;  // a vCPU thread crashed on a signal: stop running VMs
  nlohmann::json to_json() const;
};

// The layout scenarios resolve against on the host side, from the model
// (the guest re-reads its own from sysfs).
scenario::CpuLayout layout_for(const topology::Topology& t);

// Builds the scenario for the topology, applies overrides, validates it on
// the host (Error, exit 2, for bad input) and decides skips before booting.
scenario::Scenario prepare_scenario(const scenario::catalog::Entry& e, const ScenarioRunOptions& o);

ScenarioVerdict run_scenario(const scenario::catalog::Entry& e, const ScenarioRunOptions& o);

// The human-readable block for one verdict (a single line for a pass).
std::string format_verdict(const ScenarioVerdict& v);

}  // namespace ktstr::runner
