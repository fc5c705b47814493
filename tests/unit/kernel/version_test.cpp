#include <gtest/gtest.h>

#include "kernel/debian_packages.hpp"
#include "kernel/kernel_version.hpp"

using namespace ktstr::kernel;

TEST(KernelVersion, ComparesNumericRunsAsNumbers) {
  EXPECT_LT(compare_versions("6.9", "6.16"), 0);
  EXPECT_LT(compare_versions("6.16.12+deb13-amd64", "7.2.13+deb14-amd64"), 0);
  EXPECT_GT(compare_versions("7.2.13+deb14-amd64", "7.2.9+deb14-amd64"), 0);
  EXPECT_EQ(compare_versions("6.1.0-37-amd64", "6.1.0-37-amd64"), 0);
  EXPECT_LT(compare_versions("6.1", "6.1.0"), 0);
  EXPECT_EQ(compare_versions("007", "7"), 0);
  EXPECT_GT(compare_versions("99999999999999999999999", "1"), 0);  // no overflow
}

TEST(KernelVersion, ValidVersionsAreSafeDirectoryNames) {
  EXPECT_TRUE(is_valid_version("7.2.13+deb14-amd64"));
  EXPECT_FALSE(is_valid_version(""));
  EXPECT_FALSE(is_valid_version(".."));
  EXPECT_FALSE(is_valid_version("../etc"));
  EXPECT_FALSE(is_valid_version("a/b"));
  EXPECT_FALSE(is_valid_version(".staging-x"));
}

TEST(DebianPackages, VersionFromPackageName) {
  EXPECT_EQ(version_from_package("linux-binary-7.2.13+deb14-amd64"), "7.2.13+deb14-amd64");
  EXPECT_EQ(version_from_package("linux-image-6.16.12+deb13-amd64"), "6.16.12+deb13-amd64");
  EXPECT_EQ(version_from_package("linux-image-amd64"), std::nullopt);  // meta package
  EXPECT_EQ(version_from_package("linux-binary-7.2.13+deb14-cloud-amd64"), std::nullopt);
  EXPECT_EQ(version_from_package("linux-binary-7.2.13+deb14-rt-amd64"), std::nullopt);
  EXPECT_EQ(version_from_package("linux-image-6.1.0-37-amd64-unsigned"), std::nullopt);
  EXPECT_EQ(version_from_package("linux-image-6.1.0-37-amd64-dbg"), std::nullopt);
  EXPECT_EQ(version_from_package("linux-base-7.2.13+deb14-amd64"), std::nullopt);
}

TEST(DebianPackages, LatestPrefersLinuxBinary) {
  std::vector<std::string> sid = {"linux-binary-7.2.13+deb14-amd64", "linux-binary-7.2.13+deb14-cloud-amd64",
                                  "linux-binary-7.2.9+deb14-amd64", "linux-image-7.3.1+deb14-amd64",
                                  "linux-binary-7.2.13+deb14-rt-amd64"};
  EXPECT_EQ(pick_latest_version(sid), "7.2.13+deb14-amd64");
  std::vector<std::string> old = {"linux-image-6.16.12+deb13-amd64", "linux-image-6.17.8+deb13-amd64",
                                  "linux-image-6.17.8+deb13-cloud-amd64", "linux-image-amd64"};
  EXPECT_EQ(pick_latest_version(old), "6.17.8+deb13-amd64");
  EXPECT_EQ(pick_latest_version({"linux-image-amd64"}), std::nullopt);
}

constexpr const char* kRecords =
    "Package: linux-base-7.2.13+deb14-amd64\nVersion: 7.2.13-1\nSize: 469412\nDescription: base\n\n"
    "Package: linux-binary-7.2.13+deb14-amd64\nVersion: 7.2.13-1\nSize: 14252084\n"
    "Description: Linux 7.2.13\n image\n\n"
    "Package: linux-binary-7.2.13+deb14-amd64\nVersion: 7.2.12-1\nSize: 1\n\n"
    "Package: linux-image-7.2.13+deb14-amd64\nVersion: 7.2.13-1\nSize: 1892\n\n"
    "Package: linux-image-6.17.8+deb13-amd64\nVersion: 6.17.8-1~bpo13+1\nSize: 15000000\n";

TEST(DebianPackages, ParsesAptRecordsKeepingHighestVersion) {
  auto r = parse_package_records(kRecords);
  ASSERT_EQ(r.size(), 4u);
  auto bin = std::find_if(r.begin(), r.end(), [](auto& p) { return p.name == "linux-binary-7.2.13+deb14-amd64"; });
  ASSERT_NE(bin, r.end());
  EXPECT_EQ(bin->version, "7.2.13-1");
  EXPECT_EQ(bin->size, 14252084u);
}

TEST(DebianPackages, PlansNewAndOldNaming) {
  auto r = parse_package_records(kRecords);
  auto plan = plan_packages(r, "7.2.13+deb14-amd64");
  ASSERT_EQ(plan.size(), 2u);
  EXPECT_EQ(plan[0].name, "linux-binary-7.2.13+deb14-amd64");
  EXPECT_EQ(plan[1].name, "linux-base-7.2.13+deb14-amd64");
  auto old = plan_packages(r, "6.17.8+deb13-amd64");
  ASSERT_EQ(old.size(), 1u);
  EXPECT_EQ(old[0].name, "linux-image-6.17.8+deb13-amd64");
  EXPECT_TRUE(plan_packages(r, "5.10.0-1-amd64").empty());
  EXPECT_EQ(available_versions(r), (std::vector<std::string>{"7.2.13+deb14-amd64", "6.17.8+deb13-amd64"}));
}
