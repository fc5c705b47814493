#pragma once
// Which kernel a run boots. Discovery order:
//   1. the explicit spec (--kernel): a vmlinux, a bzImage, a directory
//      holding them (kernel build tree, cache entry, unpacked package), or
//      a version found in the cache ("7.2.13+deb14-amd64", or a prefix
//      such as "7.2");
//   2. $KTSTR_KERNEL, same forms;
//   3. the cache: the default version if cached, else the newest;
//   4. with auto_fetch, `ktstr kernel fetch` of the default; otherwise an
//      error telling the user how to get a kernel.
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "kernel/kernel_cache.hpp"
#include "kernel/kernel_config.hpp"
#include "kernel/vmlinux_info.hpp"

namespace ktstr::kernel {

inline constexpr const char* kKernelEnvVar = "KTSTR_KERNEL";

struct Kernel {
  std::string version;             // release, e.g. "7.2.13+deb14-amd64"; file name if unknown
  std::filesystem::path vmlinux;   // uncompressed ELF that QEMU boots (always set)
  std::filesystem::path bzimage;   // compressed image it came from, empty if unknown
  std::filesystem::path config;    // kernel config, empty if none was found
  KernelConfig cfg;                // parsed config; empty if none
  VmlinuxInfo info;                // PVH entry, build id
  std::string found_by;            // "--kernel", "KTSTR_KERNEL", "cache", "fetch"
  std::optional<KernelMeta> meta;  // set for cache entries
};

struct ResolveOptions {
  bool auto_fetch = false;                   // step 4: fetch the default kernel instead of failing
  bool check_config = true;                  // reject kernels whose config lacks required options
  std::string explicit_origin = "--kernel";  // names the explicit spec in messages
};

// Throws Error (exit code 2) with a message saying what was tried and how
// to fix it: missing file, unknown version, corrupt image, missing options.
Kernel resolve_kernel(const std::optional<std::string>& explicit_spec, const ResolveOptions& opts = {});
Kernel resolve_kernel(const std::optional<std::string>& explicit_spec, const ResolveOptions& opts,
                      const KernelCache& cache);

// Machine-readable description (for `kernel show --json` and run records):
// version, paths, sizes, build id, PVH entry, required options' status.
nlohmann::json describe_kernel(const Kernel& k);

}  // namespace ktstr::kernel
