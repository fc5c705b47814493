#include "kernel/bzimage.hpp"

#include <gtest/gtest.h>

#include "fake_kernel.hpp"
#include "kernel/decompress.hpp"
#include "kernel/vmlinux_info.hpp"
#include "util/error.hpp"
#include "support/ktstr_test_support.hpp"

using namespace ktstr::kernel;
using fake::Bytes;

namespace {

using ktstr::test::error_of;

struct Format {
  const char* name;
  Compression c;
  Bytes (*compress)(const Bytes&);
};

class BzImageFormats : public ::testing::TestWithParam<Format> {};

}  // namespace

TEST_P(BzImageFormats, ExtractsVmlinuxIgnoringTrailer) {
  Bytes elf = fake::make_vmlinux();
  Bytes img = fake::make_bzimage(GetParam().compress(elf), static_cast<uint32_t>(elf.size()));
  auto h = parse_bzimage_header(img);
  EXPECT_EQ(h.compression, GetParam().c);
  EXPECT_EQ(h.setup_sects, 1u);
  EXPECT_EQ(h.protocol, 0x020f);
  EXPECT_EQ(h.payload_start, 2u * 512 + 0x40);
  EXPECT_EQ(h.release(), "6.99.1-test");
  EXPECT_EQ(extract_vmlinux(img), elf);
}

TEST_P(BzImageFormats, TruncatedPayloadIsAnError) {
  Bytes elf = fake::make_vmlinux();
  Bytes z = GetParam().compress(elf);
  z.resize(z.size() * 2 / 3);  // cut the stream, then wrap it as if complete
  Bytes img = fake::make_bzimage(z, static_cast<uint32_t>(elf.size()));
  std::string msg = error_of([&] { extract_vmlinux(img); });
  // The 4-byte trailer now follows the cut, so a decoder may see it as bad
  // data rather than a short stream; either way the message must say so.
  EXPECT_NE(msg.find(GetParam().name), std::string::npos) << msg;
  EXPECT_TRUE(msg.find("truncated") != std::string::npos || msg.find("corrupt") != std::string::npos) << msg;
}

TEST_P(BzImageFormats, CorruptPayloadIsAnError) {
  Bytes elf = fake::make_vmlinux();
  Bytes z = GetParam().compress(elf);
  for (size_t i = 12; i < z.size(); i += 7) z[i] ^= 0x5a;  // keep the magic, wreck the rest
  Bytes img = fake::make_bzimage(z, static_cast<uint32_t>(elf.size()));
  // Each decoder names its format; xz calls a wrecked stream "truncated".
  EXPECT_KTSTR_ERROR(extract_vmlinux(img), std::string(GetParam().name) + " payload is ");
}

INSTANTIATE_TEST_SUITE_P(Kernel, BzImageFormats,
                         ::testing::Values(Format{"zstd", Compression::zstd, fake::zstd},
                                           Format{"xz", Compression::xz, fake::xz},
                                           Format{"gzip", Compression::gzip, fake::gzip},
                                           Format{"lz4", Compression::lz4, fake::lz4_legacy}),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(BzImage, Lz4LegacyMultipleBlocks) {
  // More than one 8 MiB block, so block boundaries are exercised.
  Bytes big((size_t{8} << 20) + 12345);
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<uint8_t>(i * 2654435761u >> 13);
  Bytes z = fake::lz4_legacy(big);
  z.insert(z.end(), {0x11, 0x22, 0x33, 0x44});  // appended size, like the kernel build
  EXPECT_EQ(decompress(z, Compression::lz4), big);
}

TEST(BzImage, BadMagic) {
  Bytes junk(4096, 0x41);
  EXPECT_FALSE(looks_like_bzimage(junk));
  EXPECT_NE(error_of([&] { parse_bzimage_header(junk); }).find("HdrS"), std::string::npos);
  EXPECT_NE(error_of([&] { parse_bzimage_header(Bytes(100)); }).find("smaller than"), std::string::npos);
}

TEST(BzImage, TruncatedFile) {
  Bytes elf = fake::make_vmlinux();
  Bytes img = fake::make_bzimage(fake::zstd(elf), static_cast<uint32_t>(elf.size()));
  img.resize(img.size() - 10);
  EXPECT_NE(error_of([&] { parse_bzimage_header(img); }).find("bzImage is truncated"), std::string::npos);
}

TEST(BzImage, OldBootProtocol) {
  Bytes elf = fake::make_vmlinux();
  Bytes img = fake::make_bzimage(fake::zstd(elf), static_cast<uint32_t>(elf.size()), 0x0206);
  EXPECT_NE(error_of([&] { parse_bzimage_header(img); }).find("too old"), std::string::npos);
}

TEST(BzImage, UnknownCompression) {
  Bytes payload(256, 0x77);
  Bytes img = fake::make_bzimage(payload, 256);
  EXPECT_NE(error_of([&] { extract_vmlinux(img); }).find("unrecognised compression"), std::string::npos);
}

TEST(BzImage, PayloadThatIsNotElf) {
  Bytes text(5000, 'x');
  Bytes img = fake::make_bzimage(fake::zstd(text), 5000);
  EXPECT_NE(error_of([&] { extract_vmlinux(img); }).find("not an ELF"), std::string::npos);
}

TEST(BzImage, UnsupportedBzip2SaysWhatToDo) {
  Bytes img = fake::make_bzimage({0x42, 0x5a, 0x68, 0x39, 0, 0, 0, 0}, 8);
  std::string msg = error_of([&] { extract_vmlinux(img); });
  EXPECT_NE(msg.find("bzip2"), std::string::npos) << msg;
  EXPECT_NE(msg.find("not supported"), std::string::npos) << msg;
}

TEST(BzImage, ExtractFileNamesTheFile) {
  fake::TempDir dir;
  Bytes elf = fake::make_vmlinux();
  fake::write(dir.path() / "vmlinuz", fake::make_bzimage(fake::xz(elf), static_cast<uint32_t>(elf.size())));
  extract_vmlinux_file(dir.path() / "vmlinuz", dir.path() / "vmlinux");
  EXPECT_EQ(std::filesystem::file_size(dir.path() / "vmlinux"), elf.size());
  fake::write(dir.path() / "bad", Bytes(10));
  std::string msg = error_of([&] { extract_vmlinux_file(dir.path() / "bad", dir.path() / "out"); });
  EXPECT_NE(msg.find((dir.path() / "bad").string()), std::string::npos) << msg;
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "out"));
}

TEST(Vmlinux, ReadsPvhNoteBuildIdAndBanner) {
  auto info = inspect_vmlinux(fake::make_vmlinux(), true);
  ASSERT_TRUE(info.pvh_entry);
  EXPECT_EQ(*info.pvh_entry, 0x039ce030u);
  EXPECT_EQ(info.build_id, "deadbeef");
  EXPECT_EQ(info.release, "6.99.1-test");  // skips the "%s" format string
  EXPECT_NO_THROW(require_pvh(info, "k"));
}

TEST(Vmlinux, MissingPvhNoteIsExplained) {
  auto info = inspect_vmlinux(fake::make_vmlinux(false));
  EXPECT_FALSE(info.pvh_entry);
  std::string msg = error_of([&] { require_pvh(info, "kernel X"); });
  EXPECT_NE(msg.find("PVH"), std::string::npos);
  EXPECT_NE(msg.find("CONFIG_PVH"), std::string::npos);
}

TEST(Vmlinux, TruncatedOrForeignElf) {
  Bytes elf = fake::make_vmlinux();
  Bytes cut(elf.begin(), elf.end() - 100);
  EXPECT_NE(error_of([&] { inspect_vmlinux(cut); }).find("truncated"), std::string::npos);
  Bytes arm = elf;
  arm[18] = 183;  // e_machine = EM_AARCH64
  EXPECT_NE(error_of([&] { inspect_vmlinux(arm); }).find("not an x86-64"), std::string::npos);
  EXPECT_NE(error_of([&] { inspect_vmlinux(Bytes(64, 0)); }).find("not an ELF"), std::string::npos);
}
