#include "runner/test_shell.hpp"

#include <cstdio>

#include <fmt/format.h>

#include "runner/test_name.hpp"
#include "runner/test_run.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace ktstr::runner {

PlannedVariant planned_variant_by_name(const std::string& name) {
  auto tn = parse_test_name(name);
  if (!tn) fail("'{}' is not a test name (ktstr/<Suite>.<Name> or gauntlet/<Suite>.<Name>/<preset>/<profile>)", name);
  const TestDef* def = TestRegistry::global().find(tn->test);
  if (!def) {
    std::string known;
    for (const auto* d : TestRegistry::global().all()) known += "\n  " + base_test_name(d->id());
    fail("no test {} in this binary; its tests:{}", tn->test, known.empty() ? " none" : known);
  }
  PlannedVariant v = base_variant(*def);
  if (!tn->gauntlet) return v;
  const topology::Preset* p = topology::find_preset(tn->preset);
  if (!p) fail("{}: unknown topology preset '{}'", name, tn->preset);
  v.name = name;
  v.preset = tn->preset;
  v.topology = p->topology;
  v.gauntlet = true;
  auto sched = test_scheduler(def->options);
  if (sched) {
    try {
      v.profile = scheduler::parse_flag_selection(*sched, tn->profile);
    } catch (const Error& e) {
      fail("{}: {}", name, e.what());  // the profile is the name's last part
    }
  } else if (tn->profile != "default") {
    fail("{}: the test runs under EEVDF, which has no flags (profile must be 'default')", name);
  }
  return v;
}

void make_shell(GuestRunOptions& g, const std::string& exec) {
  g.stream_output = true;
  g.timeout.reset();
  if (exec.empty()) {
    g.interactive = true;
    g.request.action = "shell";
    g.action_budget = std::chrono::hours(1);  // still a deadline, a long one
  } else {
    g.request.action = "exec";
    g.request.command = exec;
    g.action_budget += std::chrono::seconds(30);
  }
}

int run_shell_vm(const GuestRunOptions& g) {
  auto r = run_in_guest(g);
  const auto& out = r.outcome;
  log::debug("kernel {} on {}: {}, guest ready {:.2f} s after VM start, VM {:.2f} s, total {:.2f} s", r.kernel_version,
             vm::to_string(r.vmm.vmm), vm::to_string(out.start_mode), out.ready_seconds, out.wall_seconds,
             r.total_seconds);
  if (out.first_entry_s || out.exit_report_to_end_s)
    log::debug("VM timing: creation to first vCPU entry {:.1f} ms, exit code reported to VM gone {:.1f} ms",
               out.first_entry_s.value_or(-1) * 1e3, out.exit_report_to_end_s.value_or(-1) * 1e3);
  if (out.kind == vm::ExitKind::Clean) {
    for (const auto& m : out.messages)
      if (m.type == channel::MsgType::Panic) log::warn("guest: {}", m.text());
    return *out.guest_exit_code;
  }
  std::fputs(describe_failure(out).c_str(), stderr);
  if (out.kind == vm::ExitKind::Timeout)
    std::fprintf(stderr, "ktstr: the VM deadline was %llds (raise it with --timeout)\n",
                 static_cast<long long>(r.timeout.count()));
  return out.kind == vm::ExitKind::BackendError ? 2 : 1;
}

int shell_in_test_vm(const std::string& name, const std::string& exec) {
  PlannedVariant v = planned_variant_by_name(name);
  GuestRunOptions g = test_guest_options(v);
  make_shell(g, exec);
  log::info("{}: topology {}, profile {}", v.name, v.topology.name(), v.profile.name());
  return run_shell_vm(g);
}

}  // namespace ktstr::runner
