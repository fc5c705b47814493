#include "monitor/kernel_image.hpp"

#include <cstring>

#include "elf/elf_file.hpp"
#include "util/error.hpp"

namespace ktstr::monitor {

std::shared_ptr<const KernelImage> KernelImage::load(const std::filesystem::path& vmlinux, int hz) {
  if (hz <= 0) fail("CONFIG_HZ must be positive, got {}", hz);
  auto img = std::make_shared<KernelImage>();
  img->vmlinux = vmlinux;
  img->hz = hz;
  img->btf = BtfTypes::load(vmlinux);
  img->symbols = SymbolTable::load(vmlinux);
  uint64_t banner_va = img->symbols->require("linux_banner");
  elf::ElfFile elf = elf::ElfFile::open(vmlinux);
  auto bytes = elf.at_addr(banner_va, 64);
  if (bytes.empty()) fail("{}: linux_banner is not in the file's sections", vmlinux.string());
  size_t n = strnlen(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  img->banner.assign(reinterpret_cast<const char*>(bytes.data()), n);
  if (img->banner.rfind("Linux version ", 0) != 0)
    fail("{}: linux_banner does not start with 'Linux version' (kallsyms decoded wrongly?)", vmlinux.string());
  return img;
}

}  // namespace ktstr::monitor
