#pragma once
// Decompressors for the payload formats x86 kernels are built with. Each
// stops at the end of the first compressed stream: the kernel build appends
// bytes after it (the uncompressed size), and those are not an error.
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace ktstr::kernel {

enum class Compression { unknown, gzip, xz, lzma, zstd, lz4, bzip2, lzo };

std::string_view compression_name(Compression c);
// Identifies the format by its magic bytes.
Compression detect_compression(std::span<const uint8_t> data);

// Decompresses `data` in format `c`. Throws Error on corrupt or truncated
// input and for formats ktstr has no decoder for (bzip2, lzo). `limit`
// bounds the output so a corrupt stream cannot exhaust memory.
std::vector<uint8_t> decompress(std::span<const uint8_t> data, Compression c, size_t limit = size_t{2} << 30);

}  // namespace ktstr::kernel
