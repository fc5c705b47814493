#pragma once
// Internal: a spec flattened into the exact list of archive entries (closure
// resolved, clashes settled), which is both what gets hashed for the cache key
// and what gets written. Busybox applet links are the exception: they are
// derived from the busybox binary (part of the key) and listed only when
// writing, so a cache hit does not need to run busybox.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "initramfs/initramfs_builder.hpp"

namespace ktstr::initramfs {

struct PlanItem {
  Entry::Kind kind;
  std::string guest;  // normalized, no leading '/'
  uint32_t mode;
  std::filesystem::path host;  // host_file
  std::string data;            // bytes / symlink target
};

struct Plan {
  std::vector<PlanItem> items;
  std::optional<std::filesystem::path> busybox;
  Compression compression = Compression::none;
  bool skeleton = true;
};

Plan make_plan(const InitramfsSpec& spec);
std::string plan_key(const Plan& plan);
// Writes the cpio archive (uncompressed); returns the entry count.
size_t write_plan(const Plan& plan, std::string& out);

}  // namespace ktstr::initramfs
