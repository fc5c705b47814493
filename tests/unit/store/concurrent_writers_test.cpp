// Parallel VMs and several `ktstr run` processes write one store at once:
// separate processes (this test binary re-executed as writers), each
// opening the store -- which does not exist yet -- and appending 200
// records as fast as it can. No record may be lost, none may fail busy.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <set>
#include <thread>

#include "store/run_store.hpp"
#include "store_test_util.hpp"
#include "util/error.hpp"

using namespace ktstr;
using namespace ktstr::store;
using namespace ktstr::store::testing;
namespace fs = std::filesystem;

namespace {
constexpr int kWriters = 4;
constexpr int kRecordsEach = 200;
constexpr const char* kChildEnv = "KTSTR_STORE_TEST_WRITER";  // "<db path>|<go file>|<index>"
}  // namespace

// The writer: runs only when re-executed by the test below.
// DISABLED_: not a test of its own (ctest would list it as skipped); the
// parent runs it with --gtest_also_run_disabled_tests.
TEST(ConcurrentWritersChild, DISABLED_Append) {
  const char* spec = std::getenv(kChildEnv);
  if (!spec) GTEST_SKIP() << "a writer process of ConcurrentWriters.NoRecordLost";
  auto parts = split(spec, '|');
  ASSERT_EQ(parts.size(), 3u);
  while (!fs::exists(parts[1])) std::this_thread::sleep_for(std::chrono::microseconds(200));
  auto s = RunStore::open_for_writing(parts[0]);
  auto id = s.begin_run("writer " + parts[2], host_context());
  for (int i = 0; i < kRecordsEach; ++i) {
    auto r = make_record("w" + parts[2] + "-" + std::to_string(i), "eevdf", "PASS");
    r.result = {{"writer", parts[2]}, {"i", i}};
    s.append(id, r);
  }
  s.end_run(id);
  s.prune(PrunePolicy{}, id);
}

TEST(ConcurrentWriters, NoRecordLost) {
  TempDir t;
  auto db = t.path / "runs.db";
  auto go = t.path / "go";
  std::vector<pid_t> kids;
  for (int w = 0; w < kWriters; ++w) {
    std::string spec = db.string() + "|" + go.string() + "|" + std::to_string(w);
    // The child's environment, built before fork: ours plus the writer spec.
    std::vector<std::string> env_strings{std::string(kChildEnv) + "=" + spec};
    for (char** e = environ; *e; ++e) env_strings.emplace_back(*e);
    std::vector<char*> envp;
    for (auto& e : env_strings) envp.push_back(e.data());
    envp.push_back(nullptr);
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      // Only async-signal-safe calls between fork and exec.
      char* argv[] = {const_cast<char*>("/proc/self/exe"),
                      const_cast<char*>("--gtest_filter=ConcurrentWritersChild.DISABLED_Append"),
                      const_cast<char*>("--gtest_also_run_disabled_tests"), nullptr};
      ::execve("/proc/self/exe", argv, envp.data());
      ::_exit(127);
    }
    kids.push_back(pid);
  }
  auto t0 = std::chrono::steady_clock::now();
  write_file_atomic(go, "go");
  int failures = 0;
  for (pid_t pid : kids) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) ++failures;
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(failures, 0) << "a writer process failed (see its gtest output above)";
  auto s = RunStore::open_read_only(db);
  auto runs = s.list_runs();
  ASSERT_EQ(runs.size(), size_t(kWriters));
  std::set<std::string> tests;
  std::set<int64_t> ids;
  for (const auto& r : runs) {
    EXPECT_EQ(r.passed, kRecordsEach) << r.run_id;
    EXPECT_FALSE(r.ended.empty());
    for (const auto& j : s.records_of(r.run_id)) {
      tests.insert(j["identity"]["test"].get<std::string>());
      ids.insert(j["id"].get<int64_t>());
    }
  }
  EXPECT_EQ(tests.size(), size_t(kWriters * kRecordsEach));
  EXPECT_EQ(ids.size(), size_t(kWriters * kRecordsEach));
  std::printf("[ figures ] %d processes x %d records: %.2f s, %.0f appends/s overall\n", kWriters, kRecordsEach, secs,
              kWriters * kRecordsEach / secs);
}

// One process, for reference: appends per second on this machine.
TEST(ConcurrentWriters, SingleWriterThroughput) {
  TempDir t;
  auto s = RunStore::open_for_writing(t.path / "runs.db");
  auto id = s.begin_run("x", {});
  auto r = make_record("steady", "eevdf", "PASS");
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 500; ++i) s.append(id, r);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(s.records_of(id).size(), 500u);
  std::printf("[ figures ] one writer: 500 appends in %.3f s, %.0f appends/s\n", secs, 500 / secs);
}
