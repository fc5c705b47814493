#pragma once
// What one worker tells the checks (PRODUCT.md §2 "Workers", §3 "Checks").
// Everything is plain data so it can cross the worker->parent boundary and
// the guest->host channel as JSON.
#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "util/cpu_list.hpp"

namespace ktstr::workload {

// How the worker's process ended, from the parent's point of view.
enum class ExitKind {
  Reported,      // ran, was asked to stop, wrote its report, exited 0
  Failed,        // wrote a report but its work loop hit an error (see `error`)
  Exited,        // exited with a non-zero code and no report
  Signaled,      // killed by a signal before reporting
  Timeout,       // did not stop by the deadline; killed with SIGKILL
  NeverStarted,  // stopped before start() released it
  BadReport,     // exited 0 but the report could not be decoded
};

// /proc/self/schedstat deltas over the run (needs CONFIG_SCHED_INFO).
struct SchedstatDelta {
  bool available = false;
  uint64_t cpu_time_ns = 0;   // time spent on a CPU
  uint64_t run_delay_ns = 0;  // time spent runnable but waiting on a run queue
  uint64_t run_count = 0;     // number of times it was scheduled in
  bool operator==(const SchedstatDelta&) const = default;
};

struct WorkerReport {
  pid_t pid = 0;
  size_t index = 0;           // position in its WorkerGroup
  std::string work_type;      // WorkType::name()

  uint64_t work_units = 0;    // counted units of the work type
  uint64_t iterations = 0;    // outer loop iterations
  uint64_t cpu_time_ns = 0;   // CLOCK_THREAD_CPUTIME_ID over the run
  uint64_t wall_time_ns = 0;  // CLOCK_MONOTONIC over the run
  uint64_t off_cpu_ns = 0;    // wall - cpu (clamped at 0)

  uint64_t migrations = 0;    // CPU changes seen between checkpoints
  CpuList cpus_used;          // sorted, unique

  // Longest span between consecutive progress checkpoints, counted only
  // across compute (sleeps/yields/waits the work type does on purpose are
  // excluded). cpu = the CPU it resumed on after the gap; at = when the gap
  // began, ns since the worker was released.
  uint64_t max_gap_ns = 0;
  int max_gap_cpu = -1;
  uint64_t max_gap_at_ns = 0;

  // Expected wake -> actually running, for types that sleep or wait.
  // Reservoir sample (<= kMaxWakeSamples) of wake_samples_seen observations.
  std::vector<uint64_t> wake_latencies_ns;
  uint64_t wake_samples_seen = 0;

  SchedstatDelta schedstat;
  std::map<int, uint64_t> numa_pages;  // node -> pages (from /proc/self/numa_maps); empty if unknown
  uint64_t numa_pages_migrated = 0;    // delta of /proc/self/sched numa_pages_migrated (0 if absent)

  bool completed = false;     // ran until asked to stop and reported
  ExitKind exit_kind = ExitKind::NeverStarted;
  int exit_code = -1;         // when the process exited
  int exit_signal = 0;        // when it was killed
  std::string error;          // worker-side error text, if any

  double off_cpu_fraction() const;
  std::string describe_exit() const;
  bool operator==(const WorkerReport&) const = default;
};

inline constexpr size_t kMaxWakeSamples = 100'000;

// A report for a worker that produced none: zero work so the starvation
// check fails, plus how it ended.
WorkerReport sentinel_report(pid_t pid, size_t index, std::string work_type, ExitKind kind,
                             int exit_code, int exit_signal);

std::string_view exit_kind_name(ExitKind k);
ExitKind parse_exit_kind(std::string_view s);  // throws ktstr::Error

void to_json(nlohmann::json& j, const SchedstatDelta& s);
void from_json(const nlohmann::json& j, SchedstatDelta& s);
void to_json(nlohmann::json& j, const WorkerReport& r);
void from_json(const nlohmann::json& j, WorkerReport& r);

// Compact binary form used between a worker and its parent (CBOR).
std::vector<uint8_t> encode_report(const WorkerReport& r);
WorkerReport decode_report(const std::vector<uint8_t>& bytes);  // throws ktstr::Error

}  // namespace ktstr::workload
