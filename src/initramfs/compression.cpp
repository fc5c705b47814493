#include "initramfs/compression.hpp"

#include <lz4.h>
#include <lz4hc.h>
#include <zlib.h>
#include <zstd.h>

#include "util/error.hpp"

namespace ktstr::initramfs {
namespace {

// Levels trade build time (paid once per cache miss, since archives are
// cached) against bytes the guest kernel decompresses on every boot. All are
// moderate: the maximum levels cost seconds for a few percent.
constexpr int kGzipLevel = 6;
constexpr int kZstdLevel = 9;
constexpr int kLz4HcLevel = LZ4HC_CLEVEL_DEFAULT;
// The kernel's streaming zstd decompressor vmallocs a buffer the size of the
// frame's window; 8 MiB keeps that small for VMs with little memory.
constexpr int kZstdWindowLog = 23;

void put_le32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}

std::string gzip(std::string_view in) {
  if (in.size() > UINT32_MAX) fail("initramfs: archive too large for gzip");
  z_stream zs{};
  // windowBits 15 + 16 selects the gzip wrapper (10-byte header without a
  // file name, CRC32 + size trailer), as the kernel's gunzip expects.
  if (deflateInit2(&zs, kGzipLevel, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    fail("initramfs: zlib deflateInit2 failed");
  std::string out(deflateBound(&zs, in.size()), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);
  size_t produced = zs.total_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) fail("initramfs: gzip compression failed ({})", rc);
  out.resize(produced);
  return out;
}

std::string lz4_legacy(std::string_view in) {
  std::string out;
  put_le32(out, kLz4LegacyMagic);
  std::string block(static_cast<size_t>(LZ4_compressBound(static_cast<int>(kLz4LegacyBlock))),
                    '\0');
  for (size_t off = 0; off < in.size(); off += kLz4LegacyBlock) {
    int n = static_cast<int>(std::min(kLz4LegacyBlock, in.size() - off));
    int c = LZ4_compress_HC(in.data() + off, block.data(), n, static_cast<int>(block.size()),
                            kLz4HcLevel);
    if (c <= 0) fail("initramfs: lz4 compression failed");
    put_le32(out, static_cast<uint32_t>(c));
    out.append(block.data(), static_cast<size_t>(c));
  }
  // The legacy format has no end marker; the kernel reads blocks until its
  // input ends, or until a zero block size. Without this terminator a
  // segment appended after us would be parsed as another lz4 block.
  put_le32(out, 0);
  return out;
}

std::string zstd(std::string_view in) {
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  if (!cctx) fail("initramfs: out of memory creating zstd context");
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, kZstdLevel);
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_windowLog, kZstdWindowLog);
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
  std::string out(ZSTD_compressBound(in.size()), '\0');
  size_t n = ZSTD_compress2(cctx, out.data(), out.size(), in.data(), in.size());
  ZSTD_freeCCtx(cctx);
  if (ZSTD_isError(n)) fail("initramfs: zstd compression failed: {}", ZSTD_getErrorName(n));
  out.resize(n);
  return out;
}

}  // namespace

std::string_view compression_name(Compression c) {
  switch (c) {
    case Compression::none: return "none";
    case Compression::gzip: return "gzip";
    case Compression::lz4: return "lz4";
    case Compression::zstd: return "zstd";
  }
  return "?";
}

std::optional<Compression> parse_compression(std::string_view s) {
  if (s == "none") return Compression::none;
  if (s == "gzip" || s == "gz") return Compression::gzip;
  if (s == "lz4") return Compression::lz4;
  if (s == "zstd" || s == "zst") return Compression::zstd;
  return std::nullopt;
}

std::string_view compression_extension(Compression c) {
  switch (c) {
    case Compression::none: return "";
    case Compression::gzip: return ".gz";
    case Compression::lz4: return ".lz4";
    case Compression::zstd: return ".zst";
  }
  return "";
}

std::string compress(std::string_view data, Compression c) {
  std::string out;
  switch (c) {
    case Compression::none: return std::string(data);
    case Compression::gzip: out = gzip(data); break;
    case Compression::lz4: out = lz4_legacy(data); break;
    case Compression::zstd: out = zstd(data); break;
  }
  out.resize((out.size() + 3) & ~size_t{3}, '\0');
  return out;
}

}  // namespace ktstr::initramfs
