#pragma once
// Debug info is most of a RelWithDebInfo binary (ktstr: 33 MB of 36) and the
// guest kernel has to copy every byte of the initramfs, so binaries are packed
// as debug-stripped copies cached next to the initramfs archives.
#include <filesystem>

namespace ktstr::initramfs {

// Path of a copy of `binary` without debug sections (objcopy --strip-debug;
// symbols stay so backtraces still name functions). Returns `binary` itself
// when it has no debug sections or objcopy is not installed.
std::filesystem::path stripped_copy(const std::filesystem::path& binary);

}  // namespace ktstr::initramfs
