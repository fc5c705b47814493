// `ktstr run`: canned scenarios, one VM each (or --host), PASS/FAIL/SKIP
// lines and a summary; exit 1 if any failed.
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <mutex>

#include "check/report.hpp"
#include "check/result_json.hpp"
#include "cli/command.hpp"
#include "cli/limits.hpp"
#include "cli/run_record.hpp"
#include "cli/scheduler_args.hpp"
#include "cli/vmm_arg.hpp"
#include "guest/guest_layout.hpp"
#include "guest/scenario_executor.hpp"
#include "runner/guest_run.hpp"
#include "kernel/kernel_resolve.hpp"
#include "monitor/bpf_write.hpp"
#include "runner/catalog_plan.hpp"
#include "runner/job_slots.hpp"
#include "runner/run_queue.hpp"
#include "runner/scenario_run.hpp"
#include "scheduler/flag_profiles.hpp"
#include "topology/capacity.hpp"
#include "topology/memory.hpp"
#include "vm/accel.hpp"
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
  unsigned jobs = 0;  // 0: what the host allows
  bool gauntlet = false;
  std::string presets;
  double budget_s = 0;
  bool dry_run = false;
  // host monitor
  bool monitor_live = false;
  bool no_monitor = false;
  unsigned monitor_interval_ms = 100;
  std::vector<std::string> bpf_writes;
  bool bpf_stats = false;
  bool kaslr = false;
  // run store
  std::string store;     // --store ("" = $KTSTR_STORE or the cache's runs.db)
  bool no_record = false;
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
  if (scenario::count_scheduler_ops(s)) {
    v.verdict = runner::Verdict::Skip;
    v.result = check::CheckResult::skip("its scheduler lifecycle ops need a VM (--host runs the host's scheduler)");
    return v;
  }
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

// The VMs to boot: the scenarios at --topology, or their gauntlet
// (--gauntlet: presets x profiles of --scheduler, --flags required in each),
// cut to --budget and to this process's GTEST_SHARD_INDEX/GTEST_TOTAL_SHARDS.
runner::CatalogPlan plan_variants(const RunArgs& a, const runner::ScenarioRunOptions& o,
                                  const std::vector<const catalog::Entry*>& entries,
                                  const std::optional<ResolvedScheduler>& sched) {
  runner::CatalogPlanOptions po;
  po.gauntlet = a.gauntlet;
  bool tcg = vm::choose_accel().accel == vm::Accel::Tcg;
  po.software_emulation = tcg;
  if (a.gauntlet) {
    if (!a.presets.empty()) po.gauntlet_options.presets = runner::parse_preset_list(a.presets);
    po.gauntlet_options.capacity = topology::host_capacity(tcg, runner::read_host_resources().cpus);
    if (a.budget_s > 0) po.budget_seconds = a.budget_s;
    if (sched) {
      po.scheduler = &sched->def;
      po.flags.required = scheduler::parse_flag_selection(sched->def, a.sched.flags).flags;
      po.sched_args = a.sched.sched_args;
    }
  }
  po.shard = runner::shard_from_env();
  return runner::plan_catalog(entries, o, po);
}

size_t default_jobs_for(const runner::CatalogPlan& plan) {
  uint64_t mem = 256;
  for (const auto& v : plan.variants)
    mem = std::max(mem, topology::default_memory_mb(v.options.topology, v.options.memory_mb.value_or(0)));
  return runner::default_jobs(runner::read_host_resources(), mem);
}

int run(const RunArgs& a) {
  check_memory_fits_host(a.memory_mb);
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
  o.monitor.enabled = !a.no_monitor;
  o.monitor.live = a.monitor_live;
  o.monitor.interval = std::chrono::milliseconds(a.monitor_interval_ms);
  o.monitor.bpf_stats = a.bpf_stats;
  for (const auto& w : a.bpf_writes) o.monitor.bpf_writes.push_back(monitor::BpfWriteSpec::parse(w));
  o.kaslr = a.kaslr;
  if (a.host && (a.monitor_live || a.kaslr || !a.bpf_writes.empty()))
    fail("--monitor, --kaslr and --bpf-write need a VM (not --host)");
  if (a.no_monitor && (a.monitor_live || !a.bpf_writes.empty()))
    fail("--no-monitor cannot be combined with --monitor or --bpf-write");
  if (a.monitor_live && a.jobs > 1) fail("--monitor shows one VM's live line at a time: use it with -j 1");
  auto resolved = resolve_scheduler_args(a.sched);
  if (resolved) {
    if (a.host) fail("--scheduler cannot be combined with --host (the host runs its current scheduler)");
    o.scheduler = resolved->ref;
    o.scheduler_profile = resolved->profile;
    o.scheduler_thresholds = resolved->thresholds;
  }
  if (a.host && (a.gauntlet || a.jobs > 1)) fail("--host runs one scenario at a time on this machine: no --gauntlet or -j");
  if (!a.gauntlet && (!a.presets.empty() || a.budget_s > 0)) fail("--presets and --budget need --gauntlet");
  std::vector<catalog::Entry> from_files;
  for (const auto& f : a.files) from_files.push_back(entry_from_file(f));
  auto entries = select(a, from_files);
  std::string under = o.scheduler ? o.scheduler->name + " [" + o.scheduler_profile + "]"
                      : a.host        ? "the host's current scheduler"
                                      : "EEVDF";
  auto plan = plan_variants(a, o, entries, resolved);
  // Validate everything before the first VM boots: bad input is exit 2.
  if (!a.host)
    for (const auto& v : plan.variants)
      if (!v.entry->skip_reason(runner::layout_for(v.options.topology))) runner::prepare_scenario(*v.entry, v.options);
  for (const auto& n : plan.notes) log::debug("{}", n);
  if (a.dry_run) {
    for (const auto& v : plan.variants)
      std::printf("%s  topology %s  scheduler %s\n", v.name.c_str(), v.options.topology.name().c_str(),
                  v.options.scheduler ? (v.options.scheduler->name + " [" + v.options.scheduler_profile + "]").c_str()
                                      : a.host ? "host" : "EEVDF");
    for (const auto& n : plan.notes) std::printf("note: %s\n", n.c_str());
    return kExitPass;
  }
  // Before any VM boots: an explicit --store that cannot be written is exit 2.
  auto recorder = open_recorder(a.store, a.no_record);
  RecordSettings rs;
  rs.host = a.host;
  rs.gauntlet = a.gauntlet;
  rs.work_type = a.work_type;
  // The kernel of verdicts that booted nothing (skips): the one the others
  // booted, else what resolution would pick (looked up once, lazily).
  std::mutex kernel_mu;
  std::optional<std::string> fallback_kernel;
  auto record = [&](const runner::CatalogVariant& v, const runner::ScenarioVerdict& r, const std::string& started) {
    if (!recorder || !recorder->active()) return;
    RecordSettings s = rs;
    if (!a.host) {
      std::lock_guard lk(kernel_mu);
      if (!r.kernel.empty()) {
        fallback_kernel = r.kernel;
      } else if (!fallback_kernel) {
        try {
          fallback_kernel = kernel::resolve_kernel(o.kernel, {}).version;
        } catch (const Error&) {
          fallback_kernel = "";
        }
      }
      s.kernel = *fallback_kernel;
    }
    recorder->record(record_from_verdict(r, v, s, started));
  };
  // The live monitor line is one VM's: --monitor runs them one at a time.
  size_t jobs = a.host || a.monitor_live ? 1 : a.jobs ? a.jobs : default_jobs_for(plan);
  if (!a.json)
    log::info("running {} {} under {} on {}{}", plan.variants.size(), a.gauntlet ? "gauntlet variant(s)" : "scenario(s)",
              under, a.host ? "the host" : a.gauntlet ? "each variant's preset" : o.topology.name(),
              std::min(jobs, plan.variants.size()) > 1
                  ? fmt::format(", up to {} VMs at once", std::min(jobs, plan.variants.size()))
                  : "");
  if (jobs > 1 && !plan.variants.empty()) {
    // One kernel lookup (and fetch, if needed) before VMs start in parallel.
    kernel::ResolveOptions ro;
    ro.auto_fetch = true;
    kernel::resolve_kernel(o.kernel, ro);
  }
  // A vCPU thread that died on a signal is abandoned, not joined: this
  // process starts no further VMs once that happened.
  std::atomic<bool> abandoned{false};
  std::vector<runner::RunItem> items;
  for (const auto& v : plan.variants)
    items.push_back({v.name, [&v, &a, &abandoned, &record] {
                       std::string started = store::utc_iso8601();
                       if (abandoned.load()) {
                         runner::ScenarioVerdict r;
                         r.name = v.name;
                         r.verdict = runner::Verdict::Skip;
                         r.result = check::CheckResult::skip(
                             "not started: an earlier VM's vCPU thread crashed on a signal");
                         record(v, r, started);
                         return r;
                       }
                       auto r = a.host ? run_on_host(*v.entry, v.options) : runner::run_scenario(*v.entry, v.options);
                       if (r.abandoned_threads) abandoned = true;
                       r.name = v.name;
                       record(v, r, started);  // as each finishes: a crash later loses nothing
                       return r;
                     }});
  runner::RunQueueOptions qo;
  qo.jobs = jobs;
  qo.status_line = !a.json && ::isatty(STDERR_FILENO) && !a.monitor_live;
  if (!a.json) qo.format = runner::format_verdict;
  auto verdicts = runner::run_queue(items, qo);

  int passed = 0, failed = 0, skipped = 0;
  nlohmann::json all = nlohmann::json::array();
  for (const auto& v : verdicts) {
    (v.verdict == runner::Verdict::Pass ? passed : v.verdict == runner::Verdict::Fail ? failed : skipped)++;
    if (a.json) all.push_back(v.to_json());
  }
  std::optional<store::RecordedRun> recorded;
  if (recorder) recorded = recorder->finish();
  if (a.json) {
    nlohmann::json doc{{"scheduler", under}, {"results", all}};
    if (vmm) doc["vmm"] = runner::vmm_json(*vmm);
    if (recorded) {
      doc["run_id"] = recorded->run_id;
      doc["store"] = recorded->store.string();
    }
    std::puts(doc.dump(2).c_str());
  } else {
    std::printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
    std::fflush(stdout);
    if (recorded) log::info("{}", store::recorded_hint(*recorded));
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
  sub->add_option("--duration-ms", a->duration_ms, "Scenario duration (default 2000)")
      ->check(CLI::Range(kMinDurationMs, kMaxDurationMs));
  sub->add_option("--workers", a->workers, "Workers per cgroup (default 2)")->check(CLI::Range(1u, kMaxWorkers));
  sub->add_option("--work-type", a->work_type, "Work type for swappable cgroups, e.g. YieldHeavy");
  a->sched.add_to(sub);
  sub->add_option("--kernel", a->kernel, "Kernel (see `ktstr kernel --help`)");
  sub->add_option("--memory-mb", a->memory_mb, "Guest memory (default max(CPUs x 64, 256))")
      ->check(CLI::Range(kMinMemoryMb, kMaxMemoryMb));
  sub->add_option("--timeout", a->timeout_s, "VM deadline per scenario in seconds")->check(CLI::Range(1u, kMaxTimeoutS));
  sub->add_option("--watchdog-timeout-ms", a->watchdog_ms,
                  "sched_ext watchdog timeout written into the guest kernel (default 4000 with a scheduler; 0: off)")
      ->check(CLI::Range(0, kMaxWatchdogMs));
  sub->add_flag("--json", a->json, "Machine-readable results on stdout");
  sub->add_flag("--host", a->host, "Run on this machine under its current scheduler (no VM)");
  add_vmm_option(sub, a->vmm);
  sub->add_option("-j,--jobs", a->jobs, "VMs at once (default: one per host core, as memory allows)")
      ->check(CLI::Range(1u, kMaxJobs));
  sub->add_flag("--gauntlet", a->gauntlet,
                "Each scenario on every preset the host can run x every flag profile of --scheduler "
                "(gauntlet/<scenario>/<preset>/<profile>); --flags become required flags");
  sub->add_option("--presets", a->presets, "With --gauntlet: only these presets (comma-separated)");
  sub->add_option("--budget", a->budget_s,
                  "With --gauntlet: the variants covering the most features per second that fit in this many "
                  "VM-seconds (see README)");
  sub->add_flag("--dry-run", a->dry_run, "Print the VMs the run would boot (names, topology, scheduler) and exit");
  sub->add_flag("--monitor", a->monitor_live,
                "Live line per second on a TTY: per-CPU nr_running/local DSQ depth (one VM at a time)");
  sub->add_flag("--no-monitor", a->no_monitor, "Do not sample the guest kernel from the host (no monitor verdicts)");
  sub->add_option("--monitor-interval-ms", a->monitor_interval_ms, "Host monitor sampling period (default 100)")
      ->check(CLI::Range(100u, 10000u));
  sub->add_option("--bpf-write", a->bpf_writes,
                  "Write a scheduler BPF map variable from the host: MAP:VAR=VALUE[@SECONDS] (repeatable)");
  sub->add_flag("--bpf-stats", a->bpf_stats, "Count BPF program runs and run time in the guest (bpf_stats_enabled)");
  sub->add_flag("--kaslr", a->kaslr, "Boot the bzImage with KASLR (the kernel randomises its placement)");
  sub->add_option("--store", a->store,
                  "Run store to record into (default $KTSTR_STORE, else runs.db in the ktstr cache dir); "
                  "unwritable: exit 2");
  sub->add_flag("--no-record", a->no_record, "Do not record this run in the run store [KTSTR_RECORD=0]");
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
