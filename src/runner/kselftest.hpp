#pragma once
// `ktstr kselftest`: the kernel's own sched_ext selftests
// (tools/testing/selftests/sched_ext, one `runner` binary holding every test
// and its BPF programs) run in a VM of a chosen topology, each test mapped
// to a ktstr verdict. The runner is built for the kernel by
// scripts/build-kernel-selftests.sh from Debian's linux-source package.
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "runner/guest_run.hpp"
#include "runner/kselftest_output.hpp"

namespace ktstr::runner {

// <cache_root()>/kselftests/sched_ext/runner.
std::filesystem::path default_selftest_runner();

// The tests the runner holds (`runner -l`, run on the host: listing loads
// nothing). Error when it cannot be run.
std::vector<std::string> list_selftests(const std::filesystem::path& runner);

// Tests whose name contains `filter` (the runner's own -t rule); all for an
// empty filter. Error naming the available tests when none matches.
std::vector<std::string> select_selftests(const std::vector<std::string>& all, const std::string& filter);

// Kernel command-line additions the selected tests need on `t`: nohz_tick
// wants nohz_full CPUs (every CPU but 0, which stays the housekeeper).
std::string selftest_cmdline(const std::vector<std::string>& selected, const vm::VmTopology& t);

// Default guest memory (MiB) for a selftests VM.
inline constexpr uint64_t kSelftestMemoryMb = 1024;

struct KselftestOptions {
  vm::VmTopology topology;
  std::optional<std::string> kernel;
  std::filesystem::path runner;  // empty: default_selftest_runner()
  std::string filter;
  std::vector<std::string> extra_cmdline;
  std::optional<std::chrono::seconds> timeout;
  std::optional<uint64_t> memory_mb;  // default: kSelftestMemoryMb (or 64 per CPU if more)
  bool stream = false;  // echo the runner's output live
};

struct KselftestRun {
  std::vector<std::string> selected;
  std::string cmdline;           // what was appended to the kernel command line
  std::vector<SelftestResult> tests;  // one per selected test, in run order
  std::string vm_failure;        // the VM did not end cleanly: why (with console tail)
  std::optional<int> runner_exit;  // the runner's exit code in the guest
  double seconds = 0;
  size_t passed = 0, failed = 0, skipped = 0;
};

// Boots the VM and runs the selected tests in it. Tests that never
// finished or never started count as failed.
KselftestRun run_kselftests(const KselftestOptions& o);

}  // namespace ktstr::runner
