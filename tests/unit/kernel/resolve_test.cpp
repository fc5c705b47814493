#include <gtest/gtest.h>

#include "fake_kernel.hpp"
#include "kernel/kernel_resolve.hpp"
#include "kernel/kernel_version.hpp"
#include "util/error.hpp"
#include "support/ktstr_test_support.hpp"

using namespace ktstr::kernel;
namespace fs = std::filesystem;

namespace {

class Resolve : public ::testing::Test {
 protected:
  fake::TempDir tmp;
  fake::ScopedEnv no_env{kKernelEnvVar, nullptr};
  KernelCache cache{tmp.path() / "cache" / "kernels"};

  void cache_kernel(const std::string& version) {
    StagingDir st = cache.make_staging();
    fake::write(st.path() / "vmlinux", fake::make_vmlinux());
    fake::write(st.path() / "config", fake::good_config());
    KernelMeta m;
    m.version = version;
    cache.install(std::move(st), m, false);
  }

  // A directory holding a vmlinux and its config, like a kernel build tree.
  fs::path local_tree(const std::string& name, bool with_config = true, bool pvh = true) {
    fs::path d = tmp.path() / name;
    fake::write(d / "vmlinux", fake::make_vmlinux(pvh, "6.50.0-" + name));
    if (with_config) fake::write(d / ".config", fake::good_config());
    return d;
  }

  Kernel resolve(std::optional<std::string> spec, ResolveOptions o = {}) { return resolve_kernel(spec, o, cache); }

  std::string error_of(std::optional<std::string> spec, ResolveOptions o = {}) {
    return ktstr::test::error_of([&] { resolve(spec, o); });
  }
};

}  // namespace

TEST_F(Resolve, NothingFoundTellsUserToFetch) {
  std::string msg = error_of(std::nullopt);
  EXPECT_NE(msg.find("ktstr kernel fetch"), std::string::npos) << msg;
  EXPECT_NE(msg.find(kKernelEnvVar), std::string::npos) << msg;
}

TEST_F(Resolve, CachePrefersDefaultThenNewest) {
  cache_kernel("9.9.9-amd64");
  EXPECT_EQ(resolve(std::nullopt).version, "9.9.9-amd64");
  cache_kernel(std::string(kDefaultKernelVersion));
  auto k = resolve(std::nullopt);
  EXPECT_EQ(k.version, kDefaultKernelVersion);
  EXPECT_EQ(k.found_by, "cache");
  EXPECT_TRUE(k.info.pvh_entry);
  EXPECT_TRUE(k.cfg.builtin("SCHED_CLASS_EXT"));
  ASSERT_TRUE(k.meta);
}

TEST_F(Resolve, ExplicitBeatsEnvBeatsCache) {
  cache_kernel(std::string(kDefaultKernelVersion));
  fs::path env_tree = local_tree("envk");
  fs::path arg_tree = local_tree("argk");
  fake::ScopedEnv env(kKernelEnvVar, env_tree.c_str());

  auto from_env = resolve(std::nullopt);
  EXPECT_EQ(from_env.found_by, kKernelEnvVar);
  EXPECT_EQ(from_env.vmlinux, env_tree / "vmlinux");
  EXPECT_EQ(from_env.version, "6.50.0-envk");  // from the banner
  EXPECT_EQ(from_env.config, env_tree / ".config");

  auto from_arg = resolve(arg_tree.string());
  EXPECT_EQ(from_arg.found_by, "--kernel");
  EXPECT_EQ(from_arg.vmlinux, arg_tree / "vmlinux");
}

TEST_F(Resolve, CachedVersionAndPrefix) {
  cache_kernel("7.2.13+deb14-amd64");
  cache_kernel("7.2.9+deb14-amd64");
  cache_kernel("7.20.1-amd64");
  EXPECT_EQ(resolve("7.2.9+deb14-amd64").version, "7.2.9+deb14-amd64");
  EXPECT_EQ(resolve("7.2").version, "7.2.13+deb14-amd64");  // newest 7.2.x, not 7.20
  std::string msg = error_of("6.1");
  EXPECT_NE(msg.find("kernel fetch --version 6.1"), std::string::npos) << msg;
  EXPECT_NE(msg.find("7.20.1-amd64"), std::string::npos) << msg;  // lists what is cached
}

TEST_F(Resolve, ExplicitBzImageIsUnpackedOnceIntoCache) {
  fake::Bytes elf = fake::make_vmlinux();
  fs::path boot = tmp.path() / "boot";
  fake::write(boot / "vmlinuz-6.99.1-test", fake::make_bzimage(fake::zstd(elf), static_cast<uint32_t>(elf.size())));
  fake::write(boot / "config-6.99.1-test", fake::good_config());
  auto k = resolve((boot / "vmlinuz-6.99.1-test").string());
  EXPECT_EQ(k.version, "6.99.1-test");  // from the bzImage header
  EXPECT_EQ(k.bzimage, boot / "vmlinuz-6.99.1-test");
  EXPECT_EQ(k.config, boot / "config-6.99.1-test");
  EXPECT_EQ(k.vmlinux.parent_path().parent_path(), cache.root() / ".local");
  EXPECT_EQ(fs::file_size(k.vmlinux), elf.size());
  auto mtime = fs::last_write_time(k.vmlinux);
  auto again = resolve((boot / "vmlinuz-6.99.1-test").string());
  EXPECT_EQ(again.vmlinux, k.vmlinux);
  EXPECT_EQ(fs::last_write_time(again.vmlinux), mtime);  // reused, not re-extracted
  EXPECT_TRUE(cache.list().empty());                     // local images are not versioned entries

  // The directory form finds the same image.
  EXPECT_EQ(resolve(boot.string()).bzimage, boot / "vmlinuz-6.99.1-test");
}

TEST_F(Resolve, UnpackedDebianPackageDirectory) {
  fake::Bytes elf = fake::make_vmlinux();
  fs::path root = tmp.path() / "pkg";
  fs::path mod = root / "usr/lib/modules/7.2.13+deb14-amd64";
  fake::write(mod / "vmlinuz", fake::make_bzimage(fake::gzip(elf), static_cast<uint32_t>(elf.size()), 0x020f,
                                                  "7.2.13+deb14-amd64 (x) #1"));
  fake::write(mod / "config", fake::good_config());
  auto k = resolve(root.string());
  EXPECT_EQ(k.version, "7.2.13+deb14-amd64");
  EXPECT_EQ(k.config, mod / "config");
}

TEST_F(Resolve, KernelWithoutConfigIsAcceptedUnverified) {
  fs::path d = local_tree("nocfg", /*with_config=*/false);
  auto k = resolve((d / "vmlinux").string());
  EXPECT_TRUE(k.config.empty());
  EXPECT_TRUE(k.cfg.empty());
  EXPECT_EQ(k.version, "6.50.0-nocfg");
}

TEST_F(Resolve, MissingOptionRejectedUnlessCheckDisabled) {
  fs::path d = local_tree("nosched");
  fake::write(d / ".config", std::string("CONFIG_BPF_SYSCALL=y\n# CONFIG_SCHED_CLASS_EXT is not set\n"));
  std::string msg = error_of(d.string());
  EXPECT_NE(msg.find("CONFIG_SCHED_CLASS_EXT"), std::string::npos) << msg;
  EXPECT_NE(msg.find("CONFIG_PVH"), std::string::npos) << msg;
  ResolveOptions o;
  o.check_config = false;
  auto k = resolve(d.string(), o);
  auto j = describe_kernel(k);
  EXPECT_TRUE(j["options"]["CONFIG_SCHED_CLASS_EXT"].is_null());
  EXPECT_EQ(j["options"]["CONFIG_BPF_SYSCALL"], "y");
  EXPECT_FALSE(j["missing_options"].empty());
}

TEST_F(Resolve, BadImagesAreClearErrors) {
  fs::path d = local_tree("nopvh", true, /*pvh=*/false);
  EXPECT_NE(error_of(d.string()).find("PVH"), std::string::npos);
  EXPECT_NE(error_of((tmp.path() / "nope" / "vmlinux").string()).find("no such file"), std::string::npos);
  fake::write(tmp.path() / "junk", std::string(1000, 'j'));
  EXPECT_NE(error_of((tmp.path() / "junk").string()).find("neither an ELF vmlinux nor an x86 bzImage"),
            std::string::npos);
  fs::create_directories(tmp.path() / "emptydir");
  EXPECT_NE(error_of((tmp.path() / "emptydir").string()).find("holds no kernel"), std::string::npos);
  fake::Bytes elf = fake::make_vmlinux();
  fake::Bytes z = fake::zstd(elf);
  z.resize(z.size() / 2);
  fake::write(tmp.path() / "cut" / "bzImage", fake::make_bzimage(z, static_cast<uint32_t>(elf.size())));
  std::string msg = error_of((tmp.path() / "cut" / "bzImage").string());
  EXPECT_NE(msg.find("zstd"), std::string::npos) << msg;
  EXPECT_NE(msg.find((tmp.path() / "cut" / "bzImage").string()), std::string::npos) << msg;
}

TEST_F(Resolve, BuildTreePrefersItsVmlinux) {
  fs::path d = local_tree("tree");
  fake::Bytes elf = fake::make_vmlinux();
  fake::write(d / "arch/x86/boot/bzImage", fake::make_bzimage(fake::zstd(elf), static_cast<uint32_t>(elf.size())));
  auto k = resolve(d.string());
  EXPECT_EQ(k.vmlinux, d / "vmlinux");  // no extraction needed
  EXPECT_FALSE(fs::exists(cache.root() / ".local"));
  // The bzImage alone finds the tree's .config three levels up.
  auto bz = resolve((d / "arch/x86/boot/bzImage").string());
  EXPECT_EQ(bz.config, d / ".config");
}
