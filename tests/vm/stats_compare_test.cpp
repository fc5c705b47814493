// `ktstr stats compare` on real records: three one-scenario runs under the
// fixture scheduler (baseline, --flags dispatch-delay, a clean re-run) into a private
// store, then the comparisons through the real binary. One small scenario
// per run keeps this at ~3 short boots.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "vm_harness.hpp"

namespace ktstr::vmtest {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "ktstr-stats-vm-XXXXXX").string();
    path = ::mkdtemp(tmpl.data()) ? fs::path(tmpl) : fs::path();
  }
  ~TempDir() {
    std::error_code ec;
    if (!path.empty()) fs::remove_all(path, ec);
  }
};

TEST(StatsCompare, SlowRunJudgedCleanRunNotFlagged) {
  KTSTR_REQUIRE_VM();
  TempDir dir;
  ASSERT_FALSE(dir.path.empty());
  const std::string store = (dir.path / "runs.db").string();
  auto run = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"run", "-s", "steady", "--scheduler", "fixture",
                                     "--duration-ms", "1500", "--store", store};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = run_ktstr(args, 180s);
    EXPECT_EQ(r.code, 0) << r.out << r.err;
  };
  run({});                     // baseline: latest~2
  run({"--flags", "dispatch-delay"});  // latest~1: every worker dispatch waits 50 ms
  run({});                     // clean re-run: latest

  // Clean re-run against the baseline: paired on everything but the commit, no regression.
  auto clean = run_ktstr({"stats", "compare", "--store", store, "--a", "run=latest~2", "--b", "run=latest", "--json"}, 30s);
  ASSERT_EQ(clean.code, 0) << clean.out << clean.err;
  auto cj = nlohmann::json::parse(clean.out);
  EXPECT_EQ(cj["regressions"], 0) << clean.out;
  ASSERT_EQ(cj["pairs"].size(), 1u);
  EXPECT_EQ(cj["pairs"][0]["key"]["test"], "steady");
  EXPECT_EQ(cj["pairs"][0]["a_n"], 1);
  EXPECT_EQ(cj["emulation_allowance"], true);  // QEMU TCG here
  size_t judged = 0;
  for (const auto& m : cj["pairs"][0]["metrics"]) judged += m["verdict"] != "missing";
  // Worker stats and the host monitor's sched_ext numbers are all there.
  EXPECT_GE(judged, 10u) << clean.out;

  // The delayed run: `flags` differs throughout, so it is a compared
  // dimension and steady pairs with steady. A 50 ms wait per dispatch lifts
  // run delay ~10x over a clean run (measured 3.2 ms -> 38.8 ms mean, 4.3 ->
  // 39.9 ms worst), beyond the emulation allowance (x4 abs gate, 5-fold).
  auto slow = run_ktstr({"stats", "compare", "--store", store, "--a", "run=latest~2", "--b", "run=latest~1", "--json"}, 30s);
  ASSERT_EQ(slow.code, 1) << slow.out << slow.err;
  auto sj = nlohmann::json::parse(slow.out);
  EXPECT_GE(sj["regressions"].get<int>(), 1);
  EXPECT_NE(std::find(sj["compared"].begin(), sj["compared"].end(), "flags"), sj["compared"].end()) << slow.out;
  ASSERT_EQ(sj["pairs"].size(), 1u);
  std::vector<std::string> regressed;
  for (const auto& m : sj["pairs"][0]["metrics"])
    if (m["verdict"] == "regression") regressed.push_back(m["name"].get<std::string>());
  EXPECT_NE(std::find(regressed.begin(), regressed.end(), "worst_mean_run_delay_us"), regressed.end()) << slow.out;
  EXPECT_NE(std::find(regressed.begin(), regressed.end(), "worst_run_delay_us"), regressed.end()) << slow.out;

  // The table names the verdicts; the summary covers the latest run.
  auto table = run_ktstr({"stats", "compare", "--store", store, "--a", "run=latest~2", "--b", "run=latest~1"}, 30s);
  EXPECT_NE(table.out.find("1 pair(s): "), std::string::npos) << table.out;
  EXPECT_EQ(table.out.find("\033["), std::string::npos) << "colour without a TTY";
  auto summary = run_ktstr({"stats", "--store", store, "--json"}, 30s);
  ASSERT_EQ(summary.code, 0) << summary.err;
  EXPECT_EQ(nlohmann::json::parse(summary.out)["records"], 1);
}

}  // namespace
}  // namespace ktstr::vmtest
