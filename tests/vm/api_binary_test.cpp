// The KTSTR_TEST binary (tests/api/api_tests) seen from outside, the way CI
// sees a scheduler author's suite: what a failure prints first, what the
// JUnit XML carries, that expect-error needs the stated reason, that
// host-only tests never boot a VM, and that sharding splits the gauntlet.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "vm_harness.hpp"

namespace {
namespace fs = std::filesystem;
using ktstr::RunResult;
using ktstr::SpawnOptions;

RunResult run_api(std::vector<std::string> args, std::map<std::string, std::string> env = {},
                  std::chrono::seconds limit = std::chrono::seconds(300)) {
  args.insert(args.begin(), API_TESTS_BINARY);
  SpawnOptions o;
  o.env_set = std::move(env);
  o.env_set.emplace("KTSTR_SCHEDULER_DIR", SCHEDULER_DIR);
  return ktstr::run_capture(args, limit, o);
}

// The inner binary's output for a failure message, with GoogleTest's skip
// mark defused: ctest reads "[  SKIPPED ]" anywhere in this test's output
// as "this test skipped" and would hide the failure.
std::string printable(std::string out) {
  for (size_t p; (p = out.find("[  SKIPPED ]")) != std::string::npos;) out.replace(p, 12, "[ (skipped) ]");
  return out;
}

// "[ RUN      ] name" lines: the tests a run actually ran.
std::vector<std::string> ran(const std::string& out) {
  std::vector<std::string> names;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);)
    if (line.rfind("[ RUN      ] ", 0) == 0) names.push_back(line.substr(13));
  return names;
}

// --gtest_list_tests output -> full names.
std::vector<std::string> listed(const std::string& out) {
  std::vector<std::string> names;
  std::istringstream in(out);
  std::string suite;
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    if (line[0] != ' ') suite = line;
    else names.push_back(suite + line.substr(2));
  }
  return names;
}

// The message of the failure reported for `test`: the line after
// "<file>:<line>: Failure".
std::string first_failure_line(const std::string& out, const std::string& test) {
  auto start = out.find("[ RUN      ] " + test);
  if (start == std::string::npos) return "";
  auto f = out.find(": Failure\n", start);
  if (f == std::string::npos) return "";
  f += 10;
  return out.substr(f, out.find('\n', f) - f);
}

}  // namespace

TEST(ApiBinary, DeliberateFailuresSayWhatFailedFirstThenTheReportAlsoInJUnitXml) {
  KTSTR_REQUIRE_VM();
  fs::path xml = fs::temp_directory_path() / ("ktstr-api-" + std::to_string(::getpid()) + ".xml");
  // Two VMs at once: -j 2 in the test binary.
  auto r = run_api({"--gtest_also_run_disabled_tests", "--gtest_filter=ktstr/DISABLED_Deliberate.*", "-j", "2",
                    "--gtest_output=xml:" + xml.string()});
  EXPECT_EQ(r.status.code, 1) << printable(r.out) << r.err;
  EXPECT_NE(r.err.find("3 VM tests, up to 2 at once"), std::string::npos) << r.err;

  // A failed check: the gap (three spinners on cpu0, a 1 ms limit).
  std::string gap = first_failure_line(r.out, "ktstr/DISABLED_Deliberate.GapWhenThreeSpinnersShareOneCpu");
  EXPECT_TRUE(std::regex_match(gap, std::regex(R"(gap: crowd: worker \d \(pid \d+\) stuck \d+ ms on cpu0 at \+\d+ ms.*)")))
      << gap << "\n" << printable(r.out);
  // ... then the full report: verdict line, every detail, the stats table.
  EXPECT_NE(r.out.find("FAIL  ktstr/DISABLED_Deliberate.GapWhenThreeSpinnersShareOneCpu"), std::string::npos)
      << printable(r.out);
  EXPECT_NE(r.out.find("off-cpu% avg/min/max"), std::string::npos) << printable(r.out);
  // The body's own EXPECT_LT, captured in the guest, with its location.
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(\[other\] [^\n]*api_tests\.cpp:\d+: Expected: \(r\.stats\.worst_gap_ms\) < \(1u\))")))
      << printable(r.out);
  EXPECT_NE(r.out.find("gap seen by the body"), std::string::npos) << printable(r.out);

  // GTEST_SKIP() in the guest: skipped, with the guest's reason.
  EXPECT_NE(r.out.find("needs two LLCs, the guest has 1"), std::string::npos) << printable(r.out);
  // (Spelled in two parts: this test's own failure text must not hold the mark either.)
  const std::string skipped = std::string("[  SKIPPED") + " ] ktstr/DISABLED_Deliberate.SkipsInTheGuest";
  EXPECT_NE(r.out.find(skipped), std::string::npos) << printable(r.out);

  // expect-error with the wrong reason fails, naming the real one.
  std::string wrong = first_failure_line(r.out, "ktstr/DISABLED_Deliberate.ExpectErrorWithTheWrongReason");
  EXPECT_EQ(wrong.rfind("expected the run to fail with \"runnable task stall\", but it failed with: scheduler ejected: "
                        "scx_bpf_error",
                        0),
            0u)
      << wrong << "\n" << printable(r.out);
  EXPECT_NE(r.out.find("--- scheduler log ---"), std::string::npos) << printable(r.out);

  std::ifstream in(xml);
  std::string x((std::istreambuf_iterator<char>(in)), {});
  fs::remove(xml);
  EXPECT_NE(x.find("<failure message=\""), std::string::npos) << x;
  EXPECT_NE(x.find("&#x0A;gap: crowd: worker "), std::string::npos) << x;
  EXPECT_NE(x.find("but it failed with: scheduler ejected: scx_bpf_error"), std::string::npos) << x;
  EXPECT_NE(x.find("name=\"ktstr_seconds\""), std::string::npos) << x;
}

TEST(ApiBinary, HostOnlyTestsNeverBootAVm) {
  // No QEMU at all: a VM test fails at once, the host-only test still passes.
  std::map<std::string, std::string> no_vm{{"KTSTR_QEMU", "/nonexistent/qemu-system-x86_64"}};
  auto host = run_api({"--gtest_filter=ktstr/Api.HostOnly*"}, no_vm);
  EXPECT_EQ(host.status.code, 0) << printable(host.out) << host.err;
  EXPECT_NE(host.out.find("[       OK ] ktstr/Api.HostOnlyBodyRunsOnTheHost"), std::string::npos) << printable(host.out);

  auto vm = run_api({"--gtest_filter=ktstr/Api.FixtureRunsScenariosAndCustomWork"}, no_vm);
  EXPECT_EQ(vm.status.code, 1) << printable(vm.out) << vm.err;
  EXPECT_NE(vm.out.find("KTSTR_QEMU=/nonexistent/qemu-system-x86_64 is not an executable"), std::string::npos)
      << printable(vm.out);
}

TEST(ApiBinary, GtestShardsSplitTheGauntletDisjointlyAndCompletely) {
  const std::vector<std::string> g = {"--ktstr-gauntlet", "--ktstr-presets=tiny-1llc,tiny-2llc,odd-3llc"};
  auto all_args = g;
  all_args.push_back("--gtest_list_tests");
  auto list = run_api(all_args);
  ASSERT_EQ(list.status.code, 0) << list.err;
  std::set<std::string> expected;
  for (const auto& n : listed(list.out))
    if (n.find("DISABLED_") == std::string::npos) expected.insert(n);
  // 3 presets x 4 fixture profiles for the fixture test; the names as PRODUCT.md §5 spells them.
  EXPECT_TRUE(expected.count("gauntlet/Api.FixtureRunsScenariosAndCustomWork/odd-3llc/slow+short-timeout"));
  EXPECT_TRUE(expected.count("gauntlet/Api.ExpectErrorPassesWhenTheSchedulerErrorsOut/tiny-2llc/error"));
  EXPECT_EQ(expected.size(), 3u + 12u + 12u);

  std::multiset<std::string> seen;
  for (int i = 0; i < 3; ++i) {
    auto args = g;
    args.push_back("--ktstr-dry-run");
    auto r = run_api(args, {{"GTEST_TOTAL_SHARDS", "3"}, {"GTEST_SHARD_INDEX", std::to_string(i)}});
    EXPECT_EQ(r.status.code, 0) << printable(r.out) << r.err;
    auto names = ran(r.out);
    EXPECT_GE(names.size(), 8u) << "shard " << i;
    seen.insert(names.begin(), names.end());
  }
  EXPECT_EQ(seen.size(), expected.size());                                     // disjoint
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), expected);        // complete
}

TEST(ApiBinary, GauntletVariantsRunByTheirListedNameAndABudgetPicksTheSameSubsetEveryTime) {
  // What ctest does: one variant by its exact name ('-' and '+' in it).
  auto one = run_api({"--ktstr-gauntlet", "--ktstr-dry-run",
                      "--gtest_filter=gauntlet/Api.FixtureRunsScenariosAndCustomWork/tiny-2llc/slow+short-timeout"});
  EXPECT_EQ(ran(one.out),
            std::vector<std::string>{"gauntlet/Api.FixtureRunsScenariosAndCustomWork/tiny-2llc/slow+short-timeout"})
      << printable(one.out);
  EXPECT_NE(one.out.find("would boot 1n2l2c1t, profile slow+short-timeout"), std::string::npos) << printable(one.out);

  auto budget = [&] {
    auto r = run_api({"--ktstr-gauntlet", "--ktstr-budget=120", "--gtest_list_tests"});
    return listed(r.out);
  };
  auto a = budget(), b = budget();
  EXPECT_EQ(a, b);
  size_t gauntlet = 0;
  for (const auto& n : a) gauntlet += n.rfind("gauntlet/", 0) == 0;
  EXPECT_GT(gauntlet, 0u);
  EXPECT_LT(gauntlet, 24u);  // fewer than the two tests' full gauntlets on this host
}

TEST(ApiBinary, ShellTestBootsTheVariantsVmWithItsSchedulerAndFlags) {
  KTSTR_REQUIRE_VM();
  // Through the ktstr command, which hands a KTSTR_TEST variant to its binary.
  const std::string variant = "gauntlet/Api.FixtureRunsScenariosAndCustomWork/tiny-2llc/slow";
  SpawnOptions o;
  o.env_set = {{"KTSTR_SCHEDULER_DIR", SCHEDULER_DIR}};
  auto r = ktstr::run_capture({KTSTR_BINARY, "shell", "--test", variant, "--test-binary", API_TESTS_BINARY, "--exec",
                               "cat /sys/devices/system/cpu/online /sys/kernel/sched_ext/root/ops; "
                               "tr '\\0' ' ' < /proc/$(pidof scx_ktstr_fixture)/cmdline; echo; exit 3"},
                              std::chrono::seconds(240), o);
  EXPECT_EQ(r.status.code, 3) << printable(r.out) << r.err;  // the command's exit code
  // tiny-2llc = 1n2l2c1t: CPUs 0-3; the fixture attached, running with the slow flag's args.
  EXPECT_NE(r.out.find("0-3\nktstr_fixture\n"), std::string::npos) << printable(r.out) << r.err;
  EXPECT_NE(r.out.find("scx_ktstr_fixture --slow-callbacks 50"), std::string::npos) << printable(r.out) << r.err;
}
