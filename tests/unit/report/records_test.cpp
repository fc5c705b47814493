#include <gtest/gtest.h>

#include "support/ktstr_test_support.hpp"

#include <filesystem>
#include <fstream>

#include "fixtures.hpp"
#include "report/records.hpp"
#include "util/error.hpp"

using namespace ktstr::report;
using nlohmann::json;

namespace {

using ktstr::test::error_of;

}  // namespace

TEST(Records, RunJsonOutputBecomesRecords) {
  json doc{{"scheduler", "fixture [all-to-cpu0]"},
           {"results", json::array({{{"name", "steady"}, {"verdict", "FAIL"}, {"seconds", 6.0},
                                     {"result", json::object()}, {"vmm", {{"vmm", "qemu"}}}},
                                    {{"name", "cgroup_add"}, {"verdict", "PASS"}, {"seconds", 5.0}}})}};
  auto rs = records_from_document(doc, "run.json");
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[0]["identity"]["test"], "steady");
  EXPECT_EQ(rs[0]["identity"]["scheduler"], "fixture");
  EXPECT_EQ(rs[0]["identity"]["flags"], "all-to-cpu0");
  EXPECT_EQ(rs[0]["identity"]["vmm"], "qemu");
  EXPECT_EQ(rs[0]["verdict"], "FAIL");
  EXPECT_EQ(rs[0]["result"]["name"], "steady") << "the whole verdict is the record's result";
  EXPECT_EQ(rs[1]["identity"]["test"], "cgroup_add");

  json eevdf{{"scheduler", "EEVDF (kernel default)"}, {"results", json::array({{{"name", "steady"}}})}};
  EXPECT_EQ(records_from_document(eevdf, "x")[0]["identity"]["scheduler"], "eevdf");
}

TEST(Records, StoreRunJsonArrayAndSingleRecordAreAccepted) {
  json r = ktstr::report::testing::sample_record();
  json run{{"run", {{"run_id", "20261130-140512-3f9a"}}}, {"records", json::array({r, r})}};
  EXPECT_EQ(records_from_document(run, "x").size(), 2u);
  EXPECT_EQ(records_from_document(json::array({r}), "x").size(), 1u);
  EXPECT_EQ(records_from_document(r, "x").size(), 1u);
}

TEST(Records, MalformedDocumentsNameWhatIsWrong) {
  json r = ktstr::report::testing::sample_record();
  EXPECT_EQ(error_of([] { records_from_document(json{{"x", 1}}, "f.json"); }),
            "f.json: not a ktstr run (expected a store's run JSON with \"records\", `ktstr run --json` output with "
            "\"results\", or records)");
  EXPECT_EQ(error_of([] { records_from_document(json{{"records", json::array()}}, "f.json"); }),
            "f.json: the run has no test records");
  EXPECT_EQ(error_of([] { records_from_document(json{{"results", 3}}, "f.json"); }),
            "f.json: \"results\" must be an array");
  EXPECT_EQ(error_of([] { records_from_document(json{{"results", json::array({1})}}, "f.json"); }),
            "f.json: results[0] is not a ktstr run result (no \"name\")");
  json no_id = r;
  no_id.erase("identity");
  EXPECT_EQ(error_of([&] { records_from_document(json::array({r, no_id}), "f.json"); }),
            "f.json: record 1: the record has no \"identity\" object");
  json bad_field = r;
  bad_field["identity"]["topology"] = 4;
  EXPECT_EQ(error_of([&] { records_from_document(bad_field, "f.json"); }),
            "f.json: record 0: identity.topology must be a string");
  json bad_verdict = r;
  bad_verdict["verdict"] = true;
  EXPECT_EQ(error_of([&] { records_from_document(bad_verdict, "f.json"); }),
            "f.json: record 0: the record has no \"verdict\" string");
}

TEST(Records, ReadJsonFileRefusesMissingDirectoriesAndCorruptFiles) {
  auto dir = std::filesystem::temp_directory_path() / ("ktstr-report-unit-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  EXPECT_EQ(error_of([&] { read_json_file((dir / "nope.json").string()); }), (dir / "nope.json").string() + ": no such file");
  EXPECT_EQ(error_of([&] { read_json_file(dir.string()); }), dir.string() + ": is a directory, not a JSON file");
  std::ofstream(dir / "bad.json") << "{\"records\": [";
  std::string e = error_of([&] { read_json_file((dir / "bad.json").string()); });
  EXPECT_EQ(e.rfind((dir / "bad.json").string() + ": not valid JSON (", 0), 0u) << e;
  std::filesystem::remove_all(dir);
}

TEST(Records, CompareDocumentsAreValidated) {
  json ok{{"a", {{"selector", "run=1"}}}, {"b", {{"selector", "run=2"}}},
          {"pairs", json::array({{{"key", {{"test", "steady"}}}, {"metrics", json::array({{{"name", "worst_spread"}}})}}})}};
  EXPECT_EQ(error_of([&] { validate_compare(ok, "c.json"); }), ktstr::test::kNoError);
  EXPECT_EQ(error_of([] { validate_compare(json::array(), "c.json"); }), "c.json: a compare document must be a JSON object");
  EXPECT_EQ(error_of([] { validate_compare(json{{"a", 1}}, "c.json"); }),
            "c.json: not a `ktstr stats compare --json` document (no \"pairs\" array)");
  json no_name = ok;
  no_name["pairs"][0]["metrics"][0].erase("name");
  EXPECT_EQ(error_of([&] { validate_compare(no_name, "c.json"); }), "c.json: pairs[0].metrics[0] has no \"name\"");
}
