#pragma once
// The worker's side of the fork: signal setup, fd hygiene, the start gate,
// the work loop, and writing the report. Never returns into the parent's
// code (always _exit), so no parent destructors run twice.
#include <sys/types.h>

#include <vector>

#include "workload/group_link.hpp"
#include "workload/sched_settings.hpp"
#include "workload/work_type.hpp"

namespace ktstr::workload {

// Exit codes the parent decodes into ExitKind.
inline constexpr int kWorkerExitReported = 0;      // report written (ok or Failed)
inline constexpr int kWorkerExitNeverStarted = 3;  // start gate closed without "go"
inline constexpr int kWorkerExitSetupFailed = 4;   // could not set up or write the report

// Every worker's comm (task name), e.g. for `scx_ktstr_fixture --stall-comm`.
inline constexpr const char* kWorkerComm = "ktstr_worker";

struct WorkerLaunch {
  const WorkType* work = nullptr;
  size_t index = 0;
  GroupLink link;
  int start_fd = -1;        // read end of the start gate: 1 byte = go, EOF = abort
  int report_fd = -1;       // memfd the CBOR report is written to
  std::vector<int> keep_fds;  // every fd to keep open (start, report, link)
  pid_t parent = 0;
  const MemPolicySetting* mempolicy = nullptr;  // set by the worker itself before its work
};

// Runs in the child right after fork().
[[noreturn]] void worker_main(const WorkerLaunch& launch) noexcept;

// Closes every fd >= 3 not in `keep` (close_range where available).
void close_fds_except(std::vector<int> keep);

}  // namespace ktstr::workload
