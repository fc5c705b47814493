// `ktstr kselftest`: the kernel's own sched_ext selftests in a VM. One
// cheap VM: the nohz test, which only passes when ktstr gives the kernel
// the nohz_full= argument it needs; a filter that matches nothing is a
// usage error before any VM boots.
#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "util/files.hpp"
#include "vm_harness.hpp"

using ktstr::vmtest::run_ktstr;
using nlohmann::json;

namespace {

// Built by scripts/build-kernel-selftests.sh (about 5 minutes once, cached).
bool runner_built(std::string* why) {
  auto runner = ktstr::cache_root() / "kselftests" / "sched_ext" / "runner";
  if (std::filesystem::exists(runner)) return true;
  *why = runner.string() + " is not built: run scripts/build-kernel-selftests.sh";
  return false;
}

}  // namespace

TEST(Kselftest, BadFilterIsAUsageErrorListingTheTests) {
  std::string why;
  if (!runner_built(&why)) GTEST_SKIP() << why;
  auto r = run_ktstr({"kselftest", "--filter", "no_such_selftest"}, std::chrono::seconds(30));
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("no sched_ext selftest matches --filter 'no_such_selftest'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("create_dsq"), std::string::npos) << r.err;  // the available ones
  EXPECT_LT(r.seconds, 10);
}

TEST(Kselftest, NohzTestRunsWithTheKernelArgumentItNeeds) {
  KTSTR_REQUIRE_VM();
  std::string why;
  if (!runner_built(&why)) GTEST_SKIP() << why;
  auto r = run_ktstr({"kselftest", "--topology", "1n2l2c1t", "--filter", "nohz_tick", "--json"});
  auto j = json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out << r.err;
  EXPECT_EQ(r.code, 0) << j.dump(2) << r.err;
  EXPECT_EQ(j.value("cmdline", ""), "nohz_full=1-3");
  ASSERT_EQ(j["results"].size(), 1u) << j.dump(2);
  EXPECT_EQ(j["results"][0].value("name", ""), "nohz_tick");
  // Without nohz_full= it would SKIP ("no allowed NOHZ_FULL CPU").
  EXPECT_EQ(j["results"][0].value("verdict", ""), "PASS") << j.dump(2);
}
