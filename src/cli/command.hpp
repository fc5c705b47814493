#pragma once
// Each subcommand lives in its own cmd_<name>.cpp and registers itself with
// add_<name>_command(app, selected): it adds a CLI11 subcommand and, when that
// subcommand is parsed, stores in `selected` the action to run. The action
// returns the process exit code (0 pass, 1 test failure, 2 usage/env error).
#include <CLI/CLI.hpp>
#include <functional>

namespace ktstr::cli {

using Action = std::function<int()>;

void add_kernel_command(CLI::App& app, Action& selected);
void add_shell_command(CLI::App& app, Action& selected);
void add_run_command(CLI::App& app, Action& selected);
void add_list_command(CLI::App& app, Action& selected);
void add_schedulers_command(CLI::App& app, Action& selected);
void add_topo_command(CLI::App& app, Action& selected);
void add_verifier_command(CLI::App& app, Action& selected);
void add_nested_rig_command(CLI::App& app, Action& selected);
void add_kselftest_command(CLI::App& app, Action& selected);
void add_cleanup_command(CLI::App& app, Action& selected);
void add_report_command(CLI::App& app, Action& selected);
void add_stats_command(CLI::App& app, Action& selected);

}  // namespace ktstr::cli
