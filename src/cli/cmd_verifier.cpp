// `ktstr verifier`: boots a VM per flag profile, loads the scheduler, and
// prints each BPF program's verified instruction count as the host monitor
// reads it from guest memory (bpf_prog_aux.verified_insns), next to what
// the guest kernel itself reports for the loader's program fds
// (/proc/<pid>/fdinfo). Warns near the verifier's 1M-instruction limit.
#include <cstdio>
#include <map>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "cli/scheduler_args.hpp"
#include "runner/scenario_run.hpp"
#include "scenario/catalog.hpp"
#include "scheduler/flag_profiles.hpp"
#include "scheduler/scheduler_registry.hpp"
#include "topology/parse.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace ktstr::cli {
namespace {

// BPF_COMPLEXITY_LIMIT_INSNS (include/linux/bpf.h): the verifier gives up
// after processing this many instructions per program.
constexpr uint64_t kVerifierLimit = 1000000;
constexpr double kWarnFraction = 0.8;

struct VerifierArgs {
  SchedulerArgs sched;
  bool all_profiles = false;
  std::string topology = "1n2l2c1t";
  std::string kernel;
  bool json = false;
};

struct ProgRow {
  uint64_t id = 0;
  std::string name, type;
  uint64_t host = 0, xlated = 0, run_cnt = 0, run_ns = 0;
  std::optional<uint64_t> guest;
};

// The scheduler's programs: those the loader holds fds for (the guest's
// view), as found in guest memory (the host's view).
std::vector<ProgRow> rows_of(const runner::ScenarioVerdict& v) {
  std::map<uint64_t, uint64_t> guest;
  if (v.scheduler.is_object())
    for (const auto& p : v.scheduler.value("programs", nlohmann::json::array()))
      guest[p.value("prog_id", 0ull)] = p.value("verified_insns", 0ull);
  std::vector<ProgRow> rows;
  if (!v.monitor.is_object() || !v.monitor.contains("bpf")) return rows;
  for (const auto& p : v.monitor["bpf"].value("programs", nlohmann::json::array())) {
    ProgRow r;
    r.id = p.value("id", 0ull);
    bool loaders = guest.count(r.id) != 0;
    if (!guest.empty() && !loaders) continue;  // someone else's program
    if (guest.empty() && p.value("type", "") != "BPF_PROG_TYPE_STRUCT_OPS") continue;
    r.name = p.value("name", "");
    r.type = p.value("type", "");
    r.host = p.value("verified_insns", 0ull);
    r.xlated = p.value("xlated_insns", 0ull);
    r.run_cnt = p.value("run_cnt", 0ull);
    r.run_ns = p.value("run_time_ns", 0ull);
    if (loaders) r.guest = guest[r.id];
    rows.push_back(r);
  }
  return rows;
}

int run(const VerifierArgs& a) {
  if (!a.sched.given()) fail("verifier needs --scheduler (a sched_ext scheduler to load)");
  scheduler::SchedulerRegistry reg = scheduler::SchedulerRegistry::builtin();
  std::string spec = a.sched.scheduler;
  if (!a.sched.scheduler_def.empty()) {
    auto def = scheduler::SchedulerDef::load(a.sched.scheduler_def);
    reg.add(def);
    if (spec.empty()) spec = def.name;
  }
  scheduler::SchedulerDef def = scheduler::scheduler_def_for(spec, reg);
  std::vector<std::string> selections;
  if (a.all_profiles) {
    if (!a.sched.flags.empty()) fail("--all-profiles and --flags are exclusive");
    for (const auto& p : scheduler::expand_profiles(def, {})) selections.push_back(p.name());
  } else {
    selections.push_back(a.sched.flags);
  }
  const auto* steady = scenario::catalog::find("steady");
  if (!steady) fail("internal: the catalog has no 'steady' scenario");

  int failures = 0;
  nlohmann::json all = nlohmann::json::array();
  for (const auto& sel : selections) {
    SchedulerArgs sa = a.sched;
    sa.flags = sel == "default" ? "" : sel;
    auto r = resolve_scheduler_args(sa);
    runner::ScenarioRunOptions o;
    o.topology = topology::parse_topology(a.topology);
    if (!a.kernel.empty()) o.kernel = a.kernel;
    o.scheduler = r->ref;
    o.scheduler_profile = r->profile;
    o.scheduler_thresholds = r->thresholds;
    // Long enough for the host to snapshot the loaded programs with some
    // runs counted; the scenario's own verdict does not matter here.
    o.duration = std::chrono::milliseconds(1000);
    o.monitor.bpf_stats = true;
    if (!a.json) log::info("loading {} [{}] in a {} VM", def.name, r->profile, o.topology.name());
    auto v = runner::run_scenario(*steady, o);
    auto rows = rows_of(v);
    nlohmann::json pj = nlohmann::json::array();
    bool mismatch = false, near = false;
    for (const auto& row : rows) {
      bool same = !row.guest || *row.guest == row.host;
      mismatch |= !same;
      near |= row.host >= kVerifierLimit * kWarnFraction;
      nlohmann::json j{{"id", row.id},          {"name", row.name},       {"type", row.type},
                       {"verified_insns", row.host}, {"xlated_insns", row.xlated}, {"run_cnt", row.run_cnt},
                       {"run_time_ns", row.run_ns}};
      if (row.guest) j["guest_verified_insns"] = *row.guest;
      pj.push_back(j);
    }
    bool loaded = !rows.empty();
    if (!loaded || mismatch) ++failures;
    if (a.json) {
      all.push_back({{"scheduler", def.name}, {"profile", r->profile}, {"programs", pj}, {"loaded", loaded},
                     {"consistent", !mismatch}, {"limit", kVerifierLimit}});
      continue;
    }
    std::printf("%s [%s]\n", def.name.c_str(), r->profile.c_str());
    if (!loaded) {
      std::printf("  no programs found: %s\n", v.result.details.empty() ? "the scheduler did not load"
                                                                         : v.result.details.front().message.c_str());
      continue;
    }
    std::printf("  %-6s %-22s %14s %14s %10s %10s %8s\n", "id", "program", "verified insns", "guest fdinfo", "xlated",
                "runs", "ns/run");
    for (const auto& row : rows) {
      std::string g = row.guest ? std::to_string(*row.guest) : "-";
      std::printf("  %-6llu %-22s %14llu %14s %10llu %10llu %8.0f%s%s\n", static_cast<unsigned long long>(row.id),
                  row.name.c_str(), static_cast<unsigned long long>(row.host), g.c_str(),
                  static_cast<unsigned long long>(row.xlated), static_cast<unsigned long long>(row.run_cnt),
                  row.run_cnt ? static_cast<double>(row.run_ns) / row.run_cnt : 0.0,
                  row.guest && *row.guest != row.host ? "  MISMATCH" : "",
                  row.host >= kVerifierLimit * kWarnFraction
                      ? fmt::format("  WARNING: {:.0f}% of the verifier's {} limit",
                                    100.0 * row.host / kVerifierLimit, kVerifierLimit).c_str()
                      : "");
    }
    if (near) std::printf("  warning: a program is near the verifier's %llu-instruction limit\n",
                          static_cast<unsigned long long>(kVerifierLimit));
  }
  if (a.json) std::puts(all.dump(2).c_str());
  return failures ? kExitFailure : kExitPass;
}

}  // namespace

void add_verifier_command(CLI::App& app, Action& selected) {
  auto a = std::make_shared<VerifierArgs>();
  auto* sub = app.add_subcommand("verifier", "Load a scheduler in a VM and print its BPF programs' verified instruction counts");
  a->sched.add_to(sub);
  sub->add_flag("--all-profiles", a->all_profiles, "One VM per flag profile (as a gauntlet would expand them)");
  sub->add_option("--topology,-t", a->topology, "Topology of the VM")->capture_default_str();
  sub->add_option("--kernel", a->kernel, "Kernel (see `ktstr kernel --help`)");
  sub->add_flag("--json", a->json, "Machine-readable");
  sub->callback([&selected, a] { selected = [a] { return run(*a); }; });
}

}  // namespace ktstr::cli
