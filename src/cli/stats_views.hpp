#pragma once
// `ktstr stats [RUN]` (one run's summary) and `ktstr stats compare` (A/B
// with significance gates) on top of the run store; `stats list` lives in
// cmd_stats.cpp with the command itself.
#include "cli/command.hpp"

namespace ktstr::cli {

// Adds the summary options and positional RUN to the `stats` subcommand;
// returns the action to run when no further subcommand was given.
Action add_stats_summary(CLI::App& stats);
// Adds `stats compare`.
void add_stats_compare(CLI::App& stats, Action& selected);

}  // namespace ktstr::cli
