#pragma once
// What the monitor knows about a kernel before it boots: its symbols
// (decoded kallsyms), its types (BTF) and the banner bytes used to find and
// verify the image in guest RAM. Loaded once per vmlinux per process.
#include <filesystem>
#include <memory>
#include <string>

#include "monitor/btf_types.hpp"
#include "monitor/kallsyms.hpp"

namespace ktstr::monitor {

struct KernelImage {
  std::filesystem::path vmlinux;
  std::shared_ptr<const BtfTypes> btf;
  std::shared_ptr<const SymbolTable> symbols;
  std::string banner;  // linux_banner as linked, "Linux version ..."
  int hz = 250;        // CONFIG_HZ: jiffies per second

  // Throws Error naming what is missing (BTF, kallsyms, banner).
  static std::shared_ptr<const KernelImage> load(const std::filesystem::path& vmlinux, int hz);
};

}  // namespace ktstr::monitor
