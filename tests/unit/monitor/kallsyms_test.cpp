#include "monitor/kallsyms.hpp"

#include <gtest/gtest.h>

#include <chrono>

#include "elf/elf_file.hpp"
#include "monitor/kernel_image.hpp"
#include "real_kernel.hpp"
#include "util/error.hpp"
#include "support/ktstr_test_support.hpp"

using namespace ktstr::monitor;

TEST(Kallsyms, DecodesRealVmlinux) {
  KTSTR_REQUIRE_REAL_VMLINUX(vmlinux);
  auto t0 = std::chrono::steady_clock::now();
  auto syms = SymbolTable::load(vmlinux);
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  RecordProperty("decode_seconds", std::to_string(s));
  EXPECT_GT(syms->size(), 100000u);
  // Values cross-checked against the image's section table and a guest's
  // /proc/kallsyms (PVH boot: no KASLR).
  EXPECT_EQ(syms->require("_text"), 0xffffffff81000000ull);
  EXPECT_EQ(syms->require("init_top_pgt"), 0xffffffff8322a000ull);
  EXPECT_EQ(syms->require("runqueues"), 0xffffffff83e3e280ull);
  EXPECT_EQ(syms->find("scx_root")->type, 'B');
  // Static (file-local) symbols are there too: KALLSYMS_ALL.
  EXPECT_TRUE(syms->address("scx_watchdog_work"));
  EXPECT_TRUE(syms->address("scx_watchdog_timestamp"));
  EXPECT_TRUE(syms->address("timer_bases"));
  EXPECT_EQ(SymbolTable::load(vmlinux).get(), syms.get());
}

TEST(Kallsyms, MissingSymbolErrorNamesIt) {
  KTSTR_REQUIRE_REAL_VMLINUX(vmlinux);
  auto syms = SymbolTable::load(vmlinux);
  EXPECT_FALSE(syms->address("no_such_symbol_xyz"));
  EXPECT_KTSTR_ERROR(syms->require("no_such_symbol_xyz"), "no_such_symbol_xyz");
}

TEST(Kallsyms, ImageBannerMatchesSymbols) {
  KTSTR_REQUIRE_REAL_VMLINUX(vmlinux);
  auto img = KernelImage::load(vmlinux, 250);
  EXPECT_NE(img->banner.find("7.2.13"), std::string::npos) << img->banner;
}

TEST(Kallsyms, RejectsImageWithoutTables) {
  // A minimal ELF with an empty .rodata.
  std::vector<uint8_t> junk(4096, 0);
  EXPECT_KTSTR_ERROR((void)ktstr::elf::ElfFile::parse(junk), "not an ELF file");
}

TEST(Kallsyms, AmbiguousNamesAreNotGuessed) {
  SymbolTable t;
  t.add("dup", 0x1000, 't');
  t.add("dup", 0x2000, 't');
  t.add("one", 0x3000, 'T');
  EXPECT_FALSE(t.address("dup"));
  EXPECT_KTSTR_ERROR(t.require("dup"), "kernel symbol 'dup' is ambiguous (2 symbols share the name)");
  EXPECT_EQ(t.address("one"), 0x3000u);
}
