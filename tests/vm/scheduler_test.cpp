// sched_ext schedulers under ktstr: the curated catalog passes under ktstr's
// own fixture scheduler, and every fault the fixture can inject fails the
// run with the specific reason (the negative tests pass exactly because the
// failure was detected).
#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "curated.hpp"
#include "scenario/catalog.hpp"
#include "vm_harness.hpp"

using ktstr::vmtest::curated_names;
using ktstr::vmtest::kCuratedTopology;
using ktstr::vmtest::run_ktstr;
using nlohmann::json;

namespace {

// `flags`: the fixture definition's named flags (see `ktstr schedulers`);
// `sched_args`: raw loader arguments on top.
json run_fixture(const std::string& scenario, const std::string& flags, const std::vector<std::string>& sched_args,
                 int* code) {
  std::vector<std::string> args = {"run", "-s", scenario, "--topology", kCuratedTopology, "--scheduler", "fixture",
                                   "--json"};
  if (!flags.empty()) args.push_back("--flags=" + flags);
  for (const auto& a : sched_args) args.push_back("--sched-args=" + a);
  auto r = run_ktstr(args);
  *code = r.code;
  return ktstr::vmtest::single_result(r);
}

std::string all_details(const json& res) {
  std::string s;
  for (const auto& d : res["result"]["details"]) s += d.value("kind", "") + ": " + d.value("message", "") + "\n";
  return s;
}

class CuratedUnderFixture : public ::testing::TestWithParam<std::string> {};

// The topology fits every curated scenario, so only PASS passes.
TEST_P(CuratedUnderFixture, Passes) {
  ASSERT_NO_FATAL_FAILURE(ktstr::vmtest::require_fits_curated_topology(GetParam()));
  KTSTR_REQUIRE_FIXTURE();
  int code = 0;
  auto res = run_fixture(GetParam(), "", {}, &code);
  EXPECT_EQ(res.value("verdict", ""), "PASS") << res.dump(2);
  EXPECT_EQ(code, 0);
  // The scheduler really ran the test: attached under its ops name, and
  // unregistered cleanly at the end.
  EXPECT_EQ(res["scheduler"].value("ops", ""), "ktstr_fixture") << res.dump(2);
  EXPECT_TRUE(res["scheduler"].value("ok", false)) << res.dump(2);
}

INSTANTIATE_TEST_SUITE_P(Catalog, CuratedUnderFixture, ::testing::ValuesIn(curated_names()),
                         [](const auto& info) { return info.param; });

// A real third-party scheduler: the kernel's tools/sched_ext/scx_simple,
// built by scripts/build-kernel-schedulers.sh (scripts/test.sh runs it).
class CuratedUnderScxSimple : public ::testing::TestWithParam<std::string> {};

TEST_P(CuratedUnderScxSimple, Passes) {
  ASSERT_NO_FATAL_FAILURE(ktstr::vmtest::require_fits_curated_topology(GetParam()));
  KTSTR_REQUIRE_VM();
  auto r = run_ktstr({"run", "-s", GetParam(), "--topology", kCuratedTopology, "--scheduler", "simple", "--json"});
  if (r.err.find("scheduler 'simple' not found") != std::string::npos)
    GTEST_SKIP() << "scx_simple not built: run scripts/build-kernel-schedulers.sh scx_simple";
  auto j = json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out << r.err;
  auto res = j["results"][0];
  EXPECT_EQ(res.value("verdict", ""), "PASS") << res.dump(2);
  EXPECT_EQ(res["scheduler"].value("ops", ""), "simple") << res.dump(2);
  EXPECT_EQ(r.code, 0);
}

INSTANTIATE_TEST_SUITE_P(Catalog, CuratedUnderScxSimple, ::testing::ValuesIn(curated_names()),
                         [](const auto& info) { return info.param; });

}  // namespace

TEST(SchedulerFaults, StalledWorkersGetTheSchedulerEjectedForARunnableTaskStall) {
  KTSTR_REQUIRE_FIXTURE();
  int code = 0;
  auto res = run_fixture("steady", "short-timeout,stall", {}, &code);
  EXPECT_EQ(code, 1);
  std::string d = all_details(res);
  EXPECT_NE(d.find("scheduler: sched_ext disabled scheduler \"ktstr_fixture\" (runnable task stall)"),
            std::string::npos) << d;
  EXPECT_NE(d.find("ktstr_worker["), std::string::npos) << d;
  EXPECT_NE(d.find("failed to run for"), std::string::npos) << d;
  // With the flag's 3 s watchdog the stall surfaces in seconds, not 30.
  EXPECT_LT(res.value("seconds", 1000.0), 30.0) << res.dump(2);
}

TEST(SchedulerFaults, ScxBpfErrorIsReportedWithItsMessage) {
  KTSTR_REQUIRE_FIXTURE();
  int code = 0;
  auto res = run_fixture("steady", "error", {}, &code);
  EXPECT_EQ(code, 1);
  std::string d = all_details(res);
  EXPECT_NE(d.find("(scx_bpf_error)"), std::string::npos) << d;
  EXPECT_NE(d.find("injected error after 50 enqueue events"), std::string::npos) << d;
  // The scheduler's own log travels with the verdict.
  EXPECT_NE(res["scheduler"].value("log", "").find("EXIT: ERROR_BPF"), std::string::npos) << res.dump(2);
}

TEST(SchedulerFaults, DispatchLoopIsEjectedByTheKernel) {
  KTSTR_REQUIRE_FIXTURE();
  int code = 0;
  auto res = run_fixture("steady", "short-timeout,dispatch-loop", {}, &code);
  EXPECT_EQ(code, 1);
  std::string d = all_details(res);
  // The kernel's verdict: its watchdog (either path) caught the stuck CPU.
  EXPECT_NE(d.find("sched_ext disabled scheduler \"ktstr_fixture\" (runnable task stall)"), std::string::npos)
      << d;
}

TEST(SchedulerFaults, EarlyExitIsReportedAsSchedulerDied) {
  KTSTR_REQUIRE_FIXTURE();
  int code = 0;
  auto res = run_fixture("steady", "exit-early", {}, &code);
  EXPECT_EQ(code, 1);
  std::string d = all_details(res);
  EXPECT_NE(d.find("scx_ktstr_fixture died while the test ran (exit code 1)"), std::string::npos) << d;
  EXPECT_NE(res["scheduler"].value("log", "").find("fixture: exiting early on purpose"), std::string::npos);
}

TEST(SchedulerFaults, SchedulerThatDiesBeforeAttachingIsCaught) {
  KTSTR_REQUIRE_FIXTURE();
  int code = 0;
  auto res = run_fixture("steady", "", {"--no-such-option"}, &code);
  EXPECT_EQ(code, 1);
  std::string d = all_details(res);
  EXPECT_NE(d.find("died"), std::string::npos) << d;
  EXPECT_NE(d.find("before attaching"), std::string::npos) << d;
}

// A real ELF that is not a sched_ext scheduler: it runs, never attaches, and
// the run fails with exactly that (exit 1, a test failure, not bad input).
TEST(SchedulerFaults, BinaryThatIsNotASchedulerNeverAttaches) {
  KTSTR_REQUIRE_VM();
  auto r = run_ktstr({"run", "-s", "steady", "--duration-ms", "500", "--scheduler", "/bin/sleep", "--sched-args=60",
                      "--json"});
  EXPECT_EQ(r.code, 1) << r.err;
  auto j = json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out << r.err;
  std::string d = all_details(j["results"][0]);
  EXPECT_NE(d.find("did not attach within"), std::string::npos) << d;
}

TEST(ShellWithScheduler, CommandRunsWhileTheSchedulerIsAttached) {
  KTSTR_REQUIRE_FIXTURE();
  auto r = run_ktstr({"shell", "--scheduler", "fixture", "--exec",
                      "cat /sys/kernel/sched_ext/state /sys/kernel/sched_ext/root/ops; exit 5"});
  EXPECT_EQ(r.code, 5) << r.err;
  EXPECT_NE(r.out.find("scheduler ktstr_fixture attached"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("enabled\nktstr_fixture\n"), std::string::npos) << r.out;
}

TEST(SchedulerFaults, StallIsEjectedWithinTheShortenedWatchdogNotTheKernels30s) {
  KTSTR_REQUIRE_FIXTURE();
  // No short-timeout flag: the scheduler asks for the kernel's 30 s default,
  // and only the host writing guest memory brings it down to 4 s.
  int code = 0;
  auto res = run_fixture("steady", "", {"--stall-comm", "ktstr_worker"}, &code);
  EXPECT_EQ(code, 1);
  std::string d = all_details(res);
  EXPECT_NE(d.find("(runnable task stall)"), std::string::npos) << d;
  auto pos = d.find("failed to run for ");
  ASSERT_NE(pos, std::string::npos) << d;
  double stalled_s = std::stod(d.substr(pos + 18));
  EXPECT_LT(stalled_s, 12.0) << "ejected after " << stalled_s << " s: the 4 s watchdog was not applied\n" << d;
  bool shortened = false;
  for (const auto& e : res.value("watchdog", json::array()))
    if (e.value("kind", "") == "shortened") shortened = true;
  EXPECT_TRUE(shortened) << res.value("watchdog", json::array()).dump(2);
}
