// A store that is missing, corrupt, foreign, from a newer ktstr or not
// writable is refused with a message saying which -- and left byte for
// byte as it was.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
#include <random>

#include "store/recorder.hpp"
#include "store/run_store.hpp"
#include "support/ktstr_test_support.hpp"
#include "store_test_util.hpp"
#include "util/error.hpp"

using namespace ktstr;
using namespace ktstr::store;
using namespace ktstr::store::testing;
namespace fs = std::filesystem;

namespace {

using ktstr::test::error_of;

// Both ways of opening refuse with `expect` in the message; the file is unchanged.
void expect_refused(const fs::path& p, const std::string& expect) {
  auto before = FileStamp::of(p);
  auto w = error_of([&] { RunStore::open_for_writing(p); });
  EXPECT_NE(w.find(expect), std::string::npos) << w;
  EXPECT_NE(w.find(p.string()), std::string::npos) << w;
  auto r = error_of([&] { RunStore::open_read_only(p); });
  EXPECT_NE(r.find(expect), std::string::npos) << r;
  // The recorder with an explicit --store: an Error before any test runs.
  RecorderOptions o;
  o.path = p;
  o.explicit_path = true;
  auto rec = error_of([&] { Recorder x(o); });
  EXPECT_NE(rec.find(expect), std::string::npos) << rec;
  EXPECT_TRUE(FileStamp::of(p) == before) << "the refused store was modified";
  EXPECT_FALSE(fs::exists(p.string() + "-wal"));
  EXPECT_FALSE(fs::exists(p.string() + "-journal"));
}

fs::path make_real_store(const fs::path& dir, int records) {
  auto p = dir / "runs.db";
  {
    auto s = RunStore::open_for_writing(p);
    auto id = s.begin_run("x", {});
    for (int i = 0; i < records; ++i) s.append(id, make_record("steady", "eevdf", "PASS"));
  }
  return p;
}

}  // namespace

TEST(BadStore, MissingStoreForReading) {
  TempDir t;
  auto p = t.path / "nope" / "runs.db";
  auto m = error_of([&] { RunStore::open_read_only(p); });
  EXPECT_NE(m.find("no run store at " + p.string() + " — `ktstr run` records every run there"), std::string::npos)
      << m;
  EXPECT_FALSE(fs::exists(p.parent_path()));  // reading created nothing
}

TEST(BadStore, RandomBytes) {
  TempDir t;
  auto p = t.path / "runs.db";
  std::string junk(8192, '\0');
  std::mt19937 rng(42);
  for (auto& c : junk) c = char(rng());
  write_file_atomic(p, junk);
  expect_refused(p, "not a ktstr run store (not an SQLite database)");
}

TEST(BadStore, TextFile) {
  TempDir t;
  auto p = t.path / "runs.db";
  write_file_atomic(p, "these are my notes, not a database\n");
  expect_refused(p, "not a ktstr run store (not an SQLite database)");
}

TEST(BadStore, TruncatedDatabase) {
  TempDir t;
  auto p = make_real_store(t.path, 300);
  auto bytes = read_file(p);
  ASSERT_GT(bytes.size(), 8192u);
  write_file_atomic(p, bytes.substr(0, bytes.size() / 2));
  expect_refused(p, "is truncated");
  write_file_atomic(p, bytes.substr(0, 60));  // not even a whole header
  expect_refused(p, "is truncated");
}

TEST(BadStore, AnotherProgramsDatabase) {
  TempDir t;
  auto p = t.path / "runs.db";
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(p.c_str(), &db), SQLITE_OK);
  sqlite3_exec(db, "CREATE TABLE photos(id INTEGER); INSERT INTO photos VALUES(1);", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  expect_refused(p, "is an SQLite database but not a ktstr run store");
}

TEST(BadStore, FutureSchemaVersion) {
  TempDir t;
  auto p = make_real_store(t.path, 3);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(p.c_str(), &db), SQLITE_OK);
  sqlite3_exec(db, "PRAGMA user_version=99", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  expect_refused(p, "has schema version 99, newer than this ktstr understands (1)");
}

TEST(BadStore, DirectoryInsteadOfFile) {
  TempDir t;
  auto p = t.path / "runs.db";
  fs::create_directory(p);
  auto m = error_of([&] { RunStore::open_for_writing(p); });
  EXPECT_NE(m.find("is a directory"), std::string::npos) << m;
}

TEST(BadStore, StoreUnderAFile) {
  TempDir t;
  write_file_atomic(t.path / "afile", "x");
  auto p = t.path / "afile" / "runs.db";
  auto m = error_of([&] { RunStore::open_for_writing(p); });
  EXPECT_NE(m.find("cannot create the run store's directory " + (t.path / "afile").string()), std::string::npos) << m;
  // Explicit --store: an Error. Default location: a warning, recording off.
  RecorderOptions o;
  o.path = p;
  o.explicit_path = true;
  EXPECT_KTSTR_ERROR(Recorder{o}, "cannot create the run store's directory");
  o.explicit_path = false;
  Recorder rec(o);
  rec.record(make_record("steady", "eevdf", "PASS"));  // warns, no throw
  EXPECT_FALSE(rec.active());
  rec.record(make_record("steady", "eevdf", "PASS"));
  EXPECT_FALSE(rec.finish().has_value());
  EXPECT_EQ(read_file(t.path / "afile"), "x");
}
