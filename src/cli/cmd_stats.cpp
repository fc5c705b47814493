// `ktstr stats`: what the run store holds. `stats list` prints one line per
// recorded run, newest first; `stats [RUN]` summarises one run and `stats
// compare` judges two sets of records (cli/stats_views.cpp).
#include <unistd.h>

#include <cstdio>

#include "cli/command.hpp"
#include "cli/stats_views.hpp"
#include "store/run_store.hpp"
#include "store/store_path.hpp"
#include "util/error.hpp"

namespace ktstr::cli {
namespace {

std::string join(const std::vector<std::string>& v, const char* empty = "-") {
  if (v.empty()) return empty;
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

struct ListArgs {
  std::string store;
  bool json = false;
  size_t limit = 20;
};

int stats_list(const ListArgs& a) {
  auto s = store::RunStore::open_read_only(store::store_path(a.store));
  auto runs = s.list_runs(0);
  size_t shown = a.limit ? std::min(a.limit, runs.size()) : runs.size();
  if (a.json) {
    nlohmann::json out = nlohmann::json::array();
    for (size_t i = 0; i < shown; ++i) out.push_back(runs[i].to_json());
    std::puts(nlohmann::json{{"store", s.path().string()}, {"runs", out}, {"total_runs", runs.size()}}.dump(2).c_str());
    return kExitPass;
  }
  if (runs.empty()) {
    std::printf("no runs recorded in %s\n", s.path().c_str());
    return kExitPass;
  }
  std::printf("%-20s  %-20s  %5s  %4s %4s %4s  %-18s  %-24s  %s\n", "RUN", "STARTED (UTC)", "TESTS", "PASS", "FAIL",
              "SKIP", "SCHEDULER", "KERNEL", "COMMIT");
  for (size_t i = 0; i < shown; ++i) {
    const auto& r = runs[i];
    std::string started = r.started;
    if (started.size() == 20) started = started.substr(0, 10) + " " + started.substr(11, 8);
    std::printf("%-20s  %-20s  %5d  %4d %4d %4d  %-18s  %-24s  %s%s\n", r.run_id.c_str(), started.c_str(), r.total(),
                r.passed, r.failed, r.skipped, join(r.schedulers).c_str(), join(r.kernels).c_str(),
                join(r.commits).c_str(), r.ended.empty() ? "  (unfinished)" : "");
  }
  if (shown < runs.size())
    std::printf("(%zu older run(s) not shown; -n 0 lists all)\n", runs.size() - shown);
  return kExitPass;
}

}  // namespace

void add_stats_command(CLI::App& app, Action& selected) {
  auto* stats = app.add_subcommand("stats", "What the run store holds (see README \"Run records\"): summary of a run, "
                                            "list, compare");
  Action summary = add_stats_summary(*stats);
  add_stats_compare(*stats, selected);
  stats->callback([&selected, stats, summary] {
    if (stats->get_subcommands().empty()) selected = summary;
  });

  auto a = std::make_shared<ListArgs>();
  auto* list = stats->add_subcommand("list", "One line per recorded run, newest first");
  list->add_option("--store", a->store, "Run store (default $KTSTR_STORE, else runs.db in the ktstr cache dir)");
  list->add_flag("--json", a->json, "Machine-readable");
  list->add_option("-n", a->limit, "Show the newest N runs (0: all)")->capture_default_str();
  list->callback([&selected, a] { selected = [a] { return stats_list(*a); }; });
}

}  // namespace ktstr::cli
