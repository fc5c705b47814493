// `ktstr kselftest`: the kernel's sched_ext selftests in a VM of a chosen
// topology, one verdict per test; exit 0 when none failed (skips are fine),
// 1 when one did, 2 for bad input or a missing runner.
#include <cstdio>

#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "runner/kselftest.hpp"
#include "topology/parse.hpp"
#include "util/log.hpp"

namespace ktstr::cli {
namespace {

struct KselftestArgs {
  std::string topology = "1n2l2c1t";
  std::string filter;
  std::string kernel;
  std::string runner;
  std::vector<std::string> append;
  unsigned timeout_s = 0;
  uint64_t memory_mb = 0;
  bool json = false;
  bool stream = false;
};


int run_kselftest(const KselftestArgs& a) {
  runner::KselftestOptions o;
  o.topology = topology::parse_topology(a.topology);
  if (!a.kernel.empty()) o.kernel = a.kernel;
  o.runner = a.runner;
  o.filter = a.filter;
  o.extra_cmdline = a.append;
  if (a.timeout_s) o.timeout = std::chrono::seconds(a.timeout_s);
  if (a.memory_mb) o.memory_mb = a.memory_mb;
  o.stream = a.stream;
  if (!a.json)
    log::info("running the kernel's sched_ext selftests{} on {}", a.filter.empty() ? "" : " matching '" + a.filter + "'",
              a.topology);
  auto run = runner::run_kselftests(o);
  if (a.json) {
    nlohmann::json j{{"topology", a.topology}, {"cmdline", run.cmdline},  {"seconds", run.seconds},
                     {"passed", run.passed},   {"failed", run.failed},    {"skipped", run.skipped},
                     {"results", nlohmann::json::array()}};
    for (const auto& t : run.tests)
      j["results"].push_back({{"name", t.name},
                              {"verdict", runner::status_name(t.status)},
                              {"description", t.description},
                              {"reason", t.reason},
                              {"output", t.output}});
    if (!run.vm_failure.empty()) j["vm_failure"] = run.vm_failure;
    if (run.runner_exit) j["runner_exit"] = *run.runner_exit;
    std::puts(j.dump(2).c_str());
  } else {
    for (const auto& t : run.tests) {
      std::printf("%-4s  %-28s %s\n", std::string(runner::status_name(t.status)).c_str(), t.name.c_str(),
                  t.reason.c_str());
      if (t.status == runner::SelftestResult::Status::fail && !t.output.empty())
        std::printf("%s", t.output.c_str());
    }
    if (!run.vm_failure.empty()) std::printf("VM: %s\n", run.vm_failure.c_str());
    std::printf("%zu passed, %zu failed, %zu skipped in %.1f s%s\n", run.passed, run.failed, run.skipped, run.seconds,
                run.cmdline.empty() ? "" : (" (kernel args: " + run.cmdline + ")").c_str());
  }
  return run.failed > 0 || !run.vm_failure.empty() ? 1 : 0;
}

}  // namespace

void add_kselftest_command(CLI::App& app, Action& selected) {
  auto args = std::make_shared<KselftestArgs>();
  auto* sub = app.add_subcommand("kselftest", "Run the kernel's sched_ext selftests in a VM, one verdict per test");
  sub->add_option("--topology,-t", args->topology, "Topology: 1n2l2c1t, N,L,C,T or a preset name")->capture_default_str();
  sub->add_option("--filter,-f", args->filter, "Only the tests whose name contains this (the runner's -t)");
  sub->add_option("--kernel", args->kernel, "Kernel (see `ktstr kernel --help`); the runner must be built for it");
  sub->add_option("--runner", args->runner,
                  "The selftests runner binary (default: <cache>/kselftests/sched_ext/runner, built by "
                  "scripts/build-kernel-selftests.sh)")
      ->check(CLI::ExistingFile);
  sub->add_option("--append", args->append, "Extra guest kernel argument (repeatable)");
  sub->add_option("--timeout", args->timeout_s, "VM deadline in seconds (default grows with the number of tests)");
  sub->add_option("--memory-mb", args->memory_mb, "Guest memory (default max(CPUs x 64, 1024): init_enable_count forks 1024 tasks)");
  sub->add_flag("--json", args->json, "Machine-readable results on stdout");
  sub->add_flag("--stream", args->stream, "Echo the runner's output live");
  sub->callback([&selected, args] { selected = [args] { return run_kselftest(*args); }; });
}

}  // namespace ktstr::cli
