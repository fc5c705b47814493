// ktstr::test_main: the three roles of a test binary. PID 1 in a guest:
// guest init (runs the body the host asked for). Asked for a shell: boot
// a variant's VM with a shell. Otherwise: GoogleTest, with ktstr's flags.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "guest/init_main.hpp"
#include "ktstr/test/ktstr_test.hpp"
#include "runner/gauntlet.hpp"
#include "runner/job_slots.hpp"
#include "runner/test_plan.hpp"
#include "runner/test_shell.hpp"
#include "testkit/gtest_filter.hpp"
#include "testkit/gtest_variants.hpp"
#include "testkit/guest_action.hpp"
#include "topology/capacity.hpp"
#include "topology/sysfs_topology.hpp"
#include "util/error.hpp"
#include "util/interrupt.hpp"
#include "vm/accel.hpp"

namespace ktstr {
namespace {

constexpr const char* kHelp = R"(ktstr options of a KTSTR_TEST binary (GoogleTest's --gtest_* work as usual):
  --ktstr-gauntlet          also register gauntlet/<test>/<preset>/<profile> variants   [KTSTR_GAUNTLET=1]
  --ktstr-presets=a,b       gauntlet presets to use (default: all the host can run)     [KTSTR_PRESETS]
  --ktstr-budget=SECONDS    gauntlet variants chosen to fit this many VM-seconds        [KTSTR_BUDGET]
  -j N, --ktstr-jobs=N      VMs at once (default: host cores and memory allow)          [KTSTR_JOBS]
  --ktstr-dry-run           print what each VM test would boot, boot nothing            [KTSTR_DRY_RUN=1]
  --ktstr-verbose           say which presets each gauntlet dropped and why
  --ktstr-no-snapshot       cold-boot every VM (no snapshot restore)                    [KTSTR_SNAPSHOT=0]
  --ktstr-shell=NAME        boot the VM of test variant NAME with a shell instead of the test
  --ktstr-shell-exec=CMD    ... run CMD in it instead (its exit code is the binary's)
  --ktstr-help              this text
Sharding: GTEST_TOTAL_SHARDS / GTEST_SHARD_INDEX. Filters may name variants as listed
(--gtest_list_tests); '-' inside a name is kept, not read as the negative-pattern mark.
)";

struct Flags {
  bool gauntlet = false, dry_run = false, help = false, verbose = false;
  std::string presets, budget, jobs, shell, shell_exec;
};

std::string env_or(const char* name, std::string fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : fallback;
}

// Takes ktstr's flags out of argv (GoogleTest keeps what it does not know).
Flags take_flags(int& argc, char** argv) {
  Flags f;
  f.gauntlet = env_or("KTSTR_GAUNTLET", "0") != "0";
  f.dry_run = env_or("KTSTR_DRY_RUN", "0") != "0";
  f.presets = env_or("KTSTR_PRESETS", "");
  f.budget = env_or("KTSTR_BUDGET", "");
  f.jobs = env_or("KTSTR_JOBS", "");
  int out = 1;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](const char* flag) -> std::optional<std::string> {
      std::string eq = std::string(flag) + "=";
      if (a.rfind(eq, 0) == 0) return a.substr(eq.size());
      if (a == flag) {
        if (i + 1 >= argc) fail("{} needs a value", flag);
        return std::string(argv[++i]);
      }
      return std::nullopt;
    };
    if (a == "--ktstr-gauntlet") f.gauntlet = true;
    else if (a == "--ktstr-dry-run") f.dry_run = true;
    else if (a == "--ktstr-help") f.help = true;
    else if (a == "--ktstr-verbose") f.verbose = true;
    else if (a == "--ktstr-no-snapshot") ::setenv("KTSTR_SNAPSHOT", "0", 1);  // read by runner/guest_run
    else if (auto v = value("--ktstr-presets")) f.presets = *v;
    else if (auto v = value("--ktstr-budget")) f.budget = *v;
    else if (auto v = value("--ktstr-jobs")) f.jobs = *v;
    else if (auto v = value("-j")) f.jobs = *v;
    else if (a.size() > 2 && a.rfind("-j", 0) == 0 && a.find_first_not_of("0123456789", 2) == std::string::npos) f.jobs = a.substr(2);
    else if (auto v = value("--ktstr-shell")) f.shell = *v;
    else if (auto v = value("--ktstr-shell-exec")) f.shell_exec = *v;
    else if (a.rfind("--ktstr-", 0) == 0) fail("unknown option {} (see --ktstr-help)", a);
    else argv[out++] = argv[i];
  }
  argc = out;
  argv[argc] = nullptr;
  return f;
}

double parse_budget(const std::string& s) {
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (s.empty() || *end || !(v > 0)) fail("--ktstr-budget '{}' must be a positive number of seconds", s);
  return v;
}

void register_gauntlet(const Flags& f) {
  runner::RunPlanOptions o;
  o.gauntlet = true;
  if (!f.presets.empty()) o.gauntlet_options.presets = runner::parse_preset_list(f.presets);
  bool tcg = vm::choose_accel().accel == vm::Accel::Tcg;
  o.software_emulation = tcg;
  o.gauntlet_options.capacity = topology::host_capacity(tcg, runner::read_host_resources().cpus);
  if (!f.budget.empty()) o.budget_seconds = parse_budget(f.budget);
  auto plan = runner::plan_run(runner::TestRegistry::global().all(), o);
  size_t n = 0;
  for (auto& v : plan.variants)
    if (v.gauntlet) {
      testkit::register_gauntlet_variant(std::move(v));
      ++n;
    }
  if (GTEST_FLAG_GET(list_tests)) return;  // ctest's discovery reads stdout; keep stderr quiet too
  size_t dropped = 0;
  for (const auto& note : plan.notes) {
    bool budget = note.rfind("budget ", 0) == 0;
    dropped += !budget;
    if (budget || f.verbose) std::fprintf(stderr, "ktstr: gauntlet: %s\n", note.c_str());
  }
  std::fprintf(stderr, "ktstr: gauntlet: %zu variants; %zu test/preset pairs dropped by constraints or host capacity%s\n",
               n, dropped, f.verbose ? "" : " (--ktstr-verbose says why)");
}

int run(int argc, char** argv) {
  Flags f = take_flags(argc, argv);
  if (f.help) {
    std::fputs(kHelp, stdout);
    return 0;
  }
  ::testing::InitGoogleTest(&argc, argv);
  install_interrupt_handlers();
  if (!f.shell.empty()) return runner::shell_in_test_vm(f.shell, f.shell_exec);
  if (f.gauntlet) register_gauntlet(f);
  GTEST_FLAG_SET(filter, testkit::protect_names_in_filter(GTEST_FLAG_GET(filter), testkit::variant_names()));
  if (!f.jobs.empty()) testkit::settings().jobs = runner::parse_jobs(f.jobs, "-j");
  testkit::settings().dry_run = f.dry_run;
  testkit::add_environment_once();
  return RUN_ALL_TESTS();
}

}  // namespace

int test_main(int argc, char** argv) {
  if (::getpid() == 1) {
    testkit::install_guest_actions();
    guest::init_main();
  }
  try {
    return run(argc, argv);
  } catch (const Interrupted& e) {
    std::fprintf(stderr, "ktstr: %s; VM and temporary files cleaned up\n", e.what());
    return 128 + e.signal();
  } catch (const Error& e) {
    std::fprintf(stderr, "ktstr: error: %s\n", e.what());
    return 2;
  }
}

}  // namespace ktstr
