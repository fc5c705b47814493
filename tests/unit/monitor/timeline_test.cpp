// The timeline kept in every result: compact per-CPU series, counter
// deltas that survive thinning, and the per-phase text of failure reports.
#include "monitor/timeline.hpp"

#include <gtest/gtest.h>

using namespace ktstr::monitor;

namespace {

Sample sample(double t, uint32_t nr0, int64_t ev) {
  Sample s;
  s.t = t;
  s.jiffies = 1000 + static_cast<uint64_t>(t * 250);
  s.scx_enabled = true;
  s.cpus.resize(2);
  s.cpus[0].nr_running = nr0;
  s.cpus[0].local_dsq = nr0 ? nr0 - 1 : 0;
  s.cpus[1].idle = true;
  s.events = {ev, 0};
  return s;
}

}  // namespace

TEST(Timeline, SeriesAndEventsAsCompactJson) {
  Timeline tl(2);
  tl.add_event(0.05, "backdrop");
  for (int i = 0; i < 10; ++i) tl.add_sample(sample(0.1 * i, static_cast<uint32_t>(i % 3), 5 * i));
  tl.add_event(0.55, "step 1 start");
  auto j = tl.to_json({"SCX_EV_SELECT_CPU_FALLBACK", "SCX_EV_DISPATCH_KEEP_LAST"});
  ASSERT_EQ(j["events"].size(), 2u);
  EXPECT_EQ(j["events"][1]["event"], "step 1 start");
  const auto& s = j["samples"];
  EXPECT_EQ(s["stride"], 1);
  EXPECT_EQ(s["t"].size(), 10u);
  EXPECT_EQ(s["nr_running"].size(), 2u);
  EXPECT_EQ(s["nr_running"][0][4], 1);
  EXPECT_EQ(s["idle"][1][9], 1);
  // Counters as per-sample deltas; all-zero counters are left out.
  ASSERT_TRUE(s["events"].contains("SCX_EV_SELECT_CPU_FALLBACK"));
  EXPECT_FALSE(s["events"].contains("SCX_EV_DISPATCH_KEEP_LAST"));
  EXPECT_EQ(s["events"]["SCX_EV_SELECT_CPU_FALLBACK"][3], 5);
}

TEST(Timeline, LongRunsAreThinnedNotCutAndDeltasAddUp) {
  Timeline tl(2);
  const int n = static_cast<int>(Timeline::kMaxSamples) * 3;
  for (int i = 0; i < n; ++i) tl.add_sample(sample(0.1 * i, 1, 2 * i));
  EXPECT_LE(tl.samples(), Timeline::kMaxSamples);
  EXPECT_GE(tl.samples(), Timeline::kMaxSamples / 4);
  auto j = tl.to_json({"fb", "kl"});
  EXPECT_GE(j["samples"]["stride"].get<int>(), 2);
  int64_t sum = 0;
  for (auto d : j["samples"]["events"]["fb"]) sum += d.get<int64_t>();
  // Every increment up to the last stored sample is accounted for.
  double last_t = j["samples"]["t"].back();
  EXPECT_NEAR(static_cast<double>(sum), 2 * (last_t / 0.1), 2.5);
  EXPECT_GT(last_t, 0.1 * n * 0.9) << "the end of the run is kept";
}

TEST(Timeline, PhasesShowStepsSamplesAndVerdicts) {
  Timeline tl(2);
  tl.add_event(0.0, "backdrop");
  for (int i = 0; i < 5; ++i) tl.add_sample(sample(0.1 * i, 0, 0));
  tl.add_event(0.5, "step 1 start");
  tl.add_event(0.6, "spawn CpuSpin x2 in cg_0");
  for (int i = 5; i < 15; ++i) tl.add_sample(sample(0.1 * i, 4, 0));
  MonitorVerdict v;
  v.check = "work_conservation";
  v.t = 1.2;
  v.message = "not work-conserving: cpu1 idle while cpu0 has 3 task(s) waiting";
  std::string text = tl.format_phases({v});
  EXPECT_NE(text.find("backdrop  (5 samples)"), std::string::npos) << text;
  EXPECT_NE(text.find("step 1 start  (10 samples)"), std::string::npos) << text;
  EXPECT_NE(text.find("spawn CpuSpin x2 in cg_0"), std::string::npos) << text;
  EXPECT_NE(text.find("nr_running avg: cpu0=4.0 cpu1=0.0"), std::string::npos) << text;
  EXPECT_NE(text.find("idle %:         cpu0=0 cpu1=100"), std::string::npos) << text;
  EXPECT_NE(text.find("MONITOR work_conservation: not work-conserving"), std::string::npos) << text;
}
