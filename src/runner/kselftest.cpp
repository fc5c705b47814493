#include "runner/kselftest.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <sstream>

#include "util/error.hpp"
#include "util/files.hpp"
#include "util/process.hpp"

namespace ktstr::runner {

namespace fs = std::filesystem;

namespace {
std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }
}  // namespace

fs::path default_selftest_runner() { return cache_root() / "kselftests" / "sched_ext" / "runner"; }

std::vector<std::string> list_selftests(const fs::path& runner) {
  if (!fs::exists(runner))
    fail("no sched_ext selftests runner at {}: build it with scripts/build-kernel-selftests.sh (or pass --runner)",
         runner.string());
  auto r = run_capture({runner.string(), "-l"}, std::chrono::seconds(30));
  if (!r.status.ok() || r.timed_out)
    fail("{} -l failed ({}): {}", runner.string(), r.timed_out ? "timed out" : r.status.describe(), r.err);
  std::vector<std::string> names;
  std::istringstream in(r.out);
  for (std::string l; std::getline(in, l);)
    if (!l.empty()) names.push_back(l);
  if (names.empty()) fail("{} -l listed no tests", runner.string());
  return names;
}

std::vector<std::string> select_selftests(const std::vector<std::string>& all, const std::string& filter) {
  std::vector<std::string> out;
  for (const auto& n : all)
    if (n.find(filter) != std::string::npos) out.push_back(n);
  if (out.empty()) {
    std::string names;
    for (const auto& n : all) names += (names.empty() ? "" : ", ") + n;
    fail("no sched_ext selftest matches --filter '{}' (a test matches when its name contains it); available: {}",
         filter, names);
  }
  return out;
}

std::string selftest_cmdline(const std::vector<std::string>& selected, const vm::VmTopology& t) {
  std::string out;
  if (std::find(selected.begin(), selected.end(), "nohz_tick") != selected.end() && t.cpus() >= 2)
    out = t.cpus() == 2 ? "nohz_full=1" : fmt::format("nohz_full=1-{}", t.cpus() - 1);
  return out;
}

KselftestRun run_kselftests(const KselftestOptions& o) {
  fs::path runner = o.runner.empty() ? default_selftest_runner() : o.runner;
  KselftestRun run;
  run.selected = select_selftests(list_selftests(runner), o.filter);
  run.cmdline = selftest_cmdline(run.selected, o.topology);
  for (const auto& a : o.extra_cmdline) run.cmdline += (run.cmdline.empty() ? "" : " ") + a;

  GuestRunOptions g;
  g.topology = o.topology;
  g.kernel = o.kernel;
  g.timeout = o.timeout;
  // init_enable_count forks 1024 children: under ktstr's usual 256 MiB
  // the guest hangs in reclaim (RCU stalls, VM deadline); 1 GiB passes.
  g.memory_mb = o.memory_mb.value_or(std::max<uint64_t>(kSelftestMemoryMb, 64 * o.topology.cpus()));
  g.include_files = {runner};
  g.extra_cmdline = run.cmdline;
  g.stream_output = o.stream;
  // Measured ~7 s per test under TCG (29 tests: 205 s); reload_loop and
  // the stall tests are the slow ones.
  g.action_budget = std::chrono::seconds(30 + 12 * run.selected.size());
  g.request.action = "exec";
  g.request.command = "/usr/local/bin/" + runner.filename().string() +
                      (o.filter.empty() ? std::string() : " -t '" + o.filter + "'");
  auto r = run_in_guest(g);
  run.seconds = r.total_seconds;
  auto parsed = parse_selftest_output(r.outcome.init_output);
  if (r.outcome.kind != vm::ExitKind::Clean) run.vm_failure = describe_failure(r.outcome);
  else run.runner_exit = r.outcome.guest_exit_code;
  // Why a test was cut short: the VM's end, or the runner's exit status.
  std::string ended = !run.vm_failure.empty() ? first_line(run.vm_failure)
                      : run.runner_exit       ? fmt::format("the runner exited with status {}", *run.runner_exit)
                                              : std::string("the runner ended");

  for (const auto& name : run.selected) {
    auto it = std::find_if(parsed.tests.begin(), parsed.tests.end(), [&](const auto& t) { return t.name == name; });
    SelftestResult t;
    if (it != parsed.tests.end()) {
      t = *it;
    } else {
      t.name = name;
      t.reason = "never started: " + ended;
    }
    if (t.status == SelftestResult::Status::unfinished) {
      t.status = SelftestResult::Status::fail;
      if (it != parsed.tests.end()) t.reason += " (" + ended + ")";
    }
    (t.status == SelftestResult::Status::pass   ? run.passed
     : t.status == SelftestResult::Status::skip ? run.skipped
                                                : run.failed)++;
    run.tests.push_back(std::move(t));
  }
  return run;
}

}  // namespace ktstr::runner
