#pragma once
// `ktstr shell --test NAME` / `<test binary> --ktstr-shell=NAME`: boot
// exactly the VM a test variant used (kernel, topology, memory, scheduler
// with the variant's flags) and leave the user at a shell in it, or run
// one command there. The first thing an author wants after a failure.
#include <string>

#include "runner/guest_run.hpp"
#include "runner/test_plan.hpp"

namespace ktstr::runner {

// The variant of a test in this binary's registry named by `name`
// (ktstr/<test> or gauntlet/<test>/<preset>/<profile>). Error listing the
// tests when there is no such test, preset or flag.
PlannedVariant planned_variant_by_name(const std::string& name);

// Turns a run's VM into a shell VM: interactive (exec empty) or `sh -c exec`.
void make_shell(GuestRunOptions& g, const std::string& exec);

// Boots it and maps the outcome to ktstr's exit code: the command's (or
// the shell's) exit code after a clean run, 1 for a VM failure (reported
// on stderr), 2 for a backend error.
int run_shell_vm(const GuestRunOptions& g);

// The test binary's --ktstr-shell.
int shell_in_test_vm(const std::string& name, const std::string& exec);

}  // namespace ktstr::runner
