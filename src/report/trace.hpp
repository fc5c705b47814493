#pragma once
// The timeline as Chrome trace-event JSON (the "JSON Object Format" of the
// Trace Event Format that chrome://tracing and ui.perfetto.dev open):
//   per test a process (pid = its position + 1, named "<test> <verdict> ..."),
//   per CPU a counter track "cpuN" with the series nr_running and local_dsq
//     (Perfetto shows them as "cpuN nr_running" / "cpuN local_dsq"),
//   per CPU a thread "cpu N" carrying that CPU's monitor verdicts (stalls
//     included) as instant events; machine-wide verdicts are process-scoped,
//   a thread "steps" with one complete ("X") slice per scenario phase
//     (backdrop, step 1, ...) and the guest's ops as instants,
//   a thread "host" with the host's own observations (sched_ext attach and
//     detach, the watchdog shortener) as instants.
// Timestamps are microseconds; tests of one run are placed by their start
// time (the earliest at 0), so parallel VMs overlap as they did.
#include <vector>

#include <nlohmann/json.hpp>

namespace ktstr::report {

nlohmann::json trace_events(const std::vector<nlohmann::json>& records);

// Thread ids inside a test's process.
inline constexpr int kStepsTid = 1;
inline constexpr int kHostTid = 2;
inline constexpr int kCpuTidBase = 100;  // + CPU number

}  // namespace ktstr::report
