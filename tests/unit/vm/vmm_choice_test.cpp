// --vmm parsing and the choice on this machine.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "util/error.hpp"
#include "vm/vmm_choice.hpp"
#include "support/ktstr_test_support.hpp"

using namespace ktstr::vm;

TEST(VmmChoice, ParsesTheThreeNames) {
  EXPECT_EQ(parse_vmm("auto"), Vmm::Auto);
  EXPECT_EQ(parse_vmm("kvm"), Vmm::Kvm);
  EXPECT_EQ(parse_vmm("qemu"), Vmm::Qemu);
  EXPECT_FALSE(parse_vmm("firecracker"));
  EXPECT_FALSE(parse_vmm(""));
}

TEST(VmmChoice, EnvironmentDefaultIsValidated) {
  ::setenv("KTSTR_VMM", "qemu", 1);
  EXPECT_EQ(default_vmm(), Vmm::Qemu);
  ::setenv("KTSTR_VMM", "bhyve", 1);
  EXPECT_KTSTR_ERROR(default_vmm(), "KTSTR_VMM must be auto, kvm or qemu, got 'bhyve'");
  ::unsetenv("KTSTR_VMM");
  EXPECT_EQ(default_vmm(), Vmm::Auto);
}

TEST(VmmChoice, OnTheSoftwareKvmModuleAutoIsQemuAndKvmIsRefused) {
  if (!std::filesystem::exists("/sys/module/kvm_pvm")) GTEST_SKIP() << "this /dev/kvm is not the kvm_pvm module";
  if (std::getenv("KTSTR_ACCEL")) GTEST_SKIP() << "KTSTR_ACCEL overrides the detection";
  auto a = choose_vmm(Vmm::Auto);
  EXPECT_EQ(a.vmm, Vmm::Qemu);
  EXPECT_TRUE(a.emulated);
  EXPECT_NE(a.reason.find("kvm_pvm"), std::string::npos) << a.reason;
  try {
    choose_vmm(Vmm::Kvm);
    FAIL() << "--vmm kvm accepted on kvm_pvm";
  } catch (const ktstr::Error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("needs hardware KVM"), std::string::npos) << m;
    EXPECT_EQ(m.find("using QEMU TCG"), std::string::npos) << "must not claim a fallback it does not do: " << m;
  }
}
