#pragma once
// A statically linked busybox gives the guest a shell and coreutils without
// pulling in any libraries.
#include <filesystem>
#include <string>
#include <vector>

namespace ktstr::initramfs {

// The host's static busybox (checked with the ELF reader). Throws
// ktstr::Error telling the user to install busybox-static if there is none,
// or if the busybox found is dynamically linked.
std::filesystem::path find_static_busybox();

// Applet names from `<busybox> --list` (e.g. "sh", "ls", "[").
std::vector<std::string> busybox_applets(const std::filesystem::path& busybox);

}  // namespace ktstr::initramfs
