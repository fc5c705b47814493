// `ktstr run`: canned scenarios, one VM each (or --host), PASS/FAIL/SKIP
// lines and a summary; exit 1 if any failed.
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "check/report.hpp"
#include "check/result_json.hpp"
#include "cli/command.hpp"
#include "cli/scheduler_args.hpp"
#include "cli/vmm_arg.hpp"
#include "guest/guest_layout.hpp"
#include "guest/scenario_executor.hpp"
#include "runner/guest_run.hpp"
#include "runner/scenario_run.hpp"
#include "scenario/catalog.hpp"
#include "scenario/scenario_json.hpp"
#include "util/files.hpp"
#include "topology/parse.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace ktstr::cli {
namespace {
namespace catalog = scenario::catalog;

struct RunArgs {
  std::vector<std::string> scenarios;
  std::vector<std::string> files;
  std::string filter;
  bool all = false;
  std::string topology = "1n2l2c1t";
  unsigned duration_ms = 0;
  unsigned workers = 0;
  std::string work_type;
  SchedulerArgs sched;
  std::string kernel;
  uint64_t memory_mb = 0;
  unsigned timeout_s = 0;
  int watchdog_ms = -1;
  bool json = false;
  bool host = false;
  std::string vmm;
};

// A scenario file becomes a catalog-like entry whose build ignores the
// layout: the file is the scenario.
catalog::Entry entry_from_file(const std::string& path) {
  scenario::Scenario s = scenario::scenario_from_text(read_file(path));
  if (s.name.empty()) s.name = std::filesystem::path(path).stem().string();
  catalog::Entry e;
  e.name = s.name;
  e.description = s.description.empty() ? "from " + path : s.description;
  e.needs = s.topology;
  e.build = [s](const scenario::CpuLayout&) { return s; };
  return e;
}

std::vector<const catalog::Entry*> select(const RunArgs& a, const std::vector<catalog::Entry>& from_files) {
  std::vector<const catalog::Entry*> out;
  for (const auto& e : from_files) out.push_back(&e);
  for (const auto& name : a.scenarios) {
    const auto* e = catalog::find(name);
    if (!e) fail("unknown scenario '{}' (see `ktstr list`)", name);
    out.push_back(e);
  }
  if (!a.filter.empty()) {
    auto f = catalog::filter(a.filter);
    if (f.empty()) fail("no scenario matches --filter '{}' (see `ktstr list`)", a.filter);
    out.insert(out.end(), f.begin(), f.end());
  }
  if (out.empty() || a.all) {
    auto listed = catalog::list(/*curated_only=*/!a.all);
    if (out.empty() || a.all) out.insert(out.end(), listed.begin(), listed.end());
  }
  return out;
}

// --host: the same executor, in this process, under the host's scheduler.
runner::ScenarioVerdict run_on_host(const catalog::Entry& e, const runner::ScenarioRunOptions& o) {
  auto t0 = std::chrono::steady_clock::now();
  runner::ScenarioVerdict v;
  v.name = e.name;
  auto layout = guest::layout_from_observed(topology::read_sysfs_topology());
  if (auto why = e.skip_reason(layout)) {
    v.verdict = runner::Verdict::Skip;
    v.result = check::CheckResult::skip(*why);
    return v;
  }
  auto s = runner::prepare_scenario(e, o);
  guest::ExecOptions eo;
  eo.layout = layout;
  eo.thresholds = check::Thresholds::layered({}, s.thresholds);
  eo.cgroup_root = "ktstr-" + std::to_string(::getpid());
  auto ex = guest::execute_scenario(s, eo);
  v.result = ex.result;
  v.verdict = v.result.passed ? runner::Verdict::Pass : runner::Verdict::Fail;
  v.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return v;
}

int run(const RunArgs& a) {
  runner::ScenarioRunOptions o;
  o.host = a.host;
  if (!a.host) o.topology = topology::parse_topology(a.topology);
  o.vmm = vmm_from_arg(a.vmm);
  std::optional<vm::VmmChoice> vmm;
  if (!a.host) {
    vmm = vm::choose_vmm(o.vmm);  // --vmm kvm without hardware KVM: exit 2 before anything runs
    log::debug("VMM: {} ({})", vm::to_string(vmm->vmm), vmm->reason);
  }
  if (!a.kernel.empty()) o.kernel = a.kernel;
  if (a.memory_mb) o.memory_mb = a.memory_mb;
  if (a.duration_ms) o.duration = std::chrono::milliseconds(a.duration_ms);
  if (a.workers) o.workers = a.workers;
  if (!a.work_type.empty()) o.work_type = a.work_type;
  if (a.timeout_s) o.timeout = std::chrono::seconds(a.timeout_s);
  if (a.watchdog_ms >= 0) o.watchdog_timeout = std::chrono::milliseconds(a.watchdog_ms);
  if (auto r = resolve_scheduler_args(a.sched)) {
    if (a.host) fail("--scheduler cannot be combined with --host (the host runs its current scheduler)");
    o.scheduler = r->ref;
    o.scheduler_profile = r->profile;
    o.scheduler_thresholds = r->thresholds;
  }
  std::vector<catalog::Entry> from_files;
  for (const auto& f : a.files) from_files.push_back(entry_from_file(f));
  auto entries = select(a, from_files);
  // Validate everything before the first VM boots: bad input is exit 2.
  if (!a.host)
    for (const auto* e : entries)
      if (!e->skip_reason(runner::layout_for(o.topology))) runner::prepare_scenario(*e, o);

  std::string under = o.scheduler ? o.scheduler->name + " [" + o.scheduler_profile + "]"
                      : a.host        ? "the host's current scheduler"
                                      : "EEVDF";
  if (!a.json)
    log::info("running {} scenario(s) under {} on {}", entries.size(), under,
              a.host ? "the host" : o.topology.name());
  int passed = 0, failed = 0, skipped = 0;
  nlohmann::json all = nlohmann::json::array();
  bool abandoned = false;
  for (const auto* e : entries) {
    if (abandoned) break;  // a vCPU thread died on a signal: no further VMs in this process
    auto v = a.host ? run_on_host(*e, o) : runner::run_scenario(*e, o);
    abandoned = v.abandoned_threads;
    (v.verdict == runner::Verdict::Pass ? passed : v.verdict == runner::Verdict::Fail ? failed : skipped)++;
    if (a.json) {
      all.push_back(v.to_json());
    } else {
      std::fputs(runner::format_verdict(v).c_str(), stdout);
      std::fflush(stdout);
    }
  }
  if (a.json) {
    nlohmann::json doc{{"scheduler", under}, {"results", all}};
    if (vmm) doc["vmm"] = runner::vmm_json(*vmm);
    std::puts(doc.dump(2).c_str());
  } else {
    std::printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
  }
  return failed ? kExitFailure : kExitPass;
}

}  // namespace

void add_run_command(CLI::App& app, Action& selected) {
  auto a = std::make_shared<RunArgs>();
  auto* sub = app.add_subcommand("run", "Run canned scenarios, one VM each (EEVDF unless --scheduler)");
  sub->add_option("--scenario,-s", a->scenarios, "Scenario name (repeatable); default: the curated set");
  sub->add_option("--scenario-file", a->files, "A scenario as JSON (repeatable); see README")
      ->check(CLI::ExistingFile);
  sub->add_option("--filter,-f", a->filter, "Scenarios whose name contains this");
  sub->add_flag("--all", a->all, "The whole catalog instead of the curated set");
  sub->add_option("--topology,-t", a->topology, "Topology: 1n2l2c1t, N,L,C,T or a preset name")
      ->capture_default_str();
  sub->add_option("--duration-ms", a->duration_ms, "Scenario duration (default 2000)");
  sub->add_option("--workers", a->workers, "Workers per cgroup (default 2)");
  sub->add_option("--work-type", a->work_type, "Work type for swappable cgroups, e.g. YieldHeavy");
  a->sched.add_to(sub);
  sub->add_option("--kernel", a->kernel, "Kernel (see `ktstr kernel --help`)");
  sub->add_option("--memory-mb", a->memory_mb, "Guest memory (default max(CPUs x 64, 256))");
  sub->add_option("--timeout", a->timeout_s, "VM deadline per scenario in seconds");
  sub->add_option("--watchdog-timeout-ms", a->watchdog_ms,
                  "sched_ext watchdog timeout written into the guest kernel (default 4000 with a scheduler; 0: off)");
  sub->add_flag("--json", a->json, "Machine-readable results on stdout");
  sub->add_flag("--host", a->host, "Run on this machine under its current scheduler (no VM)");
  add_vmm_option(sub, a->vmm);
  sub->callback([&selected, a] { selected = [a] { return run(*a); }; });
}

void add_list_command(CLI::App& app, Action& selected) {
  struct ListArgs {
    bool json = false;
    std::string show;
    std::string topology = "1n2l2c1t";
  };
  auto a = std::make_shared<ListArgs>();
  auto* sub = app.add_subcommand("list", "List the scenario catalog, or print one scenario as JSON");
  sub->add_flag("--json", a->json, "Machine-readable");
  sub->add_option("--show", a->show, "Print this scenario as JSON (a starting point for --scenario-file)");
  sub->add_option("--topology,-t", a->topology, "Topology to build --show for")->capture_default_str();
  sub->callback([&selected, a] {
    selected = [a] {
      if (!a->show.empty()) {
        const auto* e = catalog::find(a->show);
        if (!e) fail("unknown scenario '{}' (see `ktstr list`)", a->show);
        auto layout = runner::layout_for(topology::parse_topology(a->topology));
        if (auto why = e->skip_reason(layout)) fail("{} cannot run on {}: {}", e->name, a->topology, *why);
        std::puts(scenario::scenario_to_json(e->instantiate(layout)).dump(2).c_str());
        return 0;
      }
      nlohmann::json out = nlohmann::json::array();
      for (const auto* e : catalog::list(false)) {
        if (a->json) {
          out.push_back({{"name", e->name}, {"description", e->description}, {"curated", e->curated}});
        } else {
          std::printf("%-22s %s %s\n", e->name.c_str(), e->curated ? "*" : " ", e->description.c_str());
        }
      }
      if (a->json) std::puts(out.dump(2).c_str());
      else std::puts("(* = curated: run by default)");
      return 0;
    };
  });
}

}  // namespace ktstr::cli
