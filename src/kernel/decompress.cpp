#include "kernel/decompress.hpp"

#include <lz4.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "util/error.hpp"

namespace ktstr::kernel {
namespace {

constexpr size_t kChunk = size_t{1} << 20;

bool starts_with(std::span<const uint8_t> d, std::initializer_list<uint8_t> magic) {
  if (d.size() < magic.size()) return false;
  return std::equal(magic.begin(), magic.end(), d.begin());
}

uint32_t le32(const uint8_t* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

void grow(std::vector<uint8_t>& out, size_t& used, size_t limit, const char* fmt_name) {
  if (out.size() - used < kChunk / 2) {
    if (out.size() >= limit) fail("{} payload decompresses to more than {} MiB; corrupt image?", fmt_name, limit >> 20);
    // Geometric growth, but use reserved capacity (a size hint) in one go.
    size_t want = std::max(out.size() + std::max(kChunk, out.size() / 2), out.capacity());
    out.resize(std::min(limit, want));
  }
}

std::vector<uint8_t> unzstd(std::span<const uint8_t> in, size_t limit) {
  std::unique_ptr<ZSTD_DStream, decltype(&ZSTD_freeDStream)> ds(ZSTD_createDStream(), ZSTD_freeDStream);
  if (!ds) fail("zstd: out of memory");
  // The kernel's zstd frames use a large window (up to 2^27 with --ultra).
  ZSTD_DCtx_setParameter(ds.get(), ZSTD_d_windowLogMax, 31);
  std::vector<uint8_t> out;
  unsigned long long hint = ZSTD_getFrameContentSize(in.data(), in.size());
  if (hint != ZSTD_CONTENTSIZE_ERROR && hint != ZSTD_CONTENTSIZE_UNKNOWN && hint <= limit)
    out.reserve(static_cast<size_t>(hint) + kChunk);
  size_t used = 0;
  ZSTD_inBuffer ib{in.data(), in.size(), 0};
  while (true) {
    grow(out, used, limit, "zstd");
    ZSTD_outBuffer ob{out.data() + used, out.size() - used, 0};
    size_t r = ZSTD_decompressStream(ds.get(), &ob, &ib);
    used += ob.pos;
    if (ZSTD_isError(r)) fail("zstd payload is corrupt: {}", ZSTD_getErrorName(r));
    if (r == 0) break;  // end of frame; anything after it is trailer
    if (ib.pos == ib.size && ob.pos < ob.size) fail("zstd payload is truncated (stream ends mid-frame)");
  }
  out.resize(used);
  return out;
}

std::vector<uint8_t> unxz(std::span<const uint8_t> in, size_t limit, bool alone) {
  lzma_stream s = LZMA_STREAM_INIT;
  lzma_ret r = alone ? lzma_alone_decoder(&s, UINT64_MAX) : lzma_stream_decoder(&s, UINT64_MAX, 0);
  if (r != LZMA_OK) fail("xz: cannot initialise decoder ({})", static_cast<int>(r));
  std::unique_ptr<lzma_stream, decltype(&lzma_end)> guard(&s, lzma_end);
  const char* name = alone ? "lzma" : "xz";
  std::vector<uint8_t> out;
  size_t used = 0;
  s.next_in = in.data();
  s.avail_in = in.size();
  while (true) {
    grow(out, used, limit, name);
    s.next_out = out.data() + used;
    s.avail_out = out.size() - used;
    size_t before = s.avail_out;
    // LZMA_FINISH: all input is present, so running dry means truncation.
    r = lzma_code(&s, LZMA_FINISH);
    used += before - s.avail_out;
    if (r == LZMA_STREAM_END) break;
    if (r == LZMA_BUF_ERROR) fail("{} payload is truncated (stream ends early)", name);
    if (r != LZMA_OK) fail("{} payload is corrupt (liblzma error {})", name, static_cast<int>(r));
  }
  out.resize(used);
  return out;
}

std::vector<uint8_t> gunzip(std::span<const uint8_t> in, size_t limit) {
  z_stream z{};
  if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) fail("gzip: cannot initialise decoder");
  std::unique_ptr<z_stream, decltype(&inflateEnd)> guard(&z, inflateEnd);
  std::vector<uint8_t> out;
  size_t used = 0;
  z.next_in = const_cast<Bytef*>(in.data());
  z.avail_in = static_cast<uInt>(std::min<size_t>(in.size(), UINT32_MAX));
  while (true) {
    grow(out, used, limit, "gzip");
    z.next_out = out.data() + used;
    z.avail_out = static_cast<uInt>(std::min<size_t>(out.size() - used, UINT32_MAX));
    uInt before = z.avail_out;
    int r = inflate(&z, Z_NO_FLUSH);
    used += before - z.avail_out;
    if (r == Z_STREAM_END) break;
    if (r == Z_BUF_ERROR && z.avail_in == 0) fail("gzip payload is truncated (stream ends early)");
    if (r != Z_OK && r != Z_BUF_ERROR) fail("gzip payload is corrupt: {}", z.msg ? z.msg : "inflate error");
  }
  out.resize(used);
  return out;
}

// LZ4 legacy frame (what `lz4 -l` and the kernel emit): magic, then blocks
// of [u32 LE compressed size][data], each decoding to at most 8 MiB. There is
// no end marker; the stream ends when the input does, and the kernel build
// appends a 4-byte size after it, so a "block" that cannot fit is trailer.
std::vector<uint8_t> unlz4_legacy(std::span<const uint8_t> in, size_t limit) {
  constexpr uint32_t kMagic = 0x184C2102;
  constexpr size_t kBlock = size_t{8} << 20;
  const size_t max_compressed = static_cast<size_t>(LZ4_compressBound(static_cast<int>(kBlock)));
  std::vector<uint8_t> out;
  size_t pos = 4, used = 0, blocks = 0;
  while (in.size() - pos >= 4) {
    uint32_t n = le32(in.data() + pos);
    if (n == kMagic) {  // concatenated legacy streams
      pos += 4;
      continue;
    }
    if (n == 0 || n > max_compressed || n > in.size() - pos - 4) {
      if (blocks == 0)
        fail("lz4 payload is truncated or corrupt (first block size {} with {} bytes left)", n, in.size() - pos - 4);
      break;
    }
    pos += 4;
    if (used + kBlock > limit) fail("lz4 payload decompresses to more than {} MiB; corrupt image?", limit >> 20);
    out.resize(used + kBlock);
    int r =
        LZ4_decompress_safe(reinterpret_cast<const char*>(in.data() + pos), reinterpret_cast<char*>(out.data() + used),
                            static_cast<int>(n), static_cast<int>(kBlock));
    if (r < 0) fail("lz4 payload is corrupt (block {} at offset {} does not decode)", blocks, pos);
    used += static_cast<size_t>(r);
    pos += n;
    ++blocks;
  }
  if (blocks == 0) fail("lz4 payload is empty or truncated");
  out.resize(used);
  return out;
}

}  // namespace

std::string_view compression_name(Compression c) {
  switch (c) {
    case Compression::gzip:
      return "gzip";
    case Compression::xz:
      return "xz";
    case Compression::lzma:
      return "lzma";
    case Compression::zstd:
      return "zstd";
    case Compression::lz4:
      return "lz4";
    case Compression::bzip2:
      return "bzip2";
    case Compression::lzo:
      return "lzo";
    case Compression::unknown:
      break;
  }
  return "unknown";
}

Compression detect_compression(std::span<const uint8_t> d) {
  if (starts_with(d, {0x28, 0xb5, 0x2f, 0xfd})) return Compression::zstd;
  if (starts_with(d, {0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00})) return Compression::xz;
  if (starts_with(d, {0x1f, 0x8b})) return Compression::gzip;
  if (starts_with(d, {0x02, 0x21, 0x4c, 0x18})) return Compression::lz4;
  if (starts_with(d, {0x5d, 0x00, 0x00})) return Compression::lzma;
  if (starts_with(d, {0x42, 0x5a, 0x68})) return Compression::bzip2;
  if (starts_with(d, {0x89, 0x4c, 0x5a, 0x4f})) return Compression::lzo;
  return Compression::unknown;
}

std::vector<uint8_t> decompress(std::span<const uint8_t> data, Compression c, size_t limit) {
  switch (c) {
    case Compression::zstd:
      return unzstd(data, limit);
    case Compression::xz:
      return unxz(data, limit, false);
    case Compression::lzma:
      return unxz(data, limit, true);
    case Compression::gzip:
      return gunzip(data, limit);
    case Compression::lz4:
      return unlz4_legacy(data, limit);
    case Compression::bzip2:
    case Compression::lzo:
      fail(
          "{}-compressed kernels are not supported; rebuild with CONFIG_KERNEL_ZSTD (or XZ, GZIP, LZ4) "
          "or pass the uncompressed vmlinux",
          compression_name(c));
    case Compression::unknown:
      break;
  }
  fail("unknown compression format (magic bytes not recognised)");
}

}  // namespace ktstr::kernel
