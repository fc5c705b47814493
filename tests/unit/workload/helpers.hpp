#pragma once
// Shared helpers for the workload tests, which fork real worker processes.
#include <sys/wait.h>

#include <cerrno>
#include <cstdint>
#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>

namespace ktstr::workload::test {

inline void sleep_ms(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

// Every test must leave no child behind: no zombies, nothing running.
inline void expect_no_children() {
  errno = 0;
  EXPECT_EQ(::waitpid(-1, nullptr, WNOHANG), -1) << "a child process is left over";
  EXPECT_EQ(errno, ECHILD);
}

// Field 3 of /proc/<pid>/stat: R, S, D, Z, ...
inline char proc_state(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(in, line);
  auto close = line.rfind(')');
  return close == std::string::npos || close + 2 >= line.size() ? '?' : line[close + 2];
}

// CPU time (utime + stime) of a process in clock ticks.
inline long proc_cpu_ticks(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(in, line);
  std::istringstream rest(line.substr(line.rfind(')') + 2));
  std::string field;
  long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stol(field);
    if (i == 15) stime = std::stol(field);
  }
  return utime + stime;
}

// Time a process has spent on a CPU, in ns (/proc/<pid>/schedstat), 0 if gone.
inline uint64_t proc_runtime_ns(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/schedstat");
  uint64_t ns = 0;
  in >> ns;
  return ns;
}

// Waits until `pid` has run `ns` more than it had at the call, or `limit`
// passed; false on timeout. Tests that need a worker to have run somewhere
// wait for that, not for a fixed sleep that a loaded host may not honour.
inline bool wait_for_runtime(pid_t pid, uint64_t ns, std::chrono::milliseconds limit = std::chrono::seconds(20)) {
  const uint64_t from = proc_runtime_ns(pid);
  const auto until = std::chrono::steady_clock::now() + limit;
  while (proc_runtime_ns(pid) < from + ns) {
    if (std::chrono::steady_clock::now() >= until) return false;
    sleep_ms(5);
  }
  return true;
}

}  // namespace ktstr::workload::test
