#pragma once
// Hand-built worker stats: a healthy worker by default, tests change the one
// field that should make a check fire.
#include "check/worker_stats.hpp"

namespace test {

using ktstr::check::GroupInput;
using ktstr::check::WorkerStats;

constexpr uint64_t kMs = 1'000'000;

inline WorkerStats healthy(uint32_t index, int32_t pid = 0) {
  WorkerStats w;
  w.index = index;
  w.pid = pid ? pid : static_cast<int32_t>(100 + index);
  w.exit = "exited 0";
  w.work_units = 10'000;
  w.iterations = 1'000;
  w.wall_time_ns = 2000 * kMs;
  w.cpu_time_ns = 1800 * kMs;
  w.off_cpu_ns = 200 * kMs;  // 10 %
  w.migrations = 5;
  w.cpus_used = {0, 1};
  w.max_gap_ns = 12 * kMs;
  w.max_gap_cpu = 1;
  w.max_gap_at_ns = 300 * kMs;
  return w;
}

inline GroupInput group(std::vector<WorkerStats> workers, std::string cgroup = "cg_0") {
  GroupInput g;
  g.cgroup = std::move(cgroup);
  g.work_type = "CpuSpin";
  g.workers = std::move(workers);
  return g;
}

}  // namespace test
