#pragma once
// `ktstr kernel fetch`: download a Debian kernel with apt (no system
// install), unpack it, extract the bootable vmlinux and cache the result.
#include <filesystem>
#include <string>

#include "kernel/kernel_cache.hpp"
#include "kernel/kernel_version.hpp"

namespace ktstr::kernel {

inline constexpr std::string_view kLatest = "latest";

struct FetchOptions {
  std::string version{kDefaultKernelVersion};  // or "latest": newest the suite offers
  std::string suite{kDefaultSuite};
  bool force = false;  // download again even if cached
};

// Private apt state (package lists per suite): <cache_root()>/apt.
std::filesystem::path apt_state_root();

// Returns the cached entry (immediately if already cached and !force).
// Progress goes to stderr. Throws Error if apt fails, the suite does not
// offer the version (the message lists what it does offer), the image
// cannot be extracted, or the kernel lacks options ktstr needs.
CachedKernel fetch_kernel(const FetchOptions& opts, const KernelCache& cache);
CachedKernel fetch_kernel(const FetchOptions& opts);

}  // namespace ktstr::kernel
