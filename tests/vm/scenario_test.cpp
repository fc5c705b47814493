// `ktstr run`: the curated catalog passes under EEVDF, every check bites
// when a scenario is built so that it must, and bad input never boots.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "curated.hpp"
#include "scenario/catalog.hpp"
#include "vm_harness.hpp"

using ktstr::vmtest::run_ktstr;
using nlohmann::json;

namespace {

using ktstr::vmtest::single_result;

using ktstr::vmtest::curated_names;
using ktstr::vmtest::kCuratedTopology;

class CuratedUnderEevdf : public ::testing::TestWithParam<std::string> {};

// The topology fits every curated scenario, so SKIP is a failure here.
TEST_P(CuratedUnderEevdf, Passes) {
  ASSERT_NO_FATAL_FAILURE(ktstr::vmtest::require_fits_curated_topology(GetParam()));
  KTSTR_REQUIRE_VM();
  auto r = run_ktstr({"run", "-s", GetParam(), "--topology", kCuratedTopology, "--json"});
  auto res = single_result(r);
  EXPECT_EQ(res.value("verdict", ""), "PASS") << res.dump(2) << r.err;
  EXPECT_EQ(r.code, 0);
}

INSTANTIATE_TEST_SUITE_P(Catalog, CuratedUnderEevdf, ::testing::ValuesIn(curated_names()),
                         [](const auto& info) { return info.param; });

// Runs a scenario file that must fail, returns its details.
json expect_failure(const std::string& file) {
  auto r = run_ktstr({"run", "--scenario-file", std::string(SCENARIO_DIR) + "/" + file, "--json"});
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  auto res = single_result(r);
  EXPECT_EQ(res.value("verdict", ""), "FAIL") << res.dump(2);
  return res.contains("result") ? res["result"]["details"] : json::array();
}

bool has_detail(const json& details, const std::string& kind, const std::string& needle) {
  for (const auto& d : details)
    if (d.value("kind", "") == kind && d.value("message", "").find(needle) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST(ChecksBite, FifoSpinnerStarvesNormalWorkersIntoLongGapsOnItsCpu) {
  KTSTR_REQUIRE_VM();
  auto d = expect_failure("neg_fifo_gap.json");
  // Both victims share cpu0 with the RT spinner: ~950 ms gaps per 1 s RT period.
  EXPECT_TRUE(has_detail(d, "gap", "worker 0 (pid")) << d.dump(2);
  EXPECT_TRUE(has_detail(d, "gap", "worker 1 (pid")) << d.dump(2);
  for (const auto& x : d)
    if (x.value("kind", "") == "gap") {
      EXPECT_EQ(x.value("cgroup", ""), "victims");
      EXPECT_NE(x.value("message", "").find("on cpu0"), std::string::npos) << x.dump();
    }
}

TEST(ChecksBite, IsolationCatchesCpusetWidenedBehindTheFrameworksBack) {
  KTSTR_REQUIRE_VM();
  auto d = expect_failure("neg_isolation_widened.json");
  EXPECT_TRUE(has_detail(d, "isolation", "ran on cpus 2 outside cgroup cg_0's cpuset 0-1")) << d.dump(2);
}

TEST(ChecksBite, IsolationControlWithoutWideningPasses) {
  KTSTR_REQUIRE_VM();
  auto r = run_ktstr({"run", "--scenario-file", std::string(SCENARIO_DIR) + "/pos_isolation_kept.json", "--json"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(single_result(r).value("verdict", ""), "PASS");
}

TEST(ChecksBite, KilledWorkerFailsStarvationThroughItsSentinelReport) {
  KTSTR_REQUIRE_VM();
  auto d = expect_failure("neg_killed_worker.json");
  EXPECT_TRUE(has_detail(d, "starvation", "never reported (killed by signal 9")) << d.dump(2);
}

TEST(RunInput, BadScenarioIsRefusedBeforeAnyVmBoots) {
  std::string bad = ::testing::TempDir() + "/bad_scenario.json";
  {
    std::ofstream f(bad);
    f << R"js({"name":"bad","backdrop":{"cgroups":[{"name":"cg_0","works":[{"type":"NoSuchType","workers":0}]},
           {"name":"cg_1","works":[{"type":"PipeIo","workers":3}]}]},
           "steps":[{"ops":[{"op":"set_cpuset","cgroup":"ghost","cpuset":"range(0.5,2.0)"}],"hold":{"fraction":1.0}}]})js";
  }
  auto r = run_ktstr({"run", "--scenario-file", bad}, std::chrono::seconds(30));
  EXPECT_EQ(r.code, 2);
  for (const char* says : {"unknown work type 'NoSuchType'", "zero workers", "not a multiple of the group size 2",
                           "cgroup 'ghost' does not exist", "fractions must be within [0, 1]"})
    EXPECT_NE(r.err.find(says), std::string::npos) << says << "\n" << r.err;
  EXPECT_LT(r.seconds, 5);

  r = run_ktstr({"run", "-s", "no_such_scenario"}, std::chrono::seconds(30));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("unknown scenario 'no_such_scenario'"), std::string::npos) << r.err;
  r = run_ktstr({"run", "--work-type", "Nonsense"}, std::chrono::seconds(30));
  EXPECT_EQ(r.code, 2) << r.err;
}

TEST(RunTopology, ScenarioRunsOnAnUnevenNumaShape) {
  KTSTR_REQUIRE_VM();
  auto r = run_ktstr({"run", "-s", "steady", "--topology", "3n3l2c1t:1l512m,2l,0l256m", "--json"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(single_result(r).value("verdict", ""), "PASS");
}
