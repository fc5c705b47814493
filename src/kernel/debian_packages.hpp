#pragma once
// How Debian packages its kernels. Two namings exist:
//   new (sid, 7.x):  linux-binary-<ver> (usr/lib/modules/<ver>/vmlinuz) +
//                    linux-base-<ver>   (usr/lib/modules/<ver>/config);
//                    linux-image-<ver> is then only a meta package.
//   old:             linux-image-<ver>  (boot/vmlinuz-<ver>, boot/config-<ver>)
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ktstr::kernel {

struct PackageRecord {
  std::string name;
  std::string version;  // Debian package version, e.g. "7.2.13-1"
  uint64_t size = 0;    // .deb size in bytes
};

// Parses apt-cache's full records (`apt-cache show`, `search --full`),
// keeping the highest version of each package.
std::vector<PackageRecord> parse_package_records(std::string_view text);

// apt-cache regex matching every package plan_packages() may need.
inline constexpr std::string_view kKernelPackageRegex = "^linux-(binary|base|image)-[0-9].*-amd64$";

// Kernel flavour we can boot: plain "-amd64" (not -cloud-amd64, -rt-amd64).
bool is_generic_amd64(std::string_view version);

// "linux-binary-7.2.13+deb14-amd64" -> "7.2.13+deb14-amd64" (also the
// linux-image-<ver> naming). nullopt for meta packages like
// "linux-image-amd64", -dbg/-unsigned packages and other flavours.
std::optional<std::string> version_from_package(std::string_view package);

// Newest bootable version among `packages`. Prefers linux-binary-*; uses
// linux-image-* only when there is no linux-binary-* at all.
std::optional<std::string> pick_latest_version(const std::vector<std::string>& packages);

// Bootable versions offered, newest first.
std::vector<std::string> available_versions(const std::vector<PackageRecord>& records);

// Packages to download for `version`: linux-binary + linux-base if offered,
// else linux-image. Empty if the version is not offered.
std::vector<PackageRecord> plan_packages(const std::vector<PackageRecord>& records, std::string_view version);

}  // namespace ktstr::kernel
