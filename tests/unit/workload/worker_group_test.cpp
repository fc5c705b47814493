#include <sched.h>
#include <sys/mman.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "unit/workload/helpers.hpp"
#include "util/error.hpp"
#include "util/mapping.hpp"
#include "workload/stop_flag.hpp"
#include "workload/worker_context.hpp"
#include "workload/worker_group.hpp"
#include "support/ktstr_test_support.hpp"

using namespace ktstr;
using namespace ktstr::workload;
using namespace ktstr::workload::test;

namespace {

GroupSpec spin_spec(size_t n) {
  GroupSpec s;
  s.work = WorkType::of(WorkKind::CpuSpin);
  s.workers = n;
  return s;
}

}  // namespace

TEST(WorkerGroup, TwoPhaseStartBlocksUntilStart) {
  {
    WorkerGroup g(spin_spec(2));
    ASSERT_EQ(g.pids().size(), 2u);
    sleep_ms(150);
    for (pid_t p : g.pids()) {
      // Poll: on a loaded host a fresh child may not have reached the gate yet.
      for (int i = 0; i < 100 && proc_state(p) != 'S'; ++i) sleep_ms(10);
      EXPECT_EQ(proc_state(p), 'S') << "gated worker should be asleep";
      EXPECT_LE(proc_cpu_ticks(p), 2) << "gated worker should not be spinning";
    }
    const auto t0 = std::chrono::steady_clock::now();
    g.start();
    long ticks = 0;
    for (int i = 0; i < 100 && ticks <= 2; ++i) {
      sleep_ms(10);
      ticks = 0;
      for (pid_t p : g.pids()) ticks += proc_cpu_ticks(p);
    }
    EXPECT_GT(ticks, 2) << "released workers should burn CPU";
    const auto& reports = g.stop();
    const auto elapsed = std::chrono::steady_clock::now() - t0;
    ASSERT_EQ(reports.size(), 2u);
    for (const auto& r : reports) {
      EXPECT_TRUE(r.completed) << r.describe_exit();
      // The clock starts at release, not at fork (150 ms earlier).
      EXPECT_LE(r.wall_time_ns, static_cast<uint64_t>(std::chrono::nanoseconds(elapsed).count()));
      EXPECT_GT(r.cpu_time_ns, 0u);
    }
  }
  expect_no_children();
}

TEST(WorkerGroup, CpuSpinReportsSaneNumbers) {
  {
    WorkerGroup g(spin_spec(3));
    g.start();
    sleep_ms(200);
    const auto& reports = g.stop();
    ASSERT_EQ(reports.size(), 3u);
    for (size_t i = 0; i < reports.size(); ++i) {
      const WorkerReport& r = reports[i];
      EXPECT_EQ(r.index, i);
      EXPECT_EQ(r.pid, g.pid(i));
      EXPECT_EQ(r.work_type, "CpuSpin");
      EXPECT_TRUE(r.completed);
      EXPECT_EQ(r.exit_kind, ExitKind::Reported);
      EXPECT_GT(r.work_units, 0u);
      EXPECT_EQ(r.work_units, r.iterations * 1024);
      EXPECT_GT(r.cpu_time_ns, 0u);
      EXPECT_LE(r.cpu_time_ns, r.wall_time_ns + 10'000'000);
      EXPECT_EQ(r.off_cpu_ns, r.wall_time_ns > r.cpu_time_ns ? r.wall_time_ns - r.cpu_time_ns : 0);
      EXPECT_GT(r.wall_time_ns, 0u);
      EXPECT_LT(r.wall_time_ns, 1'500'000'000u);
      EXPECT_FALSE(r.cpus_used.empty());
      EXPECT_GT(r.max_gap_ns, 0u);
      EXPECT_LT(r.max_gap_ns, r.wall_time_ns);
      EXPECT_GE(r.max_gap_cpu, 0);
      EXPECT_TRUE(r.wake_latencies_ns.empty()) << "CpuSpin never sleeps";
      if (r.schedstat.available) {
        EXPECT_GT(r.schedstat.cpu_time_ns, 0u);
        EXPECT_GT(r.schedstat.run_count, 0u);
      }
    }
    EXPECT_EQ(g.stop().size(), 3u) << "stop() is idempotent";
  }
  expect_no_children();
}

TEST(WorkerGroup, KilledWorkerGetsSentinel) {
  {
    WorkerGroup g(spin_spec(2));
    g.start();
    sleep_ms(50);
    ASSERT_EQ(::kill(g.pid(0), SIGKILL), 0);
    // The kill lands when the victim next runs; give a loaded host time.
    for (int i = 0; i < 100 && g.exited().empty(); ++i) sleep_ms(10);
    EXPECT_EQ(g.exited(), std::vector<size_t>{0});
    EXPECT_KTSTR_ERROR(g.set_nice(0, 1), "has already exited") << "mid-run ops on a dead worker are errors";
    const auto& reports = g.stop();
    EXPECT_FALSE(reports[0].completed);
    EXPECT_EQ(reports[0].work_units, 0u);
    EXPECT_EQ(reports[0].exit_kind, ExitKind::Signaled);
    EXPECT_EQ(reports[0].exit_signal, SIGKILL);
    EXPECT_EQ(reports[0].pid, g.pid(0));
    EXPECT_TRUE(reports[1].completed);
    EXPECT_GT(reports[1].work_units, 0u);
  }
  expect_no_children();
}

TEST(WorkerGroup, WorkerIgnoringStopTimesOut) {
  {
    // Shared with the worker so the test knows it is inside the stubborn loop.
    void* mem = ::mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    ASSERT_NE(mem, MAP_FAILED);
    Mapping shared(mem, 4096);
    auto* inside = static_cast<volatile int*>(mem);
    GroupSpec s;
    s.work = WorkType::make_custom("Stubborn", [inside](WorkerContext&) -> uint64_t {
      *inside = 1;
      for (;;) ::pause();  // never checks the stop flag
    });
    s.workers = 1;
    s.stop_timeout = std::chrono::milliseconds(200);
    WorkerGroup g(s);
    g.start();
    for (int i = 0; i < 200 && !*inside; ++i) sleep_ms(5);
    ASSERT_TRUE(*inside);
    auto t0 = std::chrono::steady_clock::now();
    const auto& reports = g.stop();
    auto took = std::chrono::steady_clock::now() - t0;
    EXPECT_GE(took, std::chrono::milliseconds(190));
    EXPECT_LT(took, std::chrono::milliseconds(1000));
    EXPECT_FALSE(reports[0].completed);
    EXPECT_EQ(reports[0].exit_kind, ExitKind::Timeout);
    EXPECT_EQ(reports[0].exit_signal, SIGKILL);
  }
  expect_no_children();
}

TEST(WorkerGroup, FailingWorkLoopReportsItsError) {
  {
    GroupSpec s;
    s.work = WorkType::make_custom("Throws", [](WorkerContext& ctx) -> uint64_t {
      if (ctx.iterations() == 3) throw Error("boom at 3");
      return 5;
    });
    s.workers = 1;
    WorkerGroup g(s);
    g.start();
    for (int i = 0; i < 200 && g.exited().empty(); ++i) sleep_ms(5);  // it ends on its own
    const auto& r = g.stop()[0];
    EXPECT_FALSE(r.completed);
    EXPECT_EQ(r.exit_kind, ExitKind::Failed);
    EXPECT_EQ(r.error, "boom at 3");
    EXPECT_EQ(r.work_units, 15u);
    EXPECT_EQ(r.work_type, "Throws");
  }
  expect_no_children();
}

TEST(WorkerGroup, StopBeforeStartGivesNeverStarted) {
  {
    WorkerGroup g(spin_spec(2));
    const auto& reports = g.stop();
    for (const auto& r : reports) {
      EXPECT_FALSE(r.completed);
      EXPECT_EQ(r.exit_kind, ExitKind::NeverStarted);
      EXPECT_EQ(r.work_units, 0u);
    }
    EXPECT_KTSTR_ERROR(g.start(), "CpuSpin: start() after stop()");
  }
  expect_no_children();
}

TEST(WorkerGroup, DestructorKillsAndReapsOnEveryPath) {
  std::vector<pid_t> pids;
  {
    WorkerGroup gated(spin_spec(2));  // never started
    WorkerGroup running(spin_spec(2));
    running.start();
    pids = gated.pids();
    for (pid_t p : running.pids()) pids.push_back(p);
    sleep_ms(20);
  }
  for (pid_t p : pids) EXPECT_NE(::kill(p, 0), 0) << "pid " << p << " survived";
  expect_no_children();
  {
    WorkerGroup a(spin_spec(1));
    WorkerGroup b = std::move(a);
    b.start();
    WorkerGroup c(spin_spec(1));
    c = std::move(b);  // c's own worker is killed and reaped here
    sleep_ms(10);
    EXPECT_TRUE(c.stop()[0].completed);
  }
  expect_no_children();
}

TEST(WorkerGroup, RejectsBadSpecsBeforeForking) {
  GroupSpec s = spin_spec(0);
  EXPECT_KTSTR_ERROR(WorkerGroup{s}, "CpuSpin: zero workers");
  s = spin_spec(3);
  s.work = WorkType::of(WorkKind::PipeIo);
  EXPECT_KTSTR_ERROR(WorkerGroup{s}, "PipeIo: 3 workers is not a multiple of its group size 2");
  s = spin_spec(2);
  s.settings.policy = SchedPolicy::fifo(0);
  EXPECT_KTSTR_ERROR(WorkerGroup{s}, "scheduling policy fifo(0): priority must be 1..99");
  s = spin_spec(2);
  s.affinity_per_worker = {{0}};
  EXPECT_KTSTR_ERROR(WorkerGroup{s}, "CpuSpin: 1 per-worker affinities for 2 workers");
  expect_no_children();
}

TEST(WorkerGroup, AppliesSettingsAtStart) {
  const CpuList allowed = get_affinity(0);
  ASSERT_FALSE(allowed.empty());
  {
    GroupSpec s = spin_spec(2);
    s.settings.policy = SchedPolicy::batch();
    s.settings.nice = 7;
    s.affinity_per_worker = {{allowed.front()}, {allowed.back()}};
    WorkerGroup g(s);
    EXPECT_EQ(::sched_getscheduler(g.pid(0)), SCHED_OTHER) << "nothing applied before start()";
    g.start();
    for (size_t i = 0; i < 2; ++i) {
      EXPECT_EQ(::sched_getscheduler(g.pid(i)), SCHED_BATCH);
      errno = 0;
      EXPECT_EQ(::getpriority(PRIO_PROCESS, static_cast<id_t>(g.pid(i))), 7);
    }
    EXPECT_EQ(get_affinity(g.pid(0)), CpuList{allowed.front()});
    // Worker 1 must really run on each CPU before and after the move: a
    // fixed 50 ms was not enough on a loaded host (it never got CPU time on
    // its first CPU before being moved).
    ASSERT_TRUE(wait_for_runtime(g.pid(1), 20'000'000)) << "worker 1 got no CPU time on its first CPU";
    g.set_affinity(1, {allowed.front()});  // mid-run op
    ASSERT_TRUE(wait_for_runtime(g.pid(1), 20'000'000)) << "worker 1 got no CPU time after the move";
    const auto& reports = g.stop();
    EXPECT_EQ(reports[0].cpus_used, CpuList{allowed.front()});
    EXPECT_EQ(reports[0].migrations, 0u);
    if (allowed.front() != allowed.back()) {
      EXPECT_EQ(reports[1].cpus_used, (CpuList{allowed.front(), allowed.back()}));
      EXPECT_GE(reports[1].migrations, 1u);
    }
  }
  expect_no_children();
}

TEST(WorkerGroup, ReportSurvivesAStolenExitStatus) {
  {
    WorkerGroup g(spin_spec(1));
    g.start();
    sleep_ms(20);
    // Someone else in the process reaps the worker (as a careless PID 1 might).
    ASSERT_EQ(::kill(g.pid(0), kStopSignal), 0);
    int ws = 0;
    ASSERT_EQ(::waitpid(g.pid(0), &ws, 0), g.pid(0));
    const auto& r = g.stop()[0];
    EXPECT_TRUE(r.completed) << r.describe_exit();
    EXPECT_EQ(r.exit_kind, ExitKind::Reported);
  }
  expect_no_children();
}

// ktstr::CpuList is unsigned, so the only CPU apply_affinity can refuse is
// one cpu_set_t cannot hold; the empty set is refused before the call.
TEST(SchedSettings, AffinityBeyondTheKernelMaskIsRefusedByName) {
  EXPECT_KTSTR_ERROR(apply_affinity(::getpid(), {0, CPU_SETSIZE}),
                     fmt::format("worker pid {}: CPU {} out of range (cpu_set_t holds 0-{})", ::getpid(), CPU_SETSIZE,
                                 CPU_SETSIZE - 1));
  EXPECT_KTSTR_ERROR(apply_affinity(::getpid(), {}), fmt::format("worker pid {}: empty affinity set", ::getpid()));
}
