// `ktstr shell`: an interactive busybox shell in a VM, or `--exec CMD` whose
// exit code becomes ktstr's.
#include <unistd.h>

#include <cstdio>

#include "cli/command.hpp"
#include "cli/limits.hpp"
#include "cli/scheduler_args.hpp"
#include "cli/vmm_arg.hpp"
#include "runner/guest_run.hpp"
#include "runner/test_name.hpp"
#include "runner/test_shell.hpp"
#include "scenario/catalog.hpp"
#include "topology/parse.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace ktstr::cli {
namespace {

struct ShellArgs {
  std::string exec;
  std::string topology = "1n1l2c1t";
  uint64_t memory_mb = 0;
  std::vector<std::string> include_files;
  std::string kernel;
  unsigned timeout_s = 0;
  std::string vmm;
  SchedulerArgs sched;
  std::string test;         // --test: boot the VM this variant used
  std::string test_binary;  // ... of a KTSTR_TEST in this binary
  bool topology_given = false;
};

// --test --test-binary: the test binary knows its tests; it boots the VM.
int exec_test_binary(const ShellArgs& a) {
  if (a.topology_given || a.sched.given() || !a.sched.flags.empty())
    fail("--test with --test-binary: the test's own options give the topology and scheduler");
  std::vector<std::string> args = {a.test_binary, "--ktstr-shell=" + a.test};
  if (!a.exec.empty()) args.push_back("--ktstr-shell-exec=" + a.exec);
  std::vector<char*> argv;
  for (auto& s : args) argv.push_back(s.data());
  argv.push_back(nullptr);
  ::execv(a.test_binary.c_str(), argv.data());
  fail_errno("exec " + a.test_binary);
}

// --test NAME for a catalog scenario: `ktstr run` booted ktstr/<scenario>
// at --topology (1n2l2c1t by default) and gauntlet/<scenario>/<preset>/
// <profile> at the preset with the profile's flags of --scheduler.
void apply_test_variant(ShellArgs& a) {
  auto tn = runner::parse_test_name(a.test);
  if (!tn)
    fail("--test '{}' is not a test name (ktstr/<test> or gauntlet/<test>/<preset>/<profile>)", a.test);
  if (!scenario::catalog::find(tn->test))
    fail("--test {}: no scenario '{}' in the catalog (for a KTSTR_TEST, add --test-binary PATH)", a.test, tn->test);
  if (!tn->gauntlet) {
    if (!a.topology_given) a.topology = "1n2l2c1t";  // `ktstr run`'s default
    return;
  }
  if (a.topology_given) fail("--test {}: the preset {} is the topology; drop --topology", a.test, tn->preset);
  a.topology = tn->preset;
  if (tn->profile == "default") return;
  if (!a.sched.given())
    fail("--test {}: profile '{}' is a set of scheduler flags; add the --scheduler the gauntlet ran", a.test,
         tn->profile);
  if (!a.sched.flags.empty()) fail("--test {}: the profile '{}' gives the flags; drop --flags", a.test, tn->profile);
  a.sched.flags = tn->profile;
}

int run_shell(ShellArgs a) {
  check_memory_fits_host(a.memory_mb);
  if (!a.test.empty()) {
    if (!a.test_binary.empty()) return exec_test_binary(a);
    apply_test_variant(a);
    log::info("{}: topology {}{}", a.test, a.topology, a.sched.flags.empty() ? "" : ", flags " + a.sched.flags);
  } else if (!a.test_binary.empty()) {
    fail("--test-binary needs --test NAME");
  }
  runner::GuestRunOptions o;
  o.topology = topology::parse_topology(a.topology);
  o.vmm = vmm_from_arg(a.vmm);
  if (a.memory_mb) o.memory_mb = a.memory_mb;
  if (!a.kernel.empty()) o.kernel = a.kernel;
  if (a.timeout_s) o.timeout = std::chrono::seconds(a.timeout_s);
  for (auto& f : a.include_files) o.include_files.emplace_back(f);
  if (a.exec.empty()) {
    o.interactive = true;
    o.request.action = "shell";
    // An interactive session still has a deadline; a long one by default.
    o.action_budget = std::chrono::hours(1);
  } else {
    o.request.action = "exec";
    o.request.command = a.exec;
  }
  if (auto sched = resolve_scheduler_args(a.sched)) {
    o.include_files.push_back(sched->ref.binary);
    o.request.params["scheduler"] = sched->ref.guest_request();
    o.extra_cmdline = sched->ref.cmdline();
    o.action_budget += std::chrono::seconds(30);
  }
  return runner::run_shell_vm(o);
}

}  // namespace

void add_shell_command(CLI::App& app, Action& selected) {
  auto args = std::make_shared<ShellArgs>();
  auto* sub = app.add_subcommand("shell", "Boot a VM with a busybox shell (interactive, or --exec CMD)");
  sub->add_option("--exec,-e", args->exec, "Run CMD with /bin/sh -c in the guest; its exit code is ktstr's");
  auto* topo = sub->add_option("--topology", args->topology, "CPU topology: 1n2l4c1t, N,L,C,T or a preset name")
                   ->capture_default_str();
  sub->add_option("--memory-mb", args->memory_mb, "Guest memory (default max(CPUs x 64, 256))")
      ->check(CLI::Range(kMinMemoryMb, kMaxMemoryMb));
  sub->add_option("--include-files,-i", args->include_files,
                  "Host files to put in the guest's /usr/local/bin (with their shared libraries)")
      ->check(CLI::ExistingFile);
  sub->add_option("--kernel", args->kernel, "Kernel: vmlinux/bzImage path, directory, or cached version");
  sub->add_option("--timeout", args->timeout_s, "VM deadline in seconds (default grows with CPUs and work)")
      ->check(CLI::Range(1u, kMaxTimeoutS));
  add_vmm_option(sub, args->vmm);
  args->sched.add_to(sub);
  sub->add_option("--test", args->test,
                  "Boot the VM a test variant used (ktstr/<scenario>, gauntlet/<scenario>/<preset>/<profile>; "
                  "with --scheduler as the run had it) and stay at a shell");
  sub->add_option("--test-binary", args->test_binary, "With --test: a KTSTR_TEST binary whose test it is")
      ->check(CLI::ExistingFile);
  sub->callback([&selected, args, topo] {
    args->topology_given = topo->count() > 0;
    selected = [args] { return run_shell(*args); };
  });
}

}  // namespace ktstr::cli
