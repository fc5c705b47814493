// `ktstr run` with -j, --gauntlet, --budget and shards: names, order, and
// that bad input is refused before anything boots.
#include <gtest/gtest.h>

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "vm_harness.hpp"

using ktstr::vmtest::run_ktstr;

namespace {

std::vector<std::string> dry_run_names(const std::string& out) {
  std::vector<std::string> names;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);)
    if (line.rfind("gauntlet/", 0) == 0) names.push_back(line.substr(0, line.find("  ")));
  return names;
}

}  // namespace

TEST(RunGauntlet, PresetsTimesProfilesWithTheirNames) {
  auto r = run_ktstr({"run", "--gauntlet", "--presets", "tiny-1llc,tiny-2llc,odd-3llc", "-s", "steady", "-s",
                      "steady_llc", "--scheduler", "fixture", "--dry-run"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  auto names = dry_run_names(r.out);
  // 2 scenarios x 3 presets x 4 profiles (default, slow, short-timeout, both),
  // minus steady_llc on tiny-1llc (it needs two LLCs: dropped with the reason).
  EXPECT_EQ(names.size(), 2u * 3 * 4 - 4);
  EXPECT_EQ(names.front(), "gauntlet/steady/tiny-1llc/default");
  EXPECT_NE(r.out.find("gauntlet/steady_llc/odd-3llc/slow+short-timeout  topology 1n3l3c1t  scheduler fixture "
                       "[slow+short-timeout]"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("note: steady_llc: preset tiny-1llc: "), std::string::npos) << r.out;
}

TEST(RunGauntlet, BudgetIsDeterministicAndShardsAreDisjointAndComplete) {
  std::vector<std::string> args = {"run", "--gauntlet", "--scheduler", "fixture", "-s", "steady", "--budget", "60",
                                   "--dry-run"};
  auto a = run_ktstr(args), b = run_ktstr(args);
  ASSERT_EQ(a.code, 0) << a.err;
  EXPECT_EQ(dry_run_names(a.out), dry_run_names(b.out));
  EXPECT_NE(a.out.find("note: budget 60 s: "), std::string::npos) << a.out;
  auto chosen = dry_run_names(a.out);
  EXPECT_GT(chosen.size(), 1u);

  // Shards of the same budgeted gauntlet.
  std::multiset<std::string> seen;
  for (int i = 0; i < 3; ++i) {
    ktstr::SpawnOptions o;
    o.env_set = {{"GTEST_TOTAL_SHARDS", "3"}, {"GTEST_SHARD_INDEX", std::to_string(i)}};
    std::vector<std::string> argv = {KTSTR_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = ktstr::run_capture(argv, std::chrono::seconds(60), o);
    ASSERT_TRUE(r.status.ok()) << r.err;
    for (auto& n : dry_run_names(r.out)) seen.insert(n);
  }
  EXPECT_EQ(seen.size(), chosen.size());
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), std::set<std::string>(chosen.begin(), chosen.end()));
}

TEST(RunGauntlet, BadGauntletInputIsExit2BeforeAnyBoot) {
  auto p = run_ktstr({"run", "--gauntlet", "--presets", "tiny-1llc,huge-9llc", "-s", "steady"});
  EXPECT_EQ(p.code, 2);
  EXPECT_NE(p.err.find("unknown topology preset 'huge-9llc'"), std::string::npos) << p.err;
  auto b = run_ktstr({"run", "--budget", "30", "-s", "steady"});
  EXPECT_EQ(b.code, 2);
  EXPECT_NE(b.err.find("--presets and --budget need --gauntlet"), std::string::npos) << b.err;
  auto j = run_ktstr({"run", "-j", "0", "-s", "steady"});
  EXPECT_EQ(j.code, 2) << j.err;
  auto s = run_ktstr({"shell", "--test", "gauntlet/steady/tiny-2llc/slow"});
  EXPECT_EQ(s.code, 2);
  EXPECT_NE(s.err.find("profile 'slow' is a set of scheduler flags; add the --scheduler the gauntlet ran"),
            std::string::npos)
      << s.err;
}

// Also the run store: both VMs' records (written from two threads as each
// finished) in an explicit --store, the run's JSON next to it, `stats list`.
TEST(RunParallel, TwoVmsAtOnceResultsInRunOrderAndRecorded) {
  KTSTR_REQUIRE_VM();
  namespace fs = std::filesystem;
  std::string tmpl = (fs::temp_directory_path() / "ktstr-store-vm-XXXXXX").string();
  ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
  const fs::path store = fs::path(tmpl) / "runs.db";
  auto r = run_ktstr({"run", "-j", "2", "-s", "cpuset_apply", "-s", "steady", "--duration-ms", "1000", "--json",
                      "--store", store.string()});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out;
  ASSERT_EQ(j["results"].size(), 2u);
  EXPECT_EQ(j["results"][0]["name"], "cpuset_apply");
  EXPECT_EQ(j["results"][1]["name"], "steady");
  for (const auto& res : j["results"]) EXPECT_EQ(res["verdict"], "PASS") << res.dump(2);

  ASSERT_TRUE(j.contains("run_id")) << r.out;
  EXPECT_EQ(j["store"], store.string());
  const std::string run_id = j["run_id"];
  std::ifstream in(fs::path(tmpl) / "runs" / (run_id + ".json"));
  auto doc = nlohmann::json::parse(in, nullptr, false);
  ASSERT_FALSE(doc.is_discarded());
  ASSERT_EQ(doc["records"].size(), 2u);
  std::set<std::string> tests;
  for (const auto& rec : doc["records"]) {
    const auto& id = rec["identity"];
    tests.insert(id["test"].get<std::string>());
    EXPECT_EQ(rec["verdict"], "PASS");
    EXPECT_EQ(id["topology"], "1n2l2c1t");
    EXPECT_EQ(id["scheduler"], "eevdf");
    EXPECT_EQ(id["vmm"], "qemu");
    EXPECT_FALSE(id["kernel"].get<std::string>().empty()) << rec.dump(2);
    EXPECT_FALSE(id["commit"].get<std::string>().empty());
    EXPECT_TRUE(rec["result"].contains("monitor")) << "the monitor summary/timeline travels with the record";
  }
  EXPECT_EQ(tests, (std::set<std::string>{"cpuset_apply", "steady"}));

  auto l = run_ktstr({"stats", "list", "--store", store.string(), "--json"}, std::chrono::seconds(30));
  EXPECT_EQ(l.code, 0) << l.err;
  auto lj = nlohmann::json::parse(l.out, nullptr, false);
  ASSERT_FALSE(lj.is_discarded()) << l.out;
  ASSERT_EQ(lj["runs"].size(), 1u);
  EXPECT_EQ(lj["runs"][0]["run_id"], run_id);
  EXPECT_EQ(lj["runs"][0]["passed"], 2);
  EXPECT_NE(lj["runs"][0]["command"].get<std::string>().find("--store"), std::string::npos);
  std::error_code ec;
  fs::remove_all(tmpl, ec);
}
