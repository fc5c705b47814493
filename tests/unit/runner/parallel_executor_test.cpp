// The executor: never more than N at once, all N used, results by index,
// exceptions handed to the waiter; the progress printer keeps run order.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include "runner/parallel_executor.hpp"
#include "runner/progress.hpp"
#include "util/error.hpp"
#include "support/ktstr_test_support.hpp"

using namespace ktstr;
using namespace ktstr::runner;

TEST(ParallelExecutor, RunsUpToJobsAtOnceAndReturnsResultsByIndex) {
  std::atomic<int> now{0}, peak{0};
  ParallelExecutor ex(3);
  for (int i = 0; i < 9; ++i)
    ex.submit("t" + std::to_string(i), [&, i] {
      int n = ++now;
      int p = peak.load();
      while (n > p && !peak.compare_exchange_weak(p, n)) {
      }
      // Later tasks finish first: results must still come back by index.
      std::this_thread::sleep_for(std::chrono::milliseconds(60 - 5 * i));
      --now;
      ScenarioVerdict v;
      v.name = "t" + std::to_string(i);
      return v;
    });
  for (int i = 0; i < 9; ++i) EXPECT_EQ(ex.wait(static_cast<size_t>(i)).name, "t" + std::to_string(i));
  EXPECT_EQ(peak.load(), 3);
}

TEST(ParallelExecutor, ATaskExceptionReachesItsWaiterOnly) {
  ParallelExecutor ex(2);
  ex.submit("bad", []() -> ScenarioVerdict { fail("scheduler 'nope' not found"); });
  ex.submit("good", [] { return ScenarioVerdict{}; });
  EXPECT_EQ(ktstr::test::error_of([&] { ex.wait(0); }), "scheduler 'nope' not found");
  EXPECT_NO_THROW(ex.wait(1));
  EXPECT_KTSTR_ERROR(ex.wait(2), "no task 2 (only 2 submitted)");  // never submitted
}

TEST(ProgressPrinter, PrintsBlocksInRunOrderWhateverOrderTheyFinish) {
  char* buf = nullptr;
  size_t len = 0;
  std::FILE* out = ::open_memstream(&buf, &len);
  {
    ProgressPrinter p({"a", "b", "c"}, out, out, /*status_line=*/false);
    p.started(0);
    p.started(1);
    p.started(2);
    p.finished(2, "C\n");
    p.finished(1, "B\n");
    std::fflush(out);
    EXPECT_EQ(std::string(buf, len), "");  // a is still running
    p.finished(0, "A\n");
  }
  std::fclose(out);
  EXPECT_EQ(std::string(buf), "A\nB\nC\n");
  std::free(buf);
}

TEST(ProgressPrinter, StatusLineIsClearedBeforeEachBlock) {
  char* buf = nullptr;
  size_t len = 0;
  std::FILE* out = ::open_memstream(&buf, &len);
  {
    ProgressPrinter p({"steady", "cpuset_apply"}, out, out, /*status_line=*/true);
    p.started(0);
    p.started(1);
    p.finished(0, "PASS steady\n");
    p.finished(1, "PASS cpuset_apply\n");
  }
  std::fclose(out);
  EXPECT_EQ(std::string(buf),
            "\r\033[K[0/2] running: steady"
            "\r\033[K[0/2] running: steady cpuset_apply"
            "\r\033[KPASS steady\n"
            "\r\033[K[1/2] running: cpuset_apply"
            "\r\033[KPASS cpuset_apply\n");
  std::free(buf);
}
