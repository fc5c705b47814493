// `ktstr shell`: an interactive busybox shell in a VM, or `--exec CMD` whose
// exit code becomes ktstr's.
#include <cstdio>

#include "cli/command.hpp"
#include "cli/scheduler_args.hpp"
#include "cli/vmm_arg.hpp"
#include "runner/guest_run.hpp"
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
};

int run_shell(const ShellArgs& a) {
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
  auto r = runner::run_in_guest(o);
  const auto& out = r.outcome;
  log::debug("kernel {} on {}: guest init at uptime {:.2f} s, VM {:.2f} s, total {:.2f} s", r.kernel_version,
             vm::to_string(r.vmm.vmm), out.guest_init_uptime_s.value_or(-1), out.wall_seconds, r.total_seconds);
  if (out.first_entry_s || out.exit_report_to_end_s)
    log::debug("VM timing: creation to first vCPU entry {:.1f} ms, exit code reported to VM gone {:.1f} ms",
               out.first_entry_s.value_or(-1) * 1e3, out.exit_report_to_end_s.value_or(-1) * 1e3);
  if (out.kind == vm::ExitKind::Clean) {
    for (const auto& m : out.messages)
      if (m.type == channel::MsgType::Panic) log::warn("guest: {}", m.text());
    return *out.guest_exit_code;
  }
  std::fputs(runner::describe_failure(out).c_str(), stderr);
  if (out.kind == vm::ExitKind::Timeout)
    std::fprintf(stderr, "ktstr: the VM deadline was %llds (raise it with --timeout)\n",
                 static_cast<long long>(r.timeout.count()));
  return out.kind == vm::ExitKind::BackendError ? kExitUsage : kExitFailure;
}

}  // namespace

void add_shell_command(CLI::App& app, Action& selected) {
  auto args = std::make_shared<ShellArgs>();
  auto* sub = app.add_subcommand("shell", "Boot a VM with a busybox shell (interactive, or --exec CMD)");
  sub->add_option("--exec,-e", args->exec, "Run CMD with /bin/sh -c in the guest; its exit code is ktstr's");
  sub->add_option("--topology", args->topology, "CPU topology: 1n2l4c1t, N,L,C,T or a preset name")->capture_default_str();
  sub->add_option("--memory-mb", args->memory_mb, "Guest memory (default max(CPUs x 64, 256))");
  sub->add_option("--include-files,-i", args->include_files,
                  "Host files to put in the guest's /usr/local/bin (with their shared libraries)")
      ->check(CLI::ExistingFile);
  sub->add_option("--kernel", args->kernel, "Kernel: vmlinux/bzImage path, directory, or cached version");
  sub->add_option("--timeout", args->timeout_s, "VM deadline in seconds (default grows with CPUs and work)");
  add_vmm_option(sub, args->vmm);
  args->sched.add_to(sub);
  sub->callback([&selected, args] { selected = [args] { return run_shell(*args); }; });
}

}  // namespace ktstr::cli
