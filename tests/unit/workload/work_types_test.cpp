// Every work type, run for real in forked workers for a short while: all
// workers of every group must make progress and report.
#include <signal.h>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "unit/workload/helpers.hpp"
#include "workload/work_type_params.hpp"
#include "workload/worker_group.hpp"

using namespace ktstr::workload;
using namespace ktstr::workload::test;

namespace {

struct Case {
  const char* type;
  size_t workers;
  bool expect_wakes;  // sleeps or waits on a partner, so wake latencies exist
  const char* params = "{}";  // JSON, as scenarios carry it
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.type; }

class EveryWorkType : public ::testing::TestWithParam<Case> {};

}  // namespace

TEST_P(EveryWorkType, AllWorkersMakeProgressAndReport) {
  const Case& c = GetParam();
  {
    GroupSpec s;
    s.work = make_work_type(c.type, nlohmann::json::parse(c.params));
    s.workers = c.workers;
    WorkerGroup g(s);
    const auto t0 = std::chrono::steady_clock::now();
    g.start();
    // Long enough that every worker gets CPU time on a loaded 2-core host
    // (150 ms left single workers with 0 work units under load ~4).
    sleep_ms(400);
    EXPECT_TRUE(g.exited().empty()) << "a worker died mid-run";
    const auto& reports = g.stop();
    const auto elapsed = std::chrono::steady_clock::now() - t0;
    ASSERT_EQ(reports.size(), c.workers);
    for (const auto& r : reports) {
      SCOPED_TRACE(testing::Message() << "worker " << r.index << ": " << r.describe_exit());
      EXPECT_TRUE(r.completed);
      EXPECT_GT(r.work_units, 0u);
      EXPECT_GT(r.iterations, 0u);
      // The worker's clock runs between release and report, both inside
      // start()..stop(); a lower bound would only measure host load.
      EXPECT_GT(r.wall_time_ns, 0u);
      EXPECT_LE(r.wall_time_ns, static_cast<uint64_t>(std::chrono::nanoseconds(elapsed).count()));
      EXPECT_FALSE(r.cpus_used.empty());
      if (c.expect_wakes) {
        EXPECT_GT(r.wake_samples_seen, 0u);
        EXPECT_EQ(r.wake_latencies_ns.size(), std::min<uint64_t>(r.wake_samples_seen, kMaxWakeSamples));
      }
    }
  }
  expect_no_children();
}

INSTANTIATE_TEST_SUITE_P(
    Workload, EveryWorkType,
    ::testing::Values(Case{"CpuSpin", 2, false}, Case{"YieldHeavy", 2, false},
                      Case{"Mixed", 2, false}, Case{"IoSync", 2, true},
                      Case{"Bursty", 2, true, R"({"burst_ms": 10, "sleep_ms": 10})"}, Case{"PipeIo", 2, true},
                      Case{"FutexPingPong", 2, true}, Case{"CachePressure", 2, false},
                      Case{"CacheYield", 2, false}, Case{"CachePipe", 4, true},
                      Case{"FutexFanOut", 5, true},
                      Case{"FanOutCompute", 5, true, R"({"matrix_kib": 32, "compute_ops": 2})"},
                      Case{"RequestResponse", 3, true,
                           R"({"fan_out": 2, "matrix_kib": 32, "compute_ops": 2, "think_us": 200})"},
                      // Senders wait only when a pipe is full (inside write(2), unmeasured),
                      // so not every worker has wake samples; receivers do.
                      Case{"Messaging", 4, false},
                      Case{"Sequence", 1, true},
                      Case{"ForkExit", 2, false}, // Root may go below nice 0; a 150 ms spin at -20 would starve tests
                      // running beside this one, so stay polite here.
                      Case{"NiceSweep", 2, false, R"({"nice_min": 0, "nice_max": 19})"},
                      Case{"AffinityChurn", 2, false}, Case{"PolicyChurn", 2, false},
                      Case{"PageFaultChurn", 2, false}, Case{"MutexContention", 4, false}),
    [](const testing::TestParamInfo<Case>& info) {
      return std::string(info.param.type);
    });

TEST(PairedWork, PipeIoSurvivorKeepsWorkingWhenPartnerDies) {
  {
    GroupSpec s;
    s.work = WorkType::of(WorkKind::PipeIo);
    s.workers = 2;
    WorkerGroup g(s);
    g.start();
    sleep_ms(50);
    ::kill(g.pid(1), SIGKILL);
    sleep_ms(300);
    const auto& reports = g.stop();
    EXPECT_EQ(reports[1].exit_kind, ExitKind::Signaled);
    EXPECT_FALSE(reports[1].completed);
    EXPECT_TRUE(reports[0].completed) << reports[0].describe_exit();
    EXPECT_GT(reports[0].work_units, 0u);
    // Its waits were voluntary, so the dead partner is not a scheduling gap.
    EXPECT_LT(reports[0].max_gap_ns, 250'000'000u);
  }
  expect_no_children();
}

TEST(PairedWork, PingPongPartnersAlternate) {
  {
    GroupSpec s;
    s.work = WorkType::of(WorkKind::FutexPingPong);
    s.workers = 2;
    WorkerGroup g(s);
    g.start();
    sleep_ms(150);
    const auto& reports = g.stop();
    // Strict hand-off: the two iteration counts differ by at most one.
    const auto a = reports[0].iterations, b = reports[1].iterations;
    EXPECT_GT(a, 10u);
    EXPECT_LE(a > b ? a - b : b - a, 1u);
  }
  expect_no_children();
}
