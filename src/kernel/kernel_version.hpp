#pragma once
// Kernel version strings. A "version" is the kernel release as Debian spells
// it in package names and module paths, e.g. "7.2.13+deb14-amd64"; it is
// also the cache directory name.
#include <string_view>

namespace ktstr::kernel {

// The kernel ktstr boots when nothing else is asked for (ENVIRONMENT.md
// "Guest kernel": sched_ext, BTF and PVH built in). Change it only here.
inline constexpr std::string_view kDefaultKernelVersion = "7.2.13+deb14-amd64";
// Debian suite that carries the default kernel.
inline constexpr std::string_view kDefaultSuite = "sid";

// Orders kernel versions the way a human would: digit runs compare as
// numbers, everything else bytewise ("6.9" < "6.16" < "7.2.13+deb14").
// Returns <0, 0 or >0.
int compare_versions(std::string_view a, std::string_view b);

// A version string safe to use as a cache directory name.
bool is_valid_version(std::string_view version);

}  // namespace ktstr::kernel
