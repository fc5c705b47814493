// `ktstr cleanup` reclaims what a SIGKILLed run left (a --host cgroup,
// half-written cache files) and nothing that belongs to a live process.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "util/process.hpp"

namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

fs::path cgroup2_mount() {
  std::ifstream in("/proc/mounts");
  std::string dev, dir, type, rest;
  while (in >> dev >> dir >> type && std::getline(in, rest))
    if (type == "cgroup2") return dir;
  return {};
}

// A pid that existed and is gone (reaped).
pid_t dead_pid() {
  pid_t p = ::fork();
  if (p == 0) ::_exit(0);
  ::waitpid(p, nullptr, 0);
  return p;
}

TEST(Cleanup, RemovesWhatDeadRunsLeftAndKeepsWhatLiveOnesOwn) {
  std::string templ = (fs::temp_directory_path() / "ktstr-cleanup-XXXXXX").string();
  ASSERT_NE(::mkdtemp(templ.data()), nullptr);
  const fs::path cache = templ;
  const pid_t dead = dead_pid();
  fs::create_directories(cache / "initramfs");
  const fs::path stale = cache / "initramfs" / ("abc.cpio.tmp." + std::to_string(dead) + ".0");
  const fs::path live = cache / "initramfs" / ("def.cpio.tmp." + std::to_string(::getpid()) + ".0");
  const fs::path entry = cache / "initramfs" / "abc.cpio";
  for (const auto& f : {stale, live, entry}) std::ofstream(f) << "x";
  fs::create_directories(cache / "kernels" / ".staging-Ab12Cd" / "boot");
  fs::last_write_time(cache / "kernels" / ".staging-Ab12Cd", fs::file_time_type::clock::now() - std::chrono::hours(2));
  fs::create_directories(cache / "kernels" / ".staging-Fresh1");  // a fetch still running

  // A --host run's cgroup whose ktstr was SIGKILLed (needs root and cgroup v2).
  const fs::path mnt = cgroup2_mount();
  const fs::path cg = mnt / ("ktstr-" + std::to_string(dead));
  std::error_code mk;
  bool with_cgroup = ::geteuid() == 0 && !mnt.empty() && fs::create_directories(cg / "cg_0", mk);

  ktstr::SpawnOptions o;
  o.env_set = {{"KTSTR_CACHE_DIR", cache.string()}};
  auto r = ktstr::run_capture({KTSTR_BINARY, "cleanup"}, 60s, o);
  EXPECT_EQ(r.status.code, 0) << r.err;
  EXPECT_FALSE(fs::exists(stale)) << r.out;
  EXPECT_FALSE(fs::exists(cache / "kernels" / ".staging-Ab12Cd")) << r.out;
  EXPECT_TRUE(fs::exists(live)) << "a live process's temp file was removed";
  EXPECT_TRUE(fs::exists(cache / "kernels" / ".staging-Fresh1")) << "a running fetch's staging directory was removed";
  EXPECT_TRUE(fs::exists(entry)) << "a cache entry was removed";
  EXPECT_NE(r.out.find("removed " + stale.string()), std::string::npos) << r.out;
  if (with_cgroup) {
    EXPECT_FALSE(fs::exists(cg)) << r.out;
    EXPECT_NE(r.out.find("removed cgroup " + cg.string()), std::string::npos) << r.out;
  }
  std::error_code ec;
  fs::remove(cg / "cg_0", ec);
  fs::remove(cg, ec);
  fs::remove_all(cache, ec);
  if (!with_cgroup) GTEST_SKIP() << "cache files checked; the cgroup part needs root and cgroup v2";
}

}  // namespace
