#include <gtest/gtest.h>

#include "fake_kernel.hpp"
#include "kernel/kernel_cache.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "support/ktstr_test_support.hpp"

using namespace ktstr::kernel;
namespace fs = std::filesystem;

namespace {

// Installs a fake kernel `version` whose vmlinux holds `content`.
CachedKernel add(const KernelCache& cache, const std::string& version, const std::string& content = "elf",
                 bool replace = false) {
  StagingDir st = cache.make_staging();
  fake::write(st.path() / "vmlinux", content);
  fake::write(st.path() / "config", fake::good_config());
  KernelMeta m;
  m.version = version;
  m.source = "debian";
  m.suite = "sid";
  m.packages = {"linux-binary-" + version + "=1"};
  m.fetched_at = utc_timestamp();
  m.vmlinux_size = content.size();
  return cache.install(std::move(st), m, replace);
}

}  // namespace

TEST(KernelCache, DefaultRootFollowsCacheDirEnv) {
  fake::TempDir dir;
  fake::ScopedEnv env("KTSTR_CACHE_DIR", dir.path().c_str());
  EXPECT_EQ(KernelCache().root(), dir.path() / "kernels");
}

TEST(KernelCache, InstallListFindRemove) {
  fake::TempDir dir;
  KernelCache cache(dir.path() / "kernels");
  EXPECT_TRUE(cache.list().empty());
  auto k = add(cache, "6.16.12+deb13-amd64");
  EXPECT_EQ(k.dir, dir.path() / "kernels" / "6.16.12+deb13-amd64");
  EXPECT_TRUE(fs::exists(k.dir / "kernel.json"));
  add(cache, "7.2.13+deb14-amd64");
  add(cache, "6.9.1-amd64");

  auto all = cache.list();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].meta.version, "7.2.13+deb14-amd64");  // newest first
  EXPECT_EQ(all[2].meta.version, "6.9.1-amd64");
  EXPECT_EQ(all[0].meta.suite, "sid");
  EXPECT_EQ(all[0].meta.packages, (std::vector<std::string>{"linux-binary-7.2.13+deb14-amd64=1"}));

  // Leftovers of an interrupted fetch are hidden, and no staging remains.
  fs::create_directories(cache.root() / ".staging-abc");
  fs::create_directories(cache.root() / "broken");  // no vmlinux
  EXPECT_EQ(cache.list().size(), 3u);
  EXPECT_FALSE(cache.find("broken"));
  EXPECT_FALSE(cache.find("../kernels/7.2.13+deb14-amd64"));

  EXPECT_TRUE(cache.remove("6.9.1-amd64"));
  EXPECT_FALSE(cache.remove("6.9.1-amd64"));
  EXPECT_KTSTR_ERROR(cache.remove("../etc"), "'../etc' is not a kernel version");
  EXPECT_EQ(cache.list().size(), 2u);

  fs::create_directories(cache.local_dir("x-1"));
  EXPECT_EQ(cache.remove_all(), 3u);  // two kernels + "broken"; hidden dirs go too
  EXPECT_TRUE(fs::is_empty(cache.root()));
}

TEST(KernelCache, InstallKeepsOrReplacesExisting) {
  fake::TempDir dir;
  KernelCache cache(dir.path());
  add(cache, "7.2.13+deb14-amd64", "old");
  auto kept = add(cache, "7.2.13+deb14-amd64", "new", /*replace=*/false);
  EXPECT_EQ(ktstr::read_file(kept.vmlinux()), "old");
  auto replaced = add(cache, "7.2.13+deb14-amd64", "new", /*replace=*/true);
  EXPECT_EQ(ktstr::read_file(replaced.vmlinux()), "new");
  // Nothing but the entry is left: staging and the swapped-out copy are gone.
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.path())) ++n;
  EXPECT_EQ(n, 1u);
}

TEST(KernelCache, StagingIsRemovedWhenNotInstalled) {
  fake::TempDir dir;
  KernelCache cache(dir.path());
  fs::path p;
  {
    StagingDir st = cache.make_staging();
    p = st.path();
    fake::write(p / "vmlinux", std::string("x"));
  }
  EXPECT_FALSE(fs::exists(p));
}

TEST(KernelCache, MetaJsonRoundTripAndTolerance) {
  KernelMeta m;
  m.version = "7.2.13+deb14-amd64";
  m.vmlinux_size = 62173500;
  m.build_id = "f8da1e46";
  auto back = KernelMeta::from_json(m.to_json());
  EXPECT_EQ(back.version, m.version);
  EXPECT_EQ(back.vmlinux_size, m.vmlinux_size);
  EXPECT_EQ(back.build_id, m.build_id);
  auto odd = KernelMeta::from_json(nlohmann::json{{"version", 5}, {"suite", "sid"}});
  EXPECT_EQ(odd.version, "");
  EXPECT_EQ(odd.suite, "sid");
}
