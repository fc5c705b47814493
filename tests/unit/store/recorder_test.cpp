#include <gtest/gtest.h>

#include <thread>

#include "store/recorder.hpp"
#include "store/store_path.hpp"
#include "store_test_util.hpp"
#include "util/error.hpp"

using namespace ktstr;
using namespace ktstr::store;
using namespace ktstr::store::testing;
namespace fs = std::filesystem;

TEST(Recorder, RecordsFromThreadsAndWritesRunJson) {
  TempDir t;
  RecorderOptions o;
  o.path = t.path / "runs.db";
  o.command = "ktstr run -j 4";
  Recorder rec(o);
  ASSERT_TRUE(rec.active());
  std::vector<std::thread> th;
  for (int i = 0; i < 4; ++i)
    th.emplace_back([&rec, i] {
      for (int k = 0; k < 10; ++k) {
        auto r = make_record("t" + std::to_string(i), "eevdf", k % 5 ? "PASS" : "FAIL");
        r.identity.commit.clear();  // the recorder fills ktstr's build commit
        rec.record(r);
      }
    });
  for (auto& x : th) x.join();
  auto done = rec.finish();
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(done->records, 40u);
  EXPECT_EQ(done->json, t.path / "runs" / (done->run_id + ".json"));
  auto doc = nlohmann::json::parse(read_file(done->json));
  EXPECT_EQ(doc["records"].size(), 40u);
  EXPECT_EQ(doc["run"]["run_id"], done->run_id);
  EXPECT_EQ(doc["run"]["failed"], 8);
  EXPECT_EQ(doc["run"]["command"], "ktstr run -j 4");
  EXPECT_FALSE(doc["run"]["ended"].get<std::string>().empty());
  EXPECT_EQ(doc["records"][0]["identity"]["commit"], build_commit());
  EXPECT_FALSE(std::string(build_commit()).empty());
  auto hint = recorded_hint(*done);
  EXPECT_NE(hint.find("recorded run " + done->run_id + " (40 tests) in " + o.path.string()), std::string::npos) << hint;
}

TEST(Recorder, PrunesOldRunsAndTheirJson) {
  TempDir t;
  RecorderOptions o;
  o.path = t.path / "runs.db";
  o.prune.keep_runs = 2;
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) {
    Recorder rec(o);
    rec.record(make_record("steady", "eevdf", "PASS"));
    ids.push_back(rec.finish()->run_id);
  }
  auto s = RunStore::open_read_only(o.path);
  EXPECT_EQ(s.list_runs().size(), 2u);
  EXPECT_FALSE(fs::exists(t.path / "runs" / (ids[0] + ".json")));
  EXPECT_FALSE(fs::exists(t.path / "runs" / (ids[1] + ".json")));
  EXPECT_TRUE(fs::exists(t.path / "runs" / (ids[3] + ".json")));
}

TEST(StorePath, OptionThenEnvThenCache) {
  ::setenv("KTSTR_CACHE_DIR", "/tmp/ktstr-cache-x", 1);
  ::unsetenv("KTSTR_STORE");
  EXPECT_EQ(store_path(""), fs::path("/tmp/ktstr-cache-x/runs.db"));
  EXPECT_FALSE(fs::exists("/tmp/ktstr-cache-x"));  // resolving creates nothing
  ::setenv("KTSTR_STORE", "/tmp/env.db", 1);
  EXPECT_EQ(store_path(""), fs::path("/tmp/env.db"));
  EXPECT_EQ(store_path("/tmp/opt.db"), fs::path("/tmp/opt.db"));
  ::unsetenv("KTSTR_STORE");
  ::unsetenv("KTSTR_CACHE_DIR");
  ::setenv("KTSTR_RECORD", "0", 1);
  EXPECT_FALSE(recording_enabled_by_env());
  ::setenv("KTSTR_RECORD", "1", 1);
  EXPECT_TRUE(recording_enabled_by_env());
  ::unsetenv("KTSTR_RECORD");
  EXPECT_TRUE(recording_enabled_by_env());
}
