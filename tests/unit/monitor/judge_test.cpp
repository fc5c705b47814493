// Monitor verdicts over synthetic sample streams: each check fires only
// when its condition holds for the sustained window (and, for stall and
// work conservation, long enough for every vCPU to have run), names the
// CPU, and stays quiet on the near misses.
#include "monitor/judge.hpp"

#include <gtest/gtest.h>

using namespace ktstr::monitor;

namespace {

constexpr int kHz = 250;
constexpr uint64_t kJ0 = 100000;

// 4 CPUs, all busy with one task each, clocks ticking: a healthy state.
struct Stream {
  unsigned cpus = 4;
  double t = 0;
  uint64_t j = kJ0;
  Sample cur;
  Stream() {
    cur.scx_enabled = true;
    cur.scx_root = 0xffff888000100000ull;
    cur.enable_seq = 1;
    cur.cpus.resize(cpus);
    for (unsigned c = 0; c < cpus; ++c) {
      cur.cpus[c].nr_running = 1;
      cur.cpus[c].scx_nr_running = 1;
      cur.cpus[c].clock = 1000000000ull * (c + 1);
    }
  }
  // Advance 100 ms: clocks of busy CPUs tick unless frozen.
  Sample next(std::initializer_list<unsigned> frozen = {}) {
    t += 0.1;
    j += kHz / 10;
    cur.t = t;
    cur.jiffies = j;
    for (unsigned c = 0; c < cpus; ++c) {
      bool fz = false;
      for (unsigned f : frozen) fz |= f == c;
      if (!fz) cur.cpus[c].clock += 100000000;
    }
    return cur;
  }
  void idle(unsigned c) {
    cur.cpus[c].idle = true;
    cur.cpus[c].nr_running = 0;
    cur.cpus[c].scx_nr_running = 0;
    cur.cpus[c].waiting = 0;
  }
  void waiting(unsigned c, uint32_t n, std::initializer_list<unsigned> allowed, int32_t pid = 100) {
    cur.cpus[c].waiting = n;
    cur.cpus[c].nr_running = n + (cur.cpus[c].idle ? 0 : 1);
    cur.cpus[c].scx_nr_running = cur.cpus[c].nr_running;
    cur.cpus[c].head_pid = pid;
    cur.cpus[c].head_runnable_at = kJ0;
    cur.cpus[c].waiting_allowed = {};
    for (unsigned a : allowed) cur.cpus[c].waiting_allowed.set(a);
  }
};

JudgeConfig defaults() {
  JudgeConfig c;
  c.max_imbalance_ratio = 4.0;
  c.max_local_dsq_depth = 50;
  c.fail_on_stall = true;
  c.sustained = 5;
  c.max_fallback_rate = 200;
  c.max_keep_last_rate = 100;
  c.work_conservation = true;
  c.warmup_s = 0.5;
  c.rotation_s = 0;
  c.hz = kHz;
  c.fallback_event = 0;
  c.keep_last_event = 1;
  return c;
}

std::vector<std::string> checks(const Judge& j) {
  std::vector<std::string> out;
  for (const auto& v : j.verdicts()) out.push_back(v.check);
  return out;
}

void feed(Judge& judge, Stream& s, int n, std::initializer_list<unsigned> frozen = {}) {
  for (int i = 0; i < n; ++i) judge.feed(s.next(frozen));
}

}  // namespace

TEST(Judge, HealthyRunGivesNoVerdicts) {
  Stream s;
  Judge j(defaults(), s.cpus);
  feed(j, s, 50);
  EXPECT_TRUE(j.verdicts().empty()) << checks(j).size();
  EXPECT_GT(j.summary().judged, 40u);
  EXPECT_DOUBLE_EQ(j.summary().max_imbalance_ratio, 1.0);
}

TEST(Judge, AllTasksOnOneCpuFailsWorkConservationNamingTheCpus) {
  Stream s;
  Judge j(defaults(), s.cpus);
  feed(j, s, 10);  // past the warm-up
  for (unsigned c : {1u, 2u, 3u}) s.idle(c);
  s.waiting(0, 3, {0, 1, 2, 3});
  feed(j, s, 4);
  EXPECT_TRUE(j.verdicts().empty()) << "4 samples are not 5";
  feed(j, s, 1);
  ASSERT_EQ(checks(j), std::vector<std::string>({"work_conservation"}));
  const auto& v = j.verdicts()[0];
  EXPECT_EQ(v.cpu, 0);
  EXPECT_EQ(v.value, 3);  // queue length
  EXPECT_EQ(v.idle_cpus, std::vector<unsigned>({1, 2, 3}));
  EXPECT_EQ(v.samples, 5u);
  EXPECT_NE(v.message.find("cpu1-3 idle while cpu0 has 3 task(s) waiting"), std::string::npos) << v.message;
  EXPECT_EQ(j.summary().work_conservation_count, 1u);
}

TEST(Judge, WaitingTasksPinnedAwayFromTheIdleCpusAreNotAFinding) {
  Stream s;
  Judge j(defaults(), s.cpus);
  feed(j, s, 10);
  s.idle(2);
  s.idle(3);
  s.waiting(0, 2, {0, 1});  // a cpuset of {0,1}: the idle CPUs are not allowed
  feed(j, s, 20);
  EXPECT_TRUE(j.verdicts().empty());
}

TEST(Judge, ReservedCpusAndTheOptOutAreHonoured) {
  for (bool opt_out : {false, true}) {
    Stream s;
    JudgeConfig c = defaults();
    if (opt_out) c.work_conservation = false;
    else c.reserved.set(1);
    Judge j(c, s.cpus);
    feed(j, s, 10);
    s.idle(1);  // only the reserved CPU idles
    s.waiting(0, 2, {0, 1, 2, 3});
    feed(j, s, 20);
    EXPECT_TRUE(j.verdicts().empty()) << opt_out;
  }
}

TEST(Judge, AnIdleCpuWithQueuedTasksIsNotOverloaded) {
  // A task just placed on an idle CPU whose vCPU has not run yet (TCG):
  // that CPU is idle with a waiting task, not a busy CPU with a queue.
  Stream s;
  JudgeConfig c = defaults();
  c.fail_on_stall = false;
  Judge j(c, s.cpus);
  feed(j, s, 10);
  s.idle(3);
  s.idle(2);
  s.waiting(2, 1, {0, 1, 2, 3});
  feed(j, s, 20);
  EXPECT_TRUE(j.verdicts().empty());
}

TEST(Judge, StallNeedsAFrozenClockQueuedTasksAndARotation) {
  Stream s;
  JudgeConfig c = defaults();
  c.work_conservation = false;
  c.rotation_s = 1.0;  // 4 vCPUs' worth of emulator turns (+ margin)
  Judge j(c, s.cpus);
  feed(j, s, 10);
  s.idle(1);
  s.waiting(1, 2, {1});  // parked tasks, pinned: no work-conservation angle
  feed(j, s, 9, {1});    // 0.9 s frozen: 9 intervals but not a rotation yet
  EXPECT_TRUE(j.verdicts().empty());
  feed(j, s, 2, {1});
  ASSERT_EQ(checks(j), std::vector<std::string>({"stall"}));
  const auto& v = j.verdicts()[0];
  EXPECT_EQ(v.cpu, 1);
  EXPECT_GE(v.value, 1.0);
  EXPECT_DOUBLE_EQ(v.threshold, 1.0);
  EXPECT_NE(v.message.find("cpu1 stalled"), std::string::npos) << v.message;
  feed(j, s, 20, {1});
  EXPECT_EQ(j.verdicts().size(), 1u) << "one finding per CPU, not one per sample";
  EXPECT_EQ(j.summary().stall_count, 1u);
}

TEST(Judge, IdleCpuThatTicksButNeverRunsItsQueueStalls) {
  Stream s;
  JudgeConfig c = defaults();
  c.work_conservation = false;
  Judge j(c, s.cpus);
  feed(j, s, 10);
  s.idle(2);
  s.waiting(2, 1, {2}, 4242);
  feed(j, s, 6);  // clock advances (kthreads run) but the same task waits
  ASSERT_EQ(checks(j), std::vector<std::string>({"stall"}));
  EXPECT_EQ(j.verdicts()[0].cpu, 2);
  EXPECT_NE(j.verdicts()[0].message.find("4242"), std::string::npos);
}

TEST(Judge, BriefBusySamplesDoNotHideAParkedQueue) {
  // Parked tasks on an idle CPU that now and then runs something else
  // (harness tasks land on idle CPUs): the same oldest task keeps waiting.
  Stream s;
  JudgeConfig c = defaults();
  c.work_conservation = false;
  c.rotation_s = 1.7;  // 16 vCPUs
  Judge j(c, s.cpus);
  feed(j, s, 10);
  s.idle(1);
  s.waiting(1, 2, {1}, 777);
  for (int i = 0; i < 30 && j.verdicts().empty(); ++i) {
    bool busy = i % 6 == 3 || i % 6 == 4;  // two busy samples in a row, then idle again
    s.cur.cpus[1].idle = !busy;
    j.feed(s.next());
  }
  ASSERT_EQ(checks(j), std::vector<std::string>({"stall"}));
  EXPECT_EQ(j.verdicts()[0].cpu, 1);
  EXPECT_GE(j.verdicts()[0].value, 1.7);
}

TEST(Judge, ADeepQueueThatMovesIsNotAStall) {
  // A busy CPU whose oldest waiting task changes (tasks take turns) with
  // an idle sample now and then: no stall, however long.
  Stream s;
  JudgeConfig c = defaults();
  c.work_conservation = false;
  c.max_imbalance_ratio.reset();  // 9 tasks next to 1 is an imbalance; not the point here
  Judge j(c, s.cpus);
  feed(j, s, 10);
  for (int i = 0; i < 60; ++i) {
    s.waiting(2, 8, {2}, 1000 + i);
    s.cur.cpus[2].head_runnable_at = kJ0 + i;
    s.cur.cpus[2].idle = i % 4 == 0;
    j.feed(s.next());
  }
  EXPECT_TRUE(j.verdicts().empty()) << checks(j).front();
}

TEST(Judge, BusyCpusWithQueuesAndTickingClocksDoNotStall) {
  Stream s;
  JudgeConfig c = defaults();
  c.work_conservation = false;
  Judge j(c, s.cpus);
  feed(j, s, 10);
  for (unsigned cpu = 0; cpu < 4; ++cpu) s.waiting(cpu, 6, {0, 1, 2, 3});
  feed(j, s, 40);  // a deep but moving queue (oversubscribed)
  EXPECT_TRUE(j.verdicts().empty());
}

TEST(Judge, AGuestThatDidNotRunSaysNothing) {
  Stream s;
  JudgeConfig c = defaults();
  c.work_conservation = false;
  Judge j(c, s.cpus);
  feed(j, s, 10);
  s.idle(1);
  s.waiting(1, 1, {1});
  // QEMU stopped: host time passes, jiffies and clocks do not.
  for (int i = 0; i < 30; ++i) {
    Sample x = s.next({0, 1, 2, 3});
    x.jiffies = s.j = kJ0 + 10 * kHz / 10;
    j.feed(x);
  }
  EXPECT_TRUE(j.verdicts().empty());
}

TEST(Judge, ImbalanceAndDsqDepthAreSustainedChecks) {
  Stream s;
  Judge j(defaults(), s.cpus);
  feed(j, s, 10);
  s.cur.cpus[0].nr_running = 9;  // 9 / max(1, 1) > 4
  s.cur.cpus[0].local_dsq = 60;
  feed(j, s, 3);
  s.cur.cpus[0].nr_running = 1;  // a blip: streak resets
  s.cur.cpus[0].local_dsq = 0;
  feed(j, s, 1);
  s.cur.cpus[0].nr_running = 9;
  s.cur.cpus[0].local_dsq = 60;
  feed(j, s, 4);
  EXPECT_TRUE(j.verdicts().empty());
  feed(j, s, 1);
  ASSERT_EQ(j.verdicts().size(), 2u);
  EXPECT_EQ(j.verdicts()[0].check, "imbalance");
  EXPECT_NE(j.verdicts()[0].message.find("cpu0 held 9 tasks"), std::string::npos) << j.verdicts()[0].message;
  EXPECT_EQ(j.verdicts()[0].cpu, 0);
  EXPECT_DOUBLE_EQ(j.verdicts()[0].value, 9.0);
  EXPECT_DOUBLE_EQ(j.verdicts()[0].threshold, 4.0);
  EXPECT_EQ(j.verdicts()[1].check, "local_dsq_depth");
  EXPECT_EQ(j.summary().max_dsq_depth, 60u);
}

TEST(Judge, ABusiestCpuThatHopsAroundIsNotAnImbalance) {
  // A shared queue: queued tasks count on whichever CPU enqueued them, so
  // 5 of them sit on a different CPU at every sample (measured in a
  // healthy mixed_workloads under the fixture).
  Stream s;
  JudgeConfig c = defaults();
  c.work_conservation = false;
  c.fail_on_stall = false;
  Judge j(c, s.cpus);
  feed(j, s, 10);
  for (int i = 0; i < 40; ++i) {
    for (unsigned cpu = 0; cpu < 4; ++cpu) s.cur.cpus[cpu].nr_running = cpu == static_cast<unsigned>(i % 4) ? 6 : 1;
    j.feed(s.next());
  }
  EXPECT_TRUE(j.verdicts().empty());
  EXPECT_DOUBLE_EQ(j.summary().max_imbalance_ratio, 6.0);
  // Two CPUs overloaded together, the busiest alternating between them:
  // still one sustained imbalance.
  for (int i = 0; i < 6; ++i) {
    for (unsigned cpu = 0; cpu < 4; ++cpu) s.cur.cpus[cpu].nr_running = 1;
    s.cur.cpus[2].nr_running = i % 2 ? 7 : 6;
    s.cur.cpus[3].nr_running = i % 2 ? 6 : 7;
    j.feed(s.next());
  }
  ASSERT_EQ(checks(j), std::vector<std::string>({"imbalance"}));
  EXPECT_TRUE(j.verdicts()[0].cpu == 2 || j.verdicts()[0].cpu == 3);
}

TEST(Judge, EventRatesPerGuestSecondPerCpu) {
  Stream s;
  Judge j(defaults(), s.cpus);
  s.cur.events = {0, 0};
  feed(j, s, 10);
  for (int i = 0; i < 6; ++i) {
    s.cur.events[0] += 100;  // 1000/s fallbacks = 250/s per CPU > 200
    s.cur.events[1] += 300;  // keep-last on CPUs running a task alone: healthy
    for (auto& c : s.cur.cpus) c.keep_last += 75;
    j.feed(s.next());
  }
  ASSERT_EQ(checks(j), std::vector<std::string>({"fallback_rate"}));
  EXPECT_NEAR(j.verdicts()[0].value, 250, 1);
  EXPECT_NE(j.verdicts()[0].message.find("per CPU"), std::string::npos);
  EXPECT_EQ(j.summary().total_fallback, 600);
  EXPECT_EQ(j.summary().total_keep_last, 1800);
}

TEST(Judge, KeepLastCountsOnlyWhereTasksWait) {
  // A yielder alone on each CPU keeps itself thousands of times a second:
  // healthy. The same on a CPU with tasks queued behind it is not.
  Stream s;
  JudgeConfig c = defaults();
  c.work_conservation = false;
  Judge j(c, s.cpus);
  s.cur.events = {0, 0};
  feed(j, s, 10);
  for (int i = 0; i < 10; ++i) {
    for (auto& cpu : s.cur.cpus) cpu.keep_last += 1000;  // 10,000/s per CPU, nothing waiting
    s.cur.events[1] += 4000;
    j.feed(s.next());
  }
  EXPECT_TRUE(j.verdicts().empty());
  s.waiting(2, 3, {2});
  for (int i = 0; i < 6; ++i) {
    for (auto& cpu : s.cur.cpus) cpu.keep_last += 20;  // 200/s per CPU
    s.cur.events[1] += 80;
    j.feed(s.next());
  }
  ASSERT_EQ(checks(j), std::vector<std::string>({"keep_last_rate"}));
  EXPECT_NEAR(j.verdicts()[0].value, 200, 1);
  EXPECT_NE(j.verdicts()[0].message.find("with tasks waiting"), std::string::npos);
}

TEST(Judge, WarmupAndReattachRestartTheClock) {
  Stream s;
  JudgeConfig c = defaults();
  c.warmup_s = 1.0;
  Judge j(c, s.cpus);
  for (unsigned cpu : {1u, 2u, 3u}) s.idle(cpu);
  s.waiting(0, 3, {0, 1, 2, 3});
  feed(j, s, 9);  // inside the warm-up: not judged
  EXPECT_TRUE(j.verdicts().empty());
  // A new scheduler instance attaches: the warm-up starts over.
  s.cur.enable_seq = 2;
  feed(j, s, 9);
  EXPECT_TRUE(j.verdicts().empty());
  feed(j, s, 8);
  EXPECT_EQ(checks(j), std::vector<std::string>({"work_conservation"}));
  // Without a scheduler nothing is judged (EEVDF).
  Stream e;
  e.cur.scx_enabled = false;
  for (unsigned cpu : {1u, 2u, 3u}) e.idle(cpu);
  e.waiting(0, 3, {0, 1, 2, 3});
  Judge k(defaults(), e.cpus);
  feed(k, e, 50);
  EXPECT_TRUE(k.verdicts().empty());
  EXPECT_EQ(k.summary().judged, 0u);
}
