#include <gtest/gtest.h>
#include <sqlite3.h>

#include "support/ktstr_test_support.hpp"

#include <set>

#include "store/run_store.hpp"
#include "store_test_util.hpp"
#include "util/error.hpp"

using namespace ktstr;
using namespace ktstr::store;
using namespace ktstr::store::testing;

namespace {

int raw_user_version(const std::filesystem::path& p) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(p.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, nullptr);
  sqlite3_step(s);
  int v = sqlite3_column_int(s, 0);
  sqlite3_finalize(s);
  sqlite3_close(db);
  return v;
}

void raw_exec(const std::filesystem::path& p, const char* sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(p.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  ASSERT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
  sqlite3_close(db);
}

}  // namespace

TEST(RunStore, CreatesSchemaAndReopens) {
  TempDir t;
  auto path = t.path / "sub" / "runs.db";
  std::string id;
  {
    auto s = RunStore::open_for_writing(path);
    id = s.begin_run("ktstr run -s steady", host_context());
    s.append(id, make_record("steady", "eevdf", "PASS"));
  }
  EXPECT_TRUE(std::filesystem::exists(path));
  EXPECT_EQ(raw_user_version(path), kSchemaVersion);
  {
    auto s = RunStore::open_for_writing(path);  // reopen for writing: no re-create
    EXPECT_EQ(s.records_of(id).size(), 1u);
  }
  auto r = RunStore::open_read_only(path);
  auto runs = r.list_runs();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].run_id, id);
  EXPECT_EQ(runs[0].command, "ktstr run -s steady");
  EXPECT_EQ(runs[0].passed, 1);
}

TEST(RunStore, RunIdIsSortableTimeAndUnique) {
  TempDir t;
  auto s = RunStore::open_for_writing(t.path / "runs.db");
  std::set<std::string> ids;
  for (int i = 0; i < 30; ++i) ids.insert(s.begin_run("x", {}));
  EXPECT_EQ(ids.size(), 30u);
  // YYYYMMDD-HHMMSS-xxxx
  EXPECT_EQ(ids.begin()->size(), 20u);
  EXPECT_EQ((*ids.begin())[8], '-');
  EXPECT_EQ((*ids.begin())[15], '-');
}

TEST(RunStore, RecordJsonHasTheContractShape) {
  TempDir t;
  auto s = RunStore::open_for_writing(t.path / "runs.db");
  auto id = s.begin_run("x", {});
  auto rec = make_record("steady", "ktstr_fixture", "FAIL", 6.25);
  rec.identity.variant = "gauntlet/steady/tiny/default";
  rec.identity.flags = "slow_dispatch";
  rec.identity.work_type = "YieldHeavy";
  rec.started = "2026-11-30T14:05:12Z";
  int64_t rid = s.append(id, rec);
  auto all = s.records_of(id);
  ASSERT_EQ(all.size(), 1u);
  const auto& j = all[0];
  std::set<std::string> keys;
  for (auto it = j.begin(); it != j.end(); ++it) keys.insert(it.key());
  EXPECT_EQ(keys, (std::set<std::string>{"id", "run_id", "started", "identity", "verdict", "seconds", "result", "host"}));
  EXPECT_EQ(j["id"], rid);
  EXPECT_EQ(j["run_id"], id);
  EXPECT_EQ(j["started"], "2026-11-30T14:05:12Z");
  EXPECT_EQ(j["verdict"], "FAIL");
  EXPECT_DOUBLE_EQ(j["seconds"].get<double>(), 6.25);
  EXPECT_EQ(j["result"], rec.result);
  const auto& idj = j["identity"];
  EXPECT_EQ(idj.size(), 9u);
  EXPECT_EQ(idj["test"], "steady");
  EXPECT_EQ(idj["variant"], "gauntlet/steady/tiny/default");
  EXPECT_EQ(idj["topology"], "1n2l2c1t");
  EXPECT_EQ(idj["scheduler"], "ktstr_fixture");
  EXPECT_EQ(idj["flags"], "slow_dispatch");
  EXPECT_EQ(idj["kernel"], "7.2.0-test");
  EXPECT_EQ(idj["vmm"], "qemu");
  EXPECT_EQ(idj["commit"], "abc1234");
  EXPECT_EQ(idj["work_type"], "YieldHeavy");
  for (const char* k : {"hostname", "cpus", "load1", "ktstr"}) EXPECT_TRUE(j["host"].contains(k)) << k;
  // Round trip through Record.
  EXPECT_EQ(Record::from_json(j).to_json(), j);
}

TEST(RunStore, ListRunsNewestFirstWithCounts) {
  TempDir t;
  auto s = RunStore::open_for_writing(t.path / "runs.db");
  auto a = s.begin_run("first", {});
  s.append(a, make_record("steady", "eevdf", "PASS"));
  s.append(a, make_record("mixed", "eevdf", "FAIL"));
  auto b = s.begin_run("second", {});
  s.append(b, make_record("steady", "scx_simple", "PASS"));
  s.append(b, make_record("steady", "eevdf", "SKIP"));
  s.append(b, make_record("mixed", "scx_simple", "PASS"));
  auto runs = s.list_runs();
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].run_id, b);
  EXPECT_EQ(runs[0].passed, 2);
  EXPECT_EQ(runs[0].skipped, 1);
  EXPECT_EQ(runs[0].failed, 0);
  EXPECT_EQ(runs[0].schedulers, (std::vector<std::string>{"eevdf", "scx_simple"}));
  EXPECT_EQ(runs[0].kernels, (std::vector<std::string>{"7.2.0-test"}));
  EXPECT_EQ(runs[0].commits, (std::vector<std::string>{"abc1234"}));
  EXPECT_EQ(runs[1].run_id, a);
  EXPECT_EQ(runs[1].failed, 1);
  EXPECT_EQ(s.list_runs(1).size(), 1u);
  EXPECT_EQ(s.latest_run()->run_id, b);
  EXPECT_TRUE(s.run(a).ended.empty());
  s.end_run(a);
  EXPECT_FALSE(s.run(a).ended.empty());
}

TEST(RunStore, SelectorsPickRecords) {
  TempDir t;
  auto s = RunStore::open_for_writing(t.path / "runs.db");
  auto a = s.begin_run("a", {});
  s.append(a, make_record("steady", "eevdf", "PASS"));
  s.append(a, make_record("mixed", "eevdf", "FAIL"));
  auto b = s.begin_run("b", {});
  auto r = make_record("steady", "scx_simple", "PASS");
  r.identity.kernel = "6.12.0";
  s.append(b, r);

  EXPECT_EQ(s.select(Selector::parse("run=latest")).size(), 1u);
  EXPECT_EQ(s.select(Selector::parse("run=latest~1")).size(), 2u);
  EXPECT_EQ(s.select(Selector::parse("run=" + a)).size(), 2u);
  EXPECT_EQ(s.select(Selector::parse("run=" + b.substr(0, 18))).size() >= 1u, true);
  EXPECT_EQ(s.select(Selector::parse("scheduler=eevdf")).size(), 2u);
  EXPECT_EQ(s.select(Selector::parse("scheduler=eevdf,test=steady")).size(), 1u);
  EXPECT_EQ(s.select(Selector::parse("kernel=6.12.0 test=steady")).size(), 1u);
  EXPECT_EQ(s.select(Selector::parse("commit=abc1234")).size(), 3u);
  EXPECT_EQ(s.select(Selector::parse("verdict=fail")).size(), 1u);
  EXPECT_EQ(s.select(Selector::parse("scheduler=nope")).size(), 0u);
  EXPECT_EQ(s.select(Selector::parse("")).size(), 3u);
  EXPECT_EQ(s.select(Selector::parse("run=latest,scheduler=eevdf")).size(), 0u);
}

TEST(RunStore, UnknownRunReferencesNameTheStore) {
  TempDir t;
  auto path = t.path / "runs.db";
  auto s = RunStore::open_for_writing(path);
  try {
    s.select(Selector::parse("run=latest"));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("has no runs yet"), std::string::npos) << e.what();
  }
  s.begin_run("x", {});
  try {
    s.records_of("20991231-000000-beef");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no run '20991231-000000-beef' in the run store " + path.string()),
              std::string::npos)
        << e.what();
  }
  EXPECT_KTSTR_ERROR(s.records_of("latest~5"), "holds only 1 run");
  EXPECT_KTSTR_ERROR(s.records_of("latest~x"), "bad run reference 'latest~x' (latest~N takes a number)");
}

TEST(Selector, RejectsBadTerms) {
  auto msg = [](const char* text) { return ktstr::test::error_of([&] { Selector::parse(text); }); };
  EXPECT_NE(msg("scheduler").find("is not DIMENSION=VALUE"), std::string::npos);
  EXPECT_NE(msg("colour=red").find("unknown selector dimension 'colour'"), std::string::npos);
  EXPECT_NE(msg("colour=red").find("scheduler"), std::string::npos);  // lists the valid ones
  EXPECT_NE(msg("kernel=").find("empty value"), std::string::npos);
  auto s = Selector::parse(" scheduler=eevdf,  kernel=7.2 ");
  ASSERT_EQ(s.terms.size(), 2u);
  EXPECT_EQ(s.get("kernel"), "7.2");
  EXPECT_EQ(s.get("test"), "");
}

TEST(RunStore, PruneKeepsNewestAndDropsOld) {
  TempDir t;
  auto path = t.path / "runs.db";
  auto s = RunStore::open_for_writing(path);
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(s.begin_run("r" + std::to_string(i), {}));
    s.append(ids.back(), make_record("steady", "eevdf", "PASS"));
    s.append(ids.back(), make_record("mixed", "eevdf", "PASS"));
  }
  PrunePolicy p;
  p.keep_runs = 3;
  auto res = s.prune(p);
  EXPECT_EQ(res.runs_removed, 2u);
  EXPECT_EQ(res.records_removed, 4u);
  EXPECT_EQ(res.removed_run_ids, (std::vector<std::string>{ids[0], ids[1]}));
  EXPECT_EQ(s.list_runs().size(), 3u);
  EXPECT_EQ(s.select(Selector::parse("")).size(), 6u);
  // Age: make the oldest remaining run 100 days old.
  raw_exec(path, ("UPDATE runs SET started_unix = started_unix - 100*86400 WHERE run_id='" + ids[2] + "'").c_str());
  res = s.prune(PrunePolicy{});  // 200 runs, 90 days
  EXPECT_EQ(res.removed_run_ids, (std::vector<std::string>{ids[2]}));
  // The run being recorded is kept whatever the policy.
  p.keep_runs = 1;
  p.max_age = std::chrono::hours(0);
  res = s.prune(p, ids[3]);
  EXPECT_EQ(res.runs_removed, 0u);  // ids[4] is the newest, ids[3] is protected
  EXPECT_EQ(s.list_runs().size(), 2u);
}
