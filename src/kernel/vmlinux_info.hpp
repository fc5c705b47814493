#pragma once
// What ktstr needs to know about an uncompressed kernel (vmlinux) before
// handing it to QEMU: that it is a complete x86-64 ELF, and that it carries
// the PVH entry note — QEMU's direct ELF boot jumps to that entry point.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ktstr::kernel {

struct VmlinuxInfo {
  std::optional<uint64_t> pvh_entry;  // XEN_ELFNOTE_PHYS32_ENTRY ("Xen", type 18)
  std::string build_id;               // NT_GNU_BUILD_ID as hex, "" if none
  std::string release;                // from the "Linux version ..." banner, "" if not searched/found
};

bool looks_like_elf(std::span<const uint8_t> data);

// Validates the ELF header and that every segment and the section table lie
// inside the file (so a truncated decompression is caught), then reads the
// notes. With find_release, also scans for the banner (tens of ms on 60 MB).
// Throws Error for anything that is not a complete ELF64 x86-64 file.
VmlinuxInfo inspect_vmlinux(std::span<const uint8_t> elf, bool find_release = false);
VmlinuxInfo inspect_vmlinux_file(const std::filesystem::path& p, bool find_release = false);

// Throws Error explaining PVH if the note is missing; `what` names the kernel.
void require_pvh(const VmlinuxInfo& info, std::string_view what);

}  // namespace ktstr::kernel
