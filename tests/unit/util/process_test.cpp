// Child processes: what the child sees (environment, PATH lookup), how exec
// failures surface, and that spawning from many threads at once is safe
// (the test binary of a KTSTR_TEST suite is multi-threaded).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "util/process.hpp"

using namespace ktstr;

TEST(Process, EnvSetOverridesAndAddsVariablesInTheChildOnly) {
  ::setenv("KTSTR_PROCESS_TEST_KEEP", "parent", 1);
  ::setenv("KTSTR_PROCESS_TEST_OVERRIDE", "parent", 1);
  SpawnOptions o;
  o.env_set = {{"KTSTR_PROCESS_TEST_OVERRIDE", "child"}, {"KTSTR_PROCESS_TEST_NEW", "fresh"}};
  auto r = run_capture({"sh", "-c",
                        "echo $KTSTR_PROCESS_TEST_KEEP $KTSTR_PROCESS_TEST_OVERRIDE $KTSTR_PROCESS_TEST_NEW; "
                        "env | grep -c KTSTR_PROCESS_TEST_OVERRIDE="},
                       std::chrono::seconds(10), o);
  ASSERT_TRUE(r.status.ok()) << r.err;
  // One definition of the overridden variable, not the parent's plus ours.
  EXPECT_EQ(r.out, "parent child fresh\n1\n");
  EXPECT_STREQ(::getenv("KTSTR_PROCESS_TEST_OVERRIDE"), "parent");
  EXPECT_EQ(::getenv("KTSTR_PROCESS_TEST_NEW"), nullptr);
}

TEST(Process, ExecFailureIsExitCode127WithTheReason) {
  auto r = run_capture({"ktstr-no-such-program-xyz"}, std::chrono::seconds(10));
  EXPECT_EQ(r.status.code, 127);
  EXPECT_NE(r.err.find("exec failed: ktstr-no-such-program-xyz: not found"), std::string::npos) << r.err;

  auto d = run_capture({"/tmp"}, std::chrono::seconds(10));
  EXPECT_EQ(d.status.code, 127);
  EXPECT_NE(d.err.find("exec failed: /tmp: permission denied"), std::string::npos) << d.err;
}

TEST(Process, ManyThreadsSpawnAtOnceWhileOthersAllocate) {
  // Children of a multi-threaded parent must not deadlock on a lock another
  // thread held at fork time; the child path only does async-signal-safe work.
  std::atomic<bool> stop{false};
  std::thread churn([&] {
    while (!stop) {
      std::vector<std::string> v(64, std::string(256, 'x'));
      v.clear();
    }
  });
  std::atomic<int> ok{0}, bad{0};
  std::vector<std::thread> spawners;
  for (int t = 0; t < 4; ++t)
    spawners.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        SpawnOptions o;
        o.env_set = {{"N", std::to_string(t * 100 + i)}};
        auto r = run_capture({"sh", "-c", "echo $N"}, std::chrono::seconds(20), o);
        (r.status.ok() && !r.timed_out && r.out == std::to_string(t * 100 + i) + "\n" ? ok : bad)++;
      }
    });
  for (auto& s : spawners) s.join();
  stop = true;
  churn.join();
  EXPECT_EQ(ok.load(), 80);
  EXPECT_EQ(bad.load(), 0);
}
