#pragma once
// Compression of cpio archives into formats the kernel's initramfs unpacker
// (init/initramfs.c unpack_to_rootfs) accepts.
//
// Concatenation: the kernel unpacks an initrd as a sequence of segments, each
// either an uncompressed newc cpio or one compressed stream, in any mix
// (e.g. a cached zstd base followed by a small uncompressed per-run cpio).
// Later entries overwrite earlier ones. Rules the kernel imposes:
//  * NUL bytes between segments are skipped;
//  * an uncompressed cpio must start at an offset that is a multiple of 4
//    (counted from the end of the previous segment), so compress() pads its
//    output with NULs to a multiple of 4 bytes — plain concatenation of
//    compress() results and finished cpio archives is therefore always valid;
//  * a compressed stream must end exactly after a cpio TRAILER!!! entry.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ktstr::initramfs {

enum class Compression { none, gzip, lz4, zstd };

// "none", "gzip", "lz4", "zstd".
std::string_view compression_name(Compression c);
// Parses the names above (plus "gz", "zst"); nullopt if unknown.
std::optional<Compression> parse_compression(std::string_view s);
// Cache file suffix: "", ".gz", ".lz4", ".zst".
std::string_view compression_extension(Compression c);

// The legacy LZ4 format ("lz4 -l"), which is what the kernel reads:
// magic 0x184C2102 (LE), then blocks of [u32 LE compressed size][LZ4 block],
// each block holding at most 8 MiB of input (the kernel's fixed output chunk).
constexpr uint32_t kLz4LegacyMagic = 0x184C2102;
constexpr size_t kLz4LegacyBlock = 8u << 20;

// Compresses `data` (a finished cpio archive) and pads to a multiple of 4.
// Compression::none returns the input unchanged.
std::string compress(std::string_view data, Compression c);

}  // namespace ktstr::initramfs
