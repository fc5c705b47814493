// `ktstr stats`: what the run store holds. `stats [RUN]` summarises one run,
// `stats compare` judges two sets of records (cli/stats_views.cpp).
#include "cli/command.hpp"
#include "cli/stats_views.hpp"

namespace ktstr::cli {

void add_stats_command(CLI::App& app, Action& selected) {
  auto* sub = app.add_subcommand("stats", "Summaries of recorded runs; compare two sets of runs");
  Action summary = add_stats_summary(*sub);
  add_stats_compare(*sub, selected);
  sub->callback([&selected, sub, summary] {
    if (sub->get_subcommands().empty()) selected = summary;
  });
}

}  // namespace ktstr::cli
