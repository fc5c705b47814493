// `ktstr nested-rig`: run a command inside an L1 QEMU guest that has a
// working /dev/kvm (nested SVM), so `ktstr` there boots L2 guests on the
// own VMM. See runner/nested_rig.hpp and README "Nested rig".
#include <cstdio>

#include "cli/command.hpp"
#include "runner/nested_rig.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace ktstr::cli {
namespace {

struct RigArgs {
  std::string exec;
  std::vector<std::string> scripts;
  std::vector<std::string> include_files;
  std::string kernel;
  uint64_t memory_mb = 2048;
  unsigned timeout_s = 0;
  bool with_qemu = false;
  uint32_t l1_cpus = 1;
};

int run_rig(const RigArgs& a) {
  if (a.exec.empty()) fail("nested-rig needs --exec CMD (e.g. --exec 'ktstr shell --exec uname')");
  runner::NestedRigOptions o;
  o.command = a.exec;
  for (const auto& s : a.scripts) o.scripts.emplace_back(s);
  for (const auto& f : a.include_files) o.include_files.emplace_back(f);
  if (!a.kernel.empty()) o.kernel = a.kernel;
  o.memory_mb = a.memory_mb;
  if (a.timeout_s) o.timeout = std::chrono::seconds(a.timeout_s);
  o.with_qemu = a.with_qemu;
  o.l1_cpus = a.l1_cpus;
  auto r = runner::run_nested_rig(o);
  const auto& out = r.outcome;
  log::debug("nested rig: L1 VM {:.1f} s, total {:.1f} s", out.wall_seconds, r.total_seconds);
  if (out.kind == vm::ExitKind::Clean) return *out.guest_exit_code;
  std::fputs(runner::describe_failure(out).c_str(), stderr);
  return out.kind == vm::ExitKind::BackendError ? kExitUsage : kExitFailure;
}

}  // namespace

void add_nested_rig_command(CLI::App& app, Action& selected) {
  auto a = std::make_shared<RigArgs>();
  auto* sub = app.add_subcommand(
      "nested-rig", "Run a command in an L1 QEMU guest with nested KVM, where `ktstr` boots guests on the own VMM");
  sub->add_option("--exec,-e", a->exec, "Shell command to run in L1 (its exit code is ktstr's)");
  sub->add_option("--script", a->scripts, "Host script to pack as /rig/scripts/<name> (repeatable)")
      ->check(CLI::ExistingFile);
  sub->add_option("--include-files,-i", a->include_files, "Host files for L1's /usr/local/bin")
      ->check(CLI::ExistingFile);
  sub->add_option("--kernel", a->kernel, "Kernel for L1 and L2 (a Debian kernel: its KVM modules are fetched)");
  sub->add_option("--memory-mb", a->memory_mb, "L1 memory (L2 guests live in it)")->capture_default_str();
  sub->add_option("--timeout", a->timeout_s, "L1 deadline in seconds (default 1200)");
  sub->add_option("--l1-cpus", a->l1_cpus, "L1 vCPUs")->capture_default_str()->check(CLI::Range(1, 8));
  sub->add_flag("--with-qemu", a->with_qemu, "Also pack QEMU into L1 (for `ktstr --vmm qemu` there)");
  sub->callback([&selected, a] { selected = [a] { return run_rig(*a); }; });
}

}  // namespace ktstr::cli
