#include <gtest/gtest.h>

#include "fake_kernel.hpp"
#include "kernel/kernel_config.hpp"
#include "util/error.hpp"

using namespace ktstr::kernel;

TEST(KernelConfig, ParsesAllValueForms) {
  auto cfg = KernelConfig::parse(
      "# comment\nCONFIG_A=y\nCONFIG_B=m\nCONFIG_HZ=1000\nCONFIG_S=\"a \\\"q\\\" b\"\n"
      "# CONFIG_C is not set\nCONFIG_HEX=0x10\r\nnot a config line\nCONFIG_D=y\n# CONFIG_D is not set\n");
  EXPECT_EQ(cfg.get("CONFIG_A"), "y");
  EXPECT_EQ(cfg.get("A"), "y");  // prefix optional
  EXPECT_EQ(cfg.get("B"), "m");
  EXPECT_EQ(cfg.get("HZ"), "1000");
  EXPECT_EQ(cfg.get("S"), "a \"q\" b");
  EXPECT_EQ(cfg.get("HEX"), "0x10");
  EXPECT_EQ(cfg.get("C"), std::nullopt);
  EXPECT_EQ(cfg.get("D"), std::nullopt);  // later "is not set" wins
  EXPECT_TRUE(cfg.builtin("A"));
  EXPECT_FALSE(cfg.builtin("B"));
}

TEST(KernelConfig, GoodConfigMeetsRequirements) {
  auto cfg = KernelConfig::parse(fake::good_config());
  EXPECT_TRUE(missing_requirements(cfg).empty());
  EXPECT_NO_THROW(check_requirements(cfg, "test"));
}

TEST(KernelConfig, MissingOptionsAreNamedWithReasons) {
  std::string text = fake::good_config();
  text.replace(text.find("CONFIG_SCHED_CLASS_EXT=y"), 24, "# CONFIG_SCHED_CLASS_EXT is not set");
  text.replace(text.find("CONFIG_DEVMEM=y"), 15, "CONFIG_DEVMEM=m");
  auto cfg = KernelConfig::parse(text);
  auto missing = missing_requirements(cfg);
  ASSERT_EQ(missing.size(), 2u);
  EXPECT_EQ(missing[0].option, "CONFIG_SCHED_CLASS_EXT");
  EXPECT_EQ(missing[1].option, "CONFIG_DEVMEM");
  try {
    check_requirements(cfg, "6.1.0-37-amd64");
    FAIL() << "expected Error";
  } catch (const ktstr::Error& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("6.1.0-37-amd64"), std::string::npos) << msg;
    EXPECT_NE(msg.find("CONFIG_SCHED_CLASS_EXT=y (currently not set)"), std::string::npos) << msg;
    EXPECT_NE(msg.find("sched_ext"), std::string::npos) << msg;
    EXPECT_NE(msg.find("CONFIG_DEVMEM=y (currently m)"), std::string::npos) << msg;
    EXPECT_NE(msg.find("/dev/mem"), std::string::npos) << msg;
    EXPECT_EQ(msg.find("CONFIG_PVH"), std::string::npos) << msg;
  }
}

TEST(KernelConfig, EveryRequirementHasAReason) {
  for (const auto& r : required_options()) {
    EXPECT_EQ(r.option.rfind("CONFIG_", 0), 0u);
    EXPECT_FALSE(r.why.empty()) << r.option;
  }
}
