#include <gtest/gtest.h>
#include <zlib.h>
#define ZSTD_STATIC_LINKING_ONLY  // ZSTD_getFrameHeader, exported by libzstd
#include <zstd.h>

#include <random>

#include "initramfs/compression.hpp"
#include "initramfs/cpio_writer.hpp"
#include "unit/initramfs/helpers.hpp"

using namespace ktstr::initramfs;
using ktstr::test::le32;
using ktstr::test::lz4_legacy_decode;
using ktstr::test::parse_cpio;

namespace {

// Semi-compressible data larger than two 8 MiB lz4 legacy blocks.
std::string sample(size_t n) {
  std::mt19937 rng(42);
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>(i % 64 < 40 ? 'a' + i % 7 : rng() & 0xff);
  return s;
}

std::string gunzip(const std::string& in, size_t* consumed) {
  z_stream zs{};
  EXPECT_EQ(inflateInit2(&zs, 15 + 16), Z_OK);
  std::string out;
  char buf[1 << 16];
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  int rc;
  do {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    EXPECT_TRUE(rc == Z_OK || rc == Z_STREAM_END) << rc;
    out.append(buf, sizeof buf - zs.avail_out);
  } while (rc == Z_OK);
  *consumed = zs.total_in;
  inflateEnd(&zs);
  return out;
}

void expect_nul_padding(const std::string& c, size_t consumed) {
  EXPECT_EQ(c.size() % 4, 0u);
  ASSERT_LE(consumed, c.size());
  for (size_t i = consumed; i < c.size(); ++i) EXPECT_EQ(c[i], '\0') << i;
}

}  // namespace

TEST(Compression, Names) {
  for (auto c : {Compression::none, Compression::gzip, Compression::lz4, Compression::zstd})
    EXPECT_EQ(parse_compression(compression_name(c)), c);
  EXPECT_EQ(parse_compression("zst"), Compression::zstd);
  EXPECT_FALSE(parse_compression("xz").has_value());
  EXPECT_EQ(compression_extension(Compression::lz4), ".lz4");
  EXPECT_EQ(compression_extension(Compression::none), "");
}

TEST(Compression, NoneIsIdentity) { EXPECT_EQ(compress("abc", Compression::none), "abc"); }

TEST(Compression, GzipRoundTrip) {
  std::string in = sample(3 << 20);
  std::string c = compress(in, Compression::gzip);
  ASSERT_GE(c.size(), 10u);
  // The kernel's gunzip insists on 1f 8b 08 and skips a file name if flagged.
  EXPECT_EQ(static_cast<uint8_t>(c[0]), 0x1f);
  EXPECT_EQ(static_cast<uint8_t>(c[1]), 0x8b);
  EXPECT_EQ(c[2], 8);
  size_t consumed = 0;
  EXPECT_TRUE(gunzip(c, &consumed) == in);
  expect_nul_padding(c, consumed);
  EXPECT_LT(c.size(), in.size());
}

TEST(Compression, ZstdRoundTripWithSmallWindow) {
  std::string in = sample(20 << 20);
  std::string c = compress(in, Compression::zstd);
  ZSTD_frameHeader fh;
  ASSERT_EQ(ZSTD_getFrameHeader(&fh, c.data(), c.size()), 0u);
  EXPECT_LE(fh.windowSize, 8ull << 20);  // bounded kernel-side allocation
  size_t frame = ZSTD_findFrameCompressedSize(c.data(), c.size());
  ASSERT_FALSE(ZSTD_isError(frame));
  expect_nul_padding(c, frame);
  std::string out(in.size(), '\0');
  size_t n = ZSTD_decompress(out.data(), out.size(), c.data(), frame);
  ASSERT_FALSE(ZSTD_isError(n)) << ZSTD_getErrorName(n);
  EXPECT_EQ(n, in.size());
  EXPECT_TRUE(out == in);
}

TEST(Compression, Lz4LegacyRoundTripInBlocks) {
  std::string in = sample(17 << 20);  // three blocks: 8 + 8 + 1 MiB
  std::string c = compress(in, Compression::lz4);
  EXPECT_EQ(le32(c, 0), kLz4LegacyMagic);
  size_t consumed = 0, max_block = 0;
  EXPECT_TRUE(lz4_legacy_decode(c, &consumed, &max_block) == in);
  EXPECT_EQ(max_block, kLz4LegacyBlock);
  // A zero block size terminates the stream so a following segment is not
  // mistaken for another block.
  ASSERT_GE(c.size(), consumed + 4);
  EXPECT_EQ(le32(c, consumed), 0u);
  expect_nul_padding(c, consumed);
}

// A compressed base followed by an uncompressed overlay, split the way the
// kernel's unpack_to_rootfs does: decompress one stream, skip NULs, then the
// next cpio must start 4-aligned.
TEST(Compression, ConcatenatedSegmentsSplitCleanly) {
  std::string base, overlay;
  {
    CpioWriter w(string_sink(base));
    w.add_file("/base", std::string(100000, 'b'));
    w.finish();
    CpioWriter o(string_sink(overlay));
    o.add_file("/run.json", "{}");
    o.finish();
  }
  for (auto c : {Compression::gzip, Compression::lz4, Compression::zstd}) {
    std::string img = compress(base, c) + overlay;
    size_t consumed = 0;
    std::string first;
    if (c == Compression::gzip) first = gunzip(img, &consumed);
    if (c == Compression::lz4) first = lz4_legacy_decode(img, &consumed);
    if (c == Compression::zstd) {
      consumed = ZSTD_findFrameCompressedSize(img.data(), img.size());
      first.resize(base.size());
      ZSTD_decompress(first.data(), first.size(), img.data(), consumed);
    }
    EXPECT_TRUE(first == base) << compression_name(c);
    size_t off = consumed;
    while (off < img.size() && img[off] == '\0') ++off;
    EXPECT_EQ(off % 4, 0u) << compression_name(c);
    auto es = parse_cpio(img.substr(off));
    EXPECT_EQ(es.front().name, "run.json") << compression_name(c);
  }
}
