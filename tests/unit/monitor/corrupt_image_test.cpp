// The kallsyms and BTF readers fed the real default kernel, corrupted where
// it hurts: the kallsyms tables in .rodata and the .BTF section, truncated,
// scribbled on, with bogus counts and offsets. Each must end in a
// ktstr::Error naming what is wrong -- never a crash, never a hang (every
// decode is timed and bounded). Skips, saying why, without a cached kernel.
#include <gtest/gtest.h>

#include "support/ktstr_test_support.hpp"
#include <elf.h>
#include <linux/btf.h>
#include <stdlib.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <functional>
#include <random>
#include <vector>

#include "elf/elf_file.hpp"
#include "monitor/btf_types.hpp"
#include "monitor/kallsyms.hpp"
#include "real_kernel.hpp"
#include "util/error.hpp"

using namespace ktstr;
using namespace ktstr::monitor;
namespace fs = std::filesystem;

namespace {

using Bytes = std::vector<uint8_t>;

// A generous bound for one decode of a 60 MB image on a loaded 2-core host
// (an intact decode takes well under a second); past it, it is a hang.
constexpr double kMaxSeconds = 60;

Bytes read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

struct Scratch {
  fs::path dir;
  Scratch() {
    std::string t = (fs::temp_directory_path() / "ktstr-corrupt-XXXXXX").string();
    if (!::mkdtemp(t.data())) throw std::runtime_error("mkdtemp failed");
    dir = t;
  }
  ~Scratch() { fs::remove_all(dir); }
  fs::path write(const std::string& name, const Bytes& b, size_t len = SIZE_MAX) {
    fs::path p = dir / name;
    std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(b.data()), std::min(len, b.size()));
    return p;
  }
};

// Runs `f`, which must throw ktstr::Error containing `want`, within kMaxSeconds.
void expect_error(const std::string& what, const std::function<void()>& f, const std::string& want) {
  auto t0 = std::chrono::steady_clock::now();
  std::string got = "(no error)";
  try {
    f();
  } catch (const Error& e) {
    got = e.what();
  }
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_NE(got.find(want), std::string::npos) << what << ": expected '" << want << "', got: " << got;
  EXPECT_LT(s, kMaxSeconds) << what << " took " << s << " s";
  std::printf("  %-34s %6.2f s  %s\n", what.c_str(), s, got.substr(0, 150).c_str());
}

class CorruptImage : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    vmlinux_ = monitor::test::real_vmlinux();
    if (vmlinux_.empty()) return;
    image_ = new Bytes(read_all(vmlinux_));
    auto elf = elf::ElfFile::parse(*image_);
    const elf::Section* ro = elf.find(".rodata");
    const elf::Section* btf = elf.find(".BTF");
    if (ro) rodata_ = *ro;
    if (btf) btf_ = *btf;
    syms_ = SymbolTable::load(vmlinux_);
  }
  static void TearDownTestSuite() {
    delete image_;
    image_ = nullptr;
  }
  void SetUp() override {
    if (vmlinux_.empty())
      GTEST_SKIP() << "no kernel found by ktstr's discovery (`ktstr kernel fetch`): " << monitor::test::real_kernel().why_not;
    ASSERT_FALSE(rodata_.name.empty()) << "the real vmlinux has no .rodata";
    ASSERT_FALSE(btf_.name.empty()) << "the real vmlinux has no .BTF";
  }
  // File offset of a kallsyms table, found through the intact image's own symbols.
  static uint64_t table(const char* sym) {
    uint64_t va = syms_->require(sym);
    return va - rodata_.addr + rodata_.offset;
  }
  static void decode(const Bytes& b) {
    auto elf = elf::ElfFile::parse(b);
    (void)SymbolTable::decode(elf);
  }
  static Bytes btf_bytes() {
    return Bytes(image_->begin() + btf_.offset, image_->begin() + btf_.offset + btf_.size);
  }
  static btf_header& header(Bytes& b) { return *reinterpret_cast<btf_header*>(b.data()); }

  static inline fs::path vmlinux_;
  static inline Bytes* image_ = nullptr;
  static inline elf::Section rodata_, btf_;
  static inline std::shared_ptr<const SymbolTable> syms_;
};

TEST_F(CorruptImage, KallsymsTablesScribbledOn) {
  {
    Bytes b = *image_;  // token table zeroed: nothing looks like one any more
    uint64_t tt = table("kallsyms_token_table"), ti = table("kallsyms_token_index");
    std::memset(b.data() + tt, 0, ti - tt);
    expect_error("token table zeroed", [&] { decode(b); }, "kallsyms token table not found");
  }
  {
    Bytes b = *image_;  // token index: offsets that disagree with the table
    uint64_t ti = table("kallsyms_token_index");
    for (int i = 0; i < 256; ++i) b[ti + 2 * i] ^= 0x5a;
    expect_error("token index flipped", [&] { decode(b); }, "kallsyms token table not found");
  }
  {
    Bytes b = *image_;  // markers: no longer an ascending run ending in 0
    uint64_t m = table("kallsyms_markers"), tt = table("kallsyms_token_table");
    std::memset(b.data() + m, 0xff, tt - m);
    expect_error("markers 0xff", [&] { decode(b); }, "kallsyms markers not found");
  }
  {
    Bytes b = *image_;  // a bogus symbol count
    uint32_t bogus = 0xfffffff0;
    std::memcpy(b.data() + table("kallsyms_num_syms"), &bogus, 4);
    expect_error("num_syms 0xfffffff0", [&] { decode(b); }, "kallsyms names/num_syms not found");
  }
  {
    Bytes b = *image_;  // name lengths scribbled: the walk disagrees with the markers
    uint64_t n = table("kallsyms_names");
    for (uint64_t i = 0; i < 65536; ++i) b[n + i] = 0xff;
    expect_error("names 0xff", [&] { decode(b); }, "kallsyms names/num_syms not found");
  }
  {
    Bytes b = *image_;  // every address offset off by 4 KiB: symbols decode, wrongly
    uint64_t o = table("kallsyms_offsets");
    uint32_t n = 0;
    std::memcpy(&n, b.data() + table("kallsyms_num_syms"), 4);
    for (uint32_t i = 0; i < n && o + 4 * i + 4 <= rodata_.offset + rodata_.size; ++i) b[o + 4 * i + 1] ^= 0x10;
    expect_error("offsets shifted", [&] { decode(b); }, "decoded kallsyms do not describe themselves");
  }
}

TEST_F(CorruptImage, ImageTruncatedOrWithBogusSectionTable) {
  Scratch s;
  // Cut in the middle of .rodata: the ELF reader names the short segment.
  fs::path cut = s.write("vmlinux-cut", *image_, rodata_.offset + rodata_.size / 2);
  expect_error("truncated in .rodata (kallsyms)", [&] { SymbolTable::load(cut); }, "ELF file is truncated: segment");
  expect_error("truncated in .rodata (BTF)", [&] { BtfTypes::load(cut); }, "ELF file is truncated: segment");
  expect_error("truncated in .rodata (bytes)", [&] { decode(Bytes(image_->begin(), image_->begin() + rodata_.offset + rodata_.size / 2)); },
               "ELF file is truncated");
  // .rodata's section header claims more bytes than the file has.
  Bytes b = *image_;
  auto elf = elf::ElfFile::parse(*image_);
  Elf64_Ehdr eh;
  std::memcpy(&eh, b.data(), sizeof eh);
  for (size_t i = 0; i < elf.sections().size(); ++i)
    if (elf.sections()[i].name == ".rodata") {
      uint64_t size_at = eh.e_shoff + i * sizeof(Elf64_Shdr) + offsetof(Elf64_Shdr, sh_size);
      uint64_t huge = uint64_t{1} << 40;
      std::memcpy(b.data() + size_at, &huge, 8);
    }
  expect_error(".rodata size 1 TiB", [&] { decode(b); }, "ELF section '.rodata' lies outside the file");
}

TEST_F(CorruptImage, BtfHeaderTruncatedOrBogus) {
  Bytes raw = btf_bytes();
  auto load = [](const Bytes& b) { (void)BtfTypes::from_raw(b.data(), b.size()); };
  EXPECT_NO_THROW(load(raw));  // the control: the intact section parses
  expect_error("BTF truncated to 10 bytes", [&] { load(Bytes(raw.begin(), raw.begin() + 10)); },
               "BTF is truncated (10 bytes, its header needs 24)");
  expect_error("BTF truncated to half", [&] { load(Bytes(raw.begin(), raw.begin() + raw.size() / 2)); },
               "runs past the");
  {
    Bytes b = raw;
    header(b).magic = 0;
    expect_error("BTF magic zeroed", [&] { load(b); }, "bad BTF magic 0x0000 (expected 0xeb9f)");
  }
  {
    Bytes b = raw;
    header(b).version = 7;
    expect_error("BTF version 7", [&] { load(b); }, "unsupported BTF version 7");
  }
  {
    Bytes b = raw;
    header(b).str_len = 0xffffff00;
    expect_error("BTF str_len bogus", [&] { load(b); }, "BTF string section (offset");
  }
  {
    Bytes b = raw;
    header(b).type_off = 0x7fffffff;
    expect_error("BTF type_off bogus", [&] { load(b); }, "BTF type section (offset 2147483647");
  }
  {
    Bytes b = raw;
    header(b).hdr_len = 4;
    expect_error("BTF hdr_len 4", [&] { load(b); }, "BTF header length 4 does not fit");
  }
  {
    Bytes b = raw;  // the first type claims an absurd member count
    auto* t = reinterpret_cast<btf_type*>(b.data() + header(b).hdr_len + header(b).type_off);
    t->info = (t->info & ~0xffffu) | 0xffff;
    t->info = (t->info & ~(0x1fu << 24)) | (BTF_KIND_STRUCT << 24);
    expect_error("BTF first type vlen 65535", [&] { load(b); }, "BTF types are corrupt");
  }
  // Through the file: the error names it.
  Scratch s;
  Bytes img = *image_;
  std::memset(img.data() + btf_.offset, 0, 2);
  fs::path p = s.write("vmlinux-btf-magic", img);
  expect_error("file with BTF magic zeroed", [&] { BtfTypes::load(p); }, "cannot read BTF from " + p.string() + ": bad BTF magic");
}

TEST_F(CorruptImage, BtfTypesFlippedNeverCrash) {
  // Random bytes of the type area flipped: libbpf rejects the result or it
  // parses into something whose lookups fail cleanly. Either is fine; a
  // crash, a sanitizer report or a hang is not.
  Bytes raw = btf_bytes();
  const uint64_t types = header(raw).hdr_len + header(raw).type_off, len = header(raw).type_len;
  int rejected = 0, parsed = 0;
  for (uint32_t seed = 1; seed <= 8; ++seed) {
    std::mt19937 rng(seed);
    Bytes b = raw;
    for (int i = 0; i < 64; ++i) b[types + rng() % len] ^= static_cast<uint8_t>(1u << (rng() % 8));
    auto t0 = std::chrono::steady_clock::now();
    // Either outcome is fine (see above), so no try/catch that could pass
    // vacuously: the error, if any, must name BTF.
    std::string err = ktstr::test::error_of([&] {
      auto btf = BtfTypes::from_raw(b.data(), b.size());
      for (const char* path : {"task_struct.pid", "rq.scx.nr_running", "scx_sched.watchdog_timeout"}) (void)btf->try_member(path);
      (void)btf->members("task_struct");
      (void)btf->enum_value("scx_enable_state", "SCX_ENABLED");
      (void)btf->var("timer_bases");
      for (uint32_t id = 1; id < 2000; ++id) (void)btf->type_name(id);
    });
    if (err == ktstr::test::kNoError) {
      ++parsed;
    } else {
      ++rejected;
      EXPECT_NE(err.find("BTF"), std::string::npos) << err;
    }
    EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), kMaxSeconds);
  }
  std::printf("  8 flipped BTF images: %d rejected by libbpf, %d parsed and queried\n", rejected, parsed);
}

}  // namespace
