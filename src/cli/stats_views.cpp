#include "cli/stats_views.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>

#include "stats/compare.hpp"
#include "stats/summary.hpp"
#include "store/run_store.hpp"
#include "store/store_path.hpp"
#include "util/error.hpp"

namespace ktstr::cli {
namespace {

bool color_stdout() {
  const char* no = std::getenv("NO_COLOR");
  return ::isatty(STDOUT_FILENO) && !(no && *no);
}

struct SummaryArgs {
  std::string store, run = "latest";
  bool json = false;
};

struct CompareArgs {
  std::string store, a, b, policy;
  bool json = false;
};

store::Selector side(const std::string& text, const char* flag) {
  auto s = store::Selector::parse(text);
  if (s.empty()) fail("{}: an empty selector (e.g. run=latest~1 or scheduler=eevdf,topology=1n2l2c1t)", flag);
  return s;
}

int run_summary(const SummaryArgs& a) {
  auto db = store::RunStore::open_read_only(store::store_path(a.store));
  std::string id = db.resolve_run_id(a.run);
  auto s = stats::summarize_run(id, db.records_of(id));
  if (a.json) fmt::print("{}\n", s.to_json().dump(2));
  else fmt::print("{}", stats::format_summary(s, color_stdout()));
  return kExitPass;
}

int run_compare(const CompareArgs& a) {
  // Everything that can be wrong with the input is checked before the
  // store is opened: selectors, then the policy file.
  auto sa = side(a.a, "--a"), sb = side(a.b, "--b");
  stats::Policy policy = a.policy.empty() ? stats::Policy{} : stats::load_policy(a.policy);
  auto db = store::RunStore::open_read_only(store::store_path(a.store));
  auto c = stats::compare(db.select(sa), db.select(sb), sa, sb, policy);
  if (a.json) fmt::print("{}\n", c.to_json().dump(2));
  else fmt::print("{}", stats::format_comparison(c, color_stdout()));
  return c.regressions ? kExitFailure : kExitPass;
}

}  // namespace

Action add_stats_summary(CLI::App& stats) {
  auto args = std::make_shared<SummaryArgs>();
  stats.add_option("RUN", args->run, "Run to summarise: a run id (or unique prefix), latest, latest~N")
      ->capture_default_str();
  stats.add_option("--store", args->store, "Run store database (default $KTSTR_STORE or <cache>/runs.db)");
  stats.add_flag("--json", args->json, "Print JSON");
  return [args] { return run_summary(*args); };
}

void add_stats_compare(CLI::App& stats, Action& selected) {
  auto args = std::make_shared<CompareArgs>();
  auto* sub = stats.add_subcommand(
      "compare",
      "Compare two sets of records metric by metric (exit 1 iff a regression passes both gates). Sides are "
      "selectors: DIMENSION=VALUE[,...] over test, variant, topology, scheduler, flags, kernel, vmm, commit, "
      "work_type, run (id, latest, latest~N), verdict");
  sub->add_option("--a", args->a, "Side A (the reference), e.g. run=latest~1 or scheduler=eevdf")->required();
  sub->add_option("--b", args->b, "Side B (judged against A), e.g. run=latest or scheduler=ktstr_fixture")->required();
  sub->add_option("--policy", args->policy, "TOML file overriding per-metric gates (README \"stats compare\")");
  sub->add_option("--store", args->store, "Run store database (default $KTSTR_STORE or <cache>/runs.db)");
  sub->add_flag("--json", args->json, "Print JSON (the shape `ktstr report --compare` renders)");
  sub->callback([&selected, args] { selected = [args] { return run_compare(*args); }; });
}

}  // namespace ktstr::cli
