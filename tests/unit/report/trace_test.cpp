// The export against the Trace Event Format ("JSON Object Format": an
// object with a "traceEvents" array; every event has name, ph, pid, tid
// and, except metadata, a ts in microseconds; "X" has a dur; "i" has a
// scope s of g/p/t; "C" carries numeric series in args; "M" is one of the
// metadata names with args.name / args.sort_index / args.labels).
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "fixtures.hpp"
#include "report/trace.hpp"

using namespace ktstr::report;
using nlohmann::json;

namespace {

void expect_valid_trace(const json& doc) {
  ASSERT_TRUE(doc.is_object());
  ASSERT_TRUE(doc.contains("traceEvents") && doc["traceEvents"].is_array());
  if (doc.contains("displayTimeUnit")) {
    EXPECT_TRUE(doc["displayTimeUnit"] == "ms" || doc["displayTimeUnit"] == "ns");
  }
  static const std::set<std::string> metadata{"process_name", "process_labels", "process_sort_index", "thread_name",
                                              "thread_sort_index"};
  // Complete events of one thread must nest (here: not overlap at all).
  std::map<std::pair<int, int>, std::vector<std::pair<int64_t, int64_t>>> slices;
  for (const auto& e : doc["traceEvents"]) {
    SCOPED_TRACE(e.dump());
    ASSERT_TRUE(e.is_object());
    ASSERT_TRUE(e.contains("name") && e["name"].is_string());
    ASSERT_TRUE(e.contains("ph") && e["ph"].is_string());
    ASSERT_TRUE(e.contains("pid") && e["pid"].is_number_integer());
    ASSERT_TRUE(e.contains("tid") && e["tid"].is_number_integer());
    std::string ph = e["ph"];
    if (e.contains("args")) {
      EXPECT_TRUE(e["args"].is_object());
    }
    if (ph == "M") {
      EXPECT_TRUE(metadata.count(e["name"].get<std::string>()));
      ASSERT_TRUE(e.contains("args"));
      if (e["name"] == "process_name" || e["name"] == "thread_name") {
        EXPECT_TRUE(e["args"]["name"].is_string());
      }
      if (e["name"] == "process_sort_index" || e["name"] == "thread_sort_index") {
        EXPECT_TRUE(e["args"]["sort_index"].is_number_integer());
      }
      continue;
    }
    ASSERT_TRUE(e.contains("ts") && e["ts"].is_number());
    EXPECT_GE(e["ts"].get<double>(), 0);
    if (ph == "X") {
      ASSERT_TRUE(e.contains("dur") && e["dur"].is_number());
      EXPECT_GE(e["dur"].get<double>(), 0);
      slices[{e["pid"], e["tid"]}].push_back({e["ts"].get<int64_t>(), e["ts"].get<int64_t>() + e["dur"].get<int64_t>()});
    } else if (ph == "i" || ph == "I") {
      ASSERT_TRUE(e.contains("s"));
      EXPECT_TRUE(e["s"] == "g" || e["s"] == "p" || e["s"] == "t");
    } else if (ph == "C") {
      ASSERT_TRUE(e.contains("args") && !e["args"].empty());
      for (auto it = e["args"].begin(); it != e["args"].end(); ++it) EXPECT_TRUE(it->is_number()) << it.key();
    } else {
      ADD_FAILURE() << "unexpected phase " << ph;
    }
  }
  for (auto& [track, v] : slices) {
    std::sort(v.begin(), v.end());
    for (size_t i = 1; i < v.size(); ++i) EXPECT_LE(v[i - 1].second, v[i].first) << "overlapping slices";
  }
}

std::vector<json> of(const json& doc, const std::string& ph, int pid) {
  std::vector<json> out;
  for (const auto& e : doc["traceEvents"])
    if (e["ph"] == ph && e["pid"] == pid) out.push_back(e);
  return out;
}

}  // namespace

TEST(Trace, FollowsTheTraceEventFormat) {
  auto a = ktstr::report::testing::sample_record("steady", 3, 12);
  auto b = ktstr::report::testing::sample_record("cgroup_add", 2, 5, "PASS");
  b["started"] = "2026-11-30T14:05:20Z";
  json doc = trace_events({a, b});
  expect_valid_trace(doc);
  EXPECT_EQ(doc["otherData"]["tests"], 2);
}

TEST(Trace, ATestIsAProcessWithACounterTrackPerCpuPhasesAndVerdicts) {
  auto a = ktstr::report::testing::sample_record("steady", 3, 12);
  auto b = ktstr::report::testing::sample_record("cgroup_add", 2, 5, "PASS");
  b["started"] = "2026-11-30T14:05:20Z";  // 8 s after a
  json doc = trace_events({a, b});

  std::map<std::string, std::string> names;  // "pid/tid" -> name
  for (const auto& m : of(doc, "M", 1))
    if (m["name"] == "thread_name") names[std::to_string(m["tid"].get<int>())] = m["args"]["name"];
    else if (m["name"] == "process_name") names["process"] = m["args"]["name"];
  EXPECT_EQ(names["process"], "steady FAIL 1n1l3c1t ktstr_fixture");
  EXPECT_EQ(names["1"], "steps");
  EXPECT_EQ(names["2"], "host");
  EXPECT_EQ(names["100"], "cpu 0");
  EXPECT_EQ(names["102"], "cpu 2");
  EXPECT_EQ(names.count("103"), 0u);

  // Counters: one track per CPU; each sample where a value changed. The
  // first sample of cpu2 is nr_running (0+2)%4=2, DSQ depth 2.
  std::set<std::string> tracks;
  for (const auto& c : of(doc, "C", 1)) tracks.insert(c["name"]);
  EXPECT_EQ(tracks, (std::set<std::string>{"cpu0", "cpu1", "cpu2"}));
  for (const auto& c : of(doc, "C", 1))
    if (c["name"] == "cpu2") {
      EXPECT_EQ(c["ts"], 1000000);
      EXPECT_EQ(c["args"]["nr_running"], 2);
      EXPECT_EQ(c["args"]["local_dsq"], 2);
      break;
    }

  // Phases: backdrop 1.0..1.5, step 1 1.5..the last sample (2.1).
  auto x = of(doc, "X", 1);
  ASSERT_EQ(x.size(), 2u);
  EXPECT_EQ(x[0]["name"], "backdrop");
  EXPECT_EQ(x[0]["ts"], 1000000);
  EXPECT_EQ(x[0]["dur"], 500000);
  EXPECT_EQ(x[1]["name"], "step 1");
  EXPECT_EQ(x[1]["ts"], 1500000);
  EXPECT_EQ(x[1]["dur"], 600000);

  // Instants: the op on the steps thread, the host's view and the watchdog
  // on the host thread, the stall on cpu 1's thread, the machine-wide
  // imbalance process-wide.
  std::map<std::string, json> inst;
  for (const auto& i : of(doc, "i", 1)) inst[i["name"]] = i;
  EXPECT_EQ(inst["spawn CpuSpin x2 in cg_0"]["tid"], kStepsTid);
  EXPECT_EQ(inst["sched_ext enabled (host view, scx_enable_seq 1)"]["tid"], kHostTid);
  EXPECT_EQ(inst["watchdog shortened"]["tid"], kHostTid);
  EXPECT_EQ(inst["stall"]["tid"], kCpuTidBase + 1);
  EXPECT_EQ(inst["stall"]["s"], "t");
  EXPECT_EQ(inst["stall"]["cat"], "stall");
  EXPECT_EQ(inst["stall"]["ts"], 1800000);
  EXPECT_EQ(inst["stall"]["args"]["value"], 0.6);
  EXPECT_EQ(inst["imbalance"]["s"], "p");
  EXPECT_EQ(inst["imbalance"]["cat"], "verdict");

  // The second test started 8 s later: its timeline is shifted by 8 s.
  auto x2 = of(doc, "X", 2);
  ASSERT_FALSE(x2.empty());
  EXPECT_EQ(x2[0]["ts"], 9000000);
}

TEST(Trace, ARecordWithoutTimelineIsAnEmptyProcess) {
  auto a = ktstr::report::testing::sample_record();
  a["result"].erase("monitor");
  a["started"] = "";
  json doc = trace_events({a});
  expect_valid_trace(doc);
  EXPECT_TRUE(of(doc, "C", 1).empty());
  EXPECT_FALSE(of(doc, "M", 1).empty());
}
