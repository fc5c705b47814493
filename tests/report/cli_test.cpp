// `ktstr report` through the real binary: a run from the store (latest, by
// id, by file) and every bad input — a missing or corrupt run file, an
// unknown run id, a corrupt store, a bad compare document, an unwritable
// output — is exit 2 with its message, the store untouched and no output
// (not even a temp file) left behind.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "fixtures.hpp"
#include "store/record.hpp"
#include "store/run_store.hpp"
#include "vm_harness.hpp"

namespace fs = std::filesystem;
using ktstr::vmtest::run_ktstr;
using nlohmann::json;

namespace {

class ReportCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(REPORT_TEST_OUT) / ("cli-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A store with three runs: "steady"; "cpuset_apply" (pairs with
  // nothing else); the latest with "steady" (worse spread) and "cgroup_add".
  fs::path make_store() {
    fs::path db = dir_ / "runs.db";
    auto st = ktstr::store::RunStore::open_for_writing(db);
    using ktstr::report::testing::sample_record;
    old_run_ = st.begin_run("ktstr run -s steady", json::object());
    st.append(old_run_, ktstr::store::Record::from_json(sample_record("steady", 3, 12, "PASS")));
    st.end_run(old_run_);
    lonely_run_ = st.begin_run("ktstr run -s cpuset_apply", json::object());
    st.append(lonely_run_, ktstr::store::Record::from_json(sample_record("cpuset_apply", 3, 12, "PASS")));
    st.end_run(lonely_run_);
    new_run_ = st.begin_run("ktstr run", json::object());
    json worse = sample_record("steady", 3, 12, "PASS");
    worse["result"]["result"]["stats"]["worst_spread"] = 40.0;
    st.append(new_run_, ktstr::store::Record::from_json(worse));
    st.append(new_run_, ktstr::store::Record::from_json(sample_record("cgroup_add", 4, 20, "PASS")));
    st.end_run(new_run_);
    return db;
  }

  std::vector<std::string> leftovers() const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir_))
      if (e.path().filename().string().find(".tmp.") != std::string::npos) out.push_back(e.path().string());
    return out;
  }

  static std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), {});
  }

  fs::path dir_;
  std::string old_run_, lonely_run_, new_run_;
};

}  // namespace

TEST_F(ReportCli, LatestRunOfTheStoreByDefaultAndAnyRunById) {
  fs::path db = make_store();
  auto r = run_ktstr({"report", "--store", db.string(), "-o", (dir_ / "latest.html").string()}, std::chrono::seconds(60));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("(2 tests, "), std::string::npos) << r.out;
  std::string html = read(dir_ / "latest.html");
  EXPECT_NE(html.find("run " + new_run_ + " — 2 tests"), std::string::npos);

  r = run_ktstr({"report", old_run_, "--store", db.string(), "-o", (dir_ / "old.html").string(), "--trace",
                 (dir_ / "old.json").string()},
                std::chrono::seconds(60));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(read(dir_ / "old.html").find("run " + old_run_ + " — 1 test"), std::string::npos);
  EXPECT_EQ(json::parse(read(dir_ / "old.json"))["otherData"]["tests"], 1);
  EXPECT_TRUE(leftovers().empty());
}

// --compare BASE: `stats compare` of BASE (A) against RUN (B), in the page.
TEST_F(ReportCli, CompareAddsTheStatsComparisonOfTwoRuns) {
  fs::path db = make_store();
  auto r = run_ktstr({"report", "--store", db.string(), "--compare", old_run_, "-o", (dir_ / "ab.html").string()},
                     std::chrono::seconds(60));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("(2 tests + A/B comparison, "), std::string::npos) << r.out;
  std::string html = read(dir_ / "ab.html");
  const std::string open = "<script type=\"application/json\" id=\"ktstr-data\">";
  auto a = html.find(open) + open.size();
  json data = json::parse(html.substr(a, html.find("</script>", a) - a));
  const json& c = data["compare"];
  EXPECT_EQ(c["a"]["selector"], "run=" + old_run_);
  EXPECT_EQ(c["b"]["selector"], "run=" + new_run_);
  ASSERT_EQ(c["pairs"].size(), 1u) << c.dump();
  EXPECT_EQ(c["pairs"][0]["key"]["test"], "steady");
  bool spread = false;
  for (const auto& m : c["pairs"][0]["metrics"])
    if (m["name"] == "worst_spread") {
      spread = true;
      EXPECT_EQ(m["b"], 40.0);
      EXPECT_EQ(m["verdict"], "regression") << m.dump();
    }
  EXPECT_TRUE(spread) << c.dump();
}

TEST_F(ReportCli, BadInputIsExit2WithItsMessageAndNothingWritten) {
  fs::path db = make_store();
  std::string db_before = read(db);
  fs::path out = dir_ / "out.html";
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  std::ofstream(dir_ / "corrupt.json") << "{\"records\": [";
  std::ofstream(dir_ / "compare.json") << R"({"a": {}, "b": {}})";
  std::ofstream(dir_ / "not-a-store.db") << "this is not a database";
  std::vector<Case> cases{
      {{"report", (dir_ / "missing.json").string(), "-o", out.string()}, (dir_ / "missing.json").string() + ": no such file"},
      {{"report", (dir_ / "corrupt.json").string(), "-o", out.string()},
       (dir_ / "corrupt.json").string() + ": not valid JSON ("},
      {{"report", "20991231-000000-dead", "--store", db.string(), "-o", out.string()}, "20991231-000000-dead"},
      {{"report", "--store", (dir_ / "nope.db").string(), "-o", out.string()}, "no run store at " + (dir_ / "nope.db").string()},
      {{"report", "--store", (dir_ / "not-a-store.db").string(), "-o", out.string()}, (dir_ / "not-a-store.db").string()},
      {{"report", "--store", db.string(), "--compare-json", (dir_ / "compare.json").string(), "-o", out.string()},
       (dir_ / "compare.json").string() + ": not a `ktstr stats compare --json` document (no \"pairs\" array)"},
      {{"report", "--store", db.string(), "-o", (dir_ / "no-such-dir" / "r.html").string()},
       "cannot write " + (dir_ / "no-such-dir" / "r.html").string() + ": directory " + (dir_ / "no-such-dir").string() +
           " does not exist"},
      {{"report", "--store", db.string(), "-o", dir_.string()}, "cannot write " + dir_.string() + ": it is a directory"},
      // The HTML could be written, the trace cannot: neither appears.
      {{"report", "--store", db.string(), "-o", out.string(), "--trace", (dir_ / "no-such-dir" / "t.json").string()},
       "cannot write " + (dir_ / "no-such-dir" / "t.json").string()},
      {{"report", "--store", db.string()}, "ktstr report needs -o FILE.html and/or --trace FILE.json"},
      {{"report", "--store", db.string(), "--compare", lonely_run_, "-o", out.string()}, "nothing to pair: side A (run="},
      {{"report", "--store", db.string(), "--compare", "20991231-000000-dead", "-o", out.string()}, "20991231-000000-dead"},
      {{"report", "--store", db.string(), "--compare", old_run_, "--compare-json", (dir_ / "compare.json").string(), "-o",
        out.string()},
       "--compare and --compare-json exclude each other"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.args[1] + " " + c.args.back());
    auto r = run_ktstr(c.args, std::chrono::seconds(60));
    EXPECT_EQ(r.code, 2) << r.out << r.err;
    EXPECT_NE(r.err.find("ktstr: error: "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out)) << "a partial report was left behind";
    EXPECT_TRUE(leftovers().empty());
  }
  EXPECT_EQ(read(db), db_before) << "the store was modified";
  EXPECT_EQ(read(dir_ / "not-a-store.db"), "this is not a database");
}
