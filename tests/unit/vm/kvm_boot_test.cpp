// Boot structures: E820, boot_params (64-bit boot protocol), PVH start
// info, ELF loading, GDT/long-mode entry state, identity page tables.
#include <elf.h>
#include <gtest/gtest.h>

#include <cstring>

#include "util/error.hpp"
#include "vm/guest_memory.hpp"
#include "vm/kvm/memory_map.hpp"
#include "vm/kvm/x86/boot_params.hpp"
#include "vm/kvm/x86/e820.hpp"
#include "vm/kvm/x86/elf_loader.hpp"
#include "vm/kvm/x86/gdt.hpp"
#include "vm/kvm/x86/paging.hpp"
#include "vm/kvm/x86/pvh.hpp"
#include "vm/kvm/x86/regs.hpp"
#include "vm/layout.hpp"
#include "support/ktstr_test_support.hpp"

using namespace ktstr;
using namespace ktstr::vm::kvm;
namespace mm = ktstr::vm::kvm::memory_map;
using ktstr::vm::layout::kGiB;
using ktstr::vm::layout::kMiB;

namespace {
template <typename T>
T at(const uint8_t* p, size_t off) {
  T v;
  std::memcpy(&v, p + off, sizeof v);
  return v;
}
}  // namespace

TEST(KvmE820, ReservesBiosAreasAndTheChannel) {
  uint64_t ram = 256 * kMiB, chan = vm::layout::channel_base(ram);
  auto e = build_e820({ram, ram, chan, vm::layout::kChannelSize});
  std::vector<E820Entry> want = {
      {0, 0x9fc00, E820Type::Ram},
      {0x9fc00, 0x400, E820Type::Reserved},
      {0xe0000, 0x20000, E820Type::Reserved},
      {0x100000, chan - 0x100000, E820Type::Ram},
      {chan, kMiB, E820Type::Reserved},
      {chan + kMiB, ram - chan - kMiB, E820Type::Ram},
  };
  EXPECT_EQ(e, want);
  EXPECT_EQ(chan, 254 * kMiB) << "1 MiB below the top, like on QEMU";
}

TEST(KvmE820, RamAboveTheHoleContinuesAt4GiB) {
  uint64_t ram = 4 * kGiB, low = 3 * kGiB, chan = vm::layout::channel_base(ram);
  auto e = build_e820({ram, low, chan, vm::layout::kChannelSize});
  EXPECT_EQ(e.back(), (E820Entry{4 * kGiB, kGiB, E820Type::Ram}));
  EXPECT_EQ(e[e.size() - 2], (E820Entry{chan + kMiB, low - chan - kMiB, E820Type::Ram}));
  EXPECT_EQ(chan, 2 * kGiB - 2 * kMiB);
}

TEST(KvmE820, ChannelOutsideLowRamIsRefused) {
  EXPECT_KTSTR_ERROR(build_e820({256 * kMiB, 256 * kMiB, 300 * kMiB, kMiB}), "channel ring 0x12c00000+0x100000 is not inside low RAM");
  EXPECT_KTSTR_ERROR(build_e820({256 * kMiB, 256 * kMiB, 0x80000, kMiB}), "channel ring 0x80000+0x100000 is not inside low RAM");
}

namespace {
// A bzImage header as Linux 7.x carries it (protocol 2.15, 64-bit entry).
std::vector<uint8_t> fake_bzimage(uint16_t protocol = 0x020f, uint16_t xloadflags = 0x1) {
  std::vector<uint8_t> img(8192, 0);
  auto put = [&](size_t off, auto v) { std::memcpy(img.data() + off, &v, sizeof v); };
  put(0x1f1, uint8_t{1});  // setup_sects: protected-mode code at (1+1)*512
  put(0x1fe, uint16_t{0xaa55});
  put(0x200, uint8_t{0xeb});
  put(0x201, uint8_t{0x6a});  // header ends at 0x26c
  put(0x202, uint32_t{0x53726448});
  put(0x206, protocol);
  put(0x211, uint8_t{0x01});
  put(0x22c, uint32_t{0x7fffffff});
  put(0x236, xloadflags);
  put(0x238, uint32_t{2047});
  put(0x260, uint32_t{0x2000000});
  img[1024] = 0xcc;  // first byte of the protected-mode kernel
  return img;
}
}  // namespace

TEST(KvmBootParams, HeaderIsParsed) {
  auto img = fake_bzimage();
  auto bz = parse_bzimage(img);
  EXPECT_EQ(bz.protocol, 0x020f);
  EXPECT_EQ(bz.kernel_offset, 1024u);
  EXPECT_EQ(img[bz.kernel_offset], 0xcc);
  EXPECT_EQ(bz.cmdline_size, 2047u);
  EXPECT_EQ(bz.init_size, 0x2000000u);
  EXPECT_EQ(bz.header.size(), 0x26cu - 0x1f1u);
}

TEST(KvmBootParams, ZeroPageCarriesCmdlineInitrdE820AndRsdp) {
  auto img = fake_bzimage();
  auto bz = parse_bzimage(img);
  uint64_t chan = vm::layout::channel_base(256 * kMiB);
  BootParamsInput in{mm::kCmdline, 40, 0xe000000, 0x123456, 0xe0000, build_e820({256 * kMiB, 256 * kMiB, chan, kMiB})};
  auto z = make_boot_params(bz, in);
  const uint8_t* p = z.data();
  EXPECT_EQ(at<uint32_t>(p, bp::kHeaderMagic), 0x53726448u) << "setup header copied";
  EXPECT_EQ(at<uint16_t>(p, bp::kVersion), 0x020f);
  EXPECT_EQ(p[bp::kTypeOfLoader], 0xff);
  EXPECT_EQ(p[bp::kLoadFlags] & 0x81, 0x81) << "LOADED_HIGH | CAN_USE_HEAP";
  EXPECT_EQ(at<uint32_t>(p, bp::kCmdLinePtr), mm::kCmdline);
  EXPECT_EQ(at<uint32_t>(p, bp::kRamdiskImage), 0xe000000u);
  EXPECT_EQ(at<uint32_t>(p, bp::kRamdiskSize), 0x123456u);
  EXPECT_EQ(at<uint64_t>(p, bp::kAcpiRsdp), 0xe0000u);
  ASSERT_EQ(p[bp::kE820Entries], 6);
  size_t chan_entry = bp::kE820Table + 4 * bp::kE820EntrySize;
  EXPECT_EQ(at<uint64_t>(p, chan_entry), chan);
  EXPECT_EQ(at<uint64_t>(p, chan_entry + 8), kMiB);
  EXPECT_EQ(at<uint32_t>(p, chan_entry + 16), 2u) << "reserved";
}

TEST(KvmBootParams, UnbootableImagesAreRefusedWithTheReason) {
  auto why = [](std::vector<uint8_t> img) {
    return ktstr::test::error_of([&] { parse_bzimage(img); });
  };
  EXPECT_NE(why(fake_bzimage(0x020b)).find("too old"), std::string::npos);
  EXPECT_NE(why(fake_bzimage(0x020f, 0)).find("no 64-bit entry"), std::string::npos);
  EXPECT_NE(why(std::vector<uint8_t>(4096, 0)).find("not a bzImage"), std::string::npos);
  EXPECT_NE(why(std::vector<uint8_t>(100, 0)).find("truncated"), std::string::npos);
  auto bz = parse_bzimage(fake_bzimage());
  BootParamsInput in{mm::kCmdline, 5000, 0, 0, 0, {}};
  EXPECT_KTSTR_ERROR(make_boot_params(bz, in), "kernel command line (5000 bytes) exceeds the kernel's limit of 2047") << "command line longer than cmdline_size";
}

TEST(KvmPvh, StartInfoPointsAtCmdlineModuleMemmapAndRsdp) {
  std::vector<uint8_t> low(kMiB, 0);
  PvhBoot b{mm::kCmdline, 0xe000000, 0x1000, 0xe0000, build_e820({256 * kMiB, 256 * kMiB, 254 * kMiB, kMiB})};
  uint64_t si = write_pvh_start_info(low, b);
  const uint8_t* p = low.data() + si;
  EXPECT_EQ(at<uint32_t>(p, 0), kHvmStartMagic);
  EXPECT_EQ(at<uint32_t>(p, 4), 1u) << "version 1: memory map present";
  EXPECT_EQ(at<uint32_t>(p, 12), 1u) << "one module: the initramfs";
  EXPECT_EQ(at<uint64_t>(p, 24), mm::kCmdline);
  EXPECT_EQ(at<uint64_t>(p, 32), 0xe0000u);
  EXPECT_EQ(at<uint32_t>(p, 48), 6u);
  const uint8_t* mod = low.data() + at<uint64_t>(p, 16);
  EXPECT_EQ(at<uint64_t>(mod, 0), 0xe000000u);
  EXPECT_EQ(at<uint64_t>(mod, 8), 0x1000u);
  const uint8_t* map = low.data() + at<uint64_t>(p, 40);
  EXPECT_EQ(at<uint64_t>(map, 4 * 24), 254 * kMiB);
  EXPECT_EQ(at<uint32_t>(map, 4 * 24 + 16), 2u);
}

namespace {
// ELF64 with a PT_NOTE (Xen PHYS32_ENTRY) and one PT_LOAD with a bss tail.
std::vector<uint8_t> fake_vmlinux(bool with_note) {
  std::vector<uint8_t> f(4096, 0);
  Elf64_Ehdr h{};
  std::memcpy(h.e_ident, ELFMAG, SELFMAG);
  h.e_ident[EI_CLASS] = ELFCLASS64;
  h.e_ident[EI_DATA] = ELFDATA2LSB;
  h.e_ident[EI_VERSION] = EV_CURRENT;  // libelf (src/elf) takes nothing else for ELF
  h.e_version = EV_CURRENT;
  h.e_machine = EM_X86_64;
  h.e_phoff = sizeof h;
  h.e_phentsize = sizeof(Elf64_Phdr);
  h.e_phnum = 2;
  std::memcpy(f.data(), &h, sizeof h);
  Elf64_Phdr load{};
  load.p_type = PT_LOAD;
  load.p_offset = 0x800;
  load.p_paddr = 0x1000000;
  load.p_filesz = 4;
  load.p_memsz = 64;
  Elf64_Phdr note{};
  note.p_type = with_note ? PT_NOTE : PT_NULL;
  note.p_offset = 0x400;
  note.p_filesz = 20;
  std::memcpy(f.data() + sizeof h, &load, sizeof load);
  std::memcpy(f.data() + sizeof h + sizeof load, &note, sizeof note);
  Elf64_Nhdr n{4, 4, 18};
  std::memcpy(f.data() + 0x400, &n, sizeof n);
  std::memcpy(f.data() + 0x40c, "Xen", 4);
  uint32_t entry = 0x1000123;
  std::memcpy(f.data() + 0x410, &entry, 4);
  std::memcpy(f.data() + 0x800, "\x0f\x0b\x90\x90", 4);
  return f;
}
}  // namespace

TEST(KvmElf, LoadsSegmentsAtTheirPhysicalAddressAndFindsThePvhEntry) {
  vm::GuestMemory mem(256 * kMiB);
  std::memset(mem.at(0x1000000, 64).data(), 0xaa, 64);
  auto k = load_elf_kernel(fake_vmlinux(true), mem);
  EXPECT_EQ(k.pvh_entry, 0x1000123u);
  EXPECT_EQ(k.end, 0x1000040u);
  auto seg = mem.at(0x1000000, 64);
  EXPECT_EQ(std::memcmp(seg.data(), "\x0f\x0b\x90\x90", 4), 0);
  EXPECT_EQ(seg[4], 0) << "bss zeroed";
  EXPECT_EQ(seg[63], 0);
}

TEST(KvmElf, KernelWithoutPvhNoteIsRefused) {
  vm::GuestMemory mem(256 * kMiB);
  EXPECT_KTSTR_ERROR(load_elf_kernel(fake_vmlinux(false), mem),
                     "kernel has no PVH entry note (needs CONFIG_PVH=y); boot a bzImage or another kernel");
  EXPECT_EQ(find_pvh_entry(fake_vmlinux(false)), std::nullopt);
  EXPECT_EQ(find_pvh_entry(fake_vmlinux(true)), 0x1000123u);
}

// Each way a kernel image can be wrong gets its own message.
TEST(KvmElf, BrokenImagesAreRefusedWithTheReason) {
  vm::GuestMemory mem(256 * kMiB);
  auto f = fake_vmlinux(true);
  auto with = [&](auto change) {
    auto g = f;
    change(g);
    return g;
  };
  auto phdr = [](std::vector<uint8_t>& g, int i) { return reinterpret_cast<Elf64_Phdr*>(g.data() + sizeof(Elf64_Ehdr)) + i; };
  EXPECT_KTSTR_ERROR(load_elf_kernel(with([](auto& g) { g[0] = 'M'; }), mem), "kernel is not an ELF file (boot a vmlinux)");
  EXPECT_KTSTR_ERROR(load_elf_kernel(with([](auto& g) { g[offsetof(Elf64_Ehdr, e_machine)] = EM_AARCH64; }), mem),
                     "kernel is not an x86-64 ELF");
  EXPECT_KTSTR_ERROR(load_elf_kernel(with([](auto& g) { g[offsetof(Elf64_Ehdr, e_phentsize)] = 40; }), mem),
                     "kernel ELF has odd program headers");
  // The segment's bytes run past the end of the file (a cut-off vmlinux).
  EXPECT_KTSTR_ERROR(load_elf_kernel(with([&](auto& g) { phdr(g, 0)->p_filesz = 0x10000; phdr(g, 0)->p_memsz = 0x10000; }), mem),
                     "kernel image is truncated or corrupt: ELF file is truncated: segment 0 needs bytes up to 0x10800");
  EXPECT_KTSTR_ERROR(load_elf_kernel(with([&](auto& g) { phdr(g, 0)->p_memsz = 2; }), mem),
                     "kernel segment 0 lies outside the file (truncated vmlinux?)");
  EXPECT_KTSTR_ERROR(load_elf_kernel(with([&](auto& g) { phdr(g, 0)->p_paddr = 0x20000000; }), mem),
                     "kernel segment 0 at 0x20000000+0x40 does not fit in 256 MiB of guest RAM");
  EXPECT_KTSTR_ERROR(load_elf_kernel(with([&](auto& g) { phdr(g, 0)->p_type = PT_NULL; }), mem),
                     "kernel ELF has no loadable segments");
  EXPECT_KTSTR_ERROR(load_elf_kernel(std::vector<uint8_t>(f.begin(), f.begin() + 30), mem),
                     "kernel image is truncated or corrupt:");
}

TEST(KvmEntry, LongModeStateFollowsTheBootProtocol) {
  auto s = entry_state(EntryMode::Long64, 0x100200, mm::kZeroPage, mm::kGdt, mm::kPml4);
  EXPECT_EQ(s.regs.rip, 0x100200u);
  EXPECT_EQ(s.regs.rsi, mm::kZeroPage);
  EXPECT_EQ(s.sregs.cs.selector, kBootCs);
  EXPECT_EQ(s.sregs.ds.selector, kBootDs);
  EXPECT_EQ(s.sregs.cs.l, 1);
  EXPECT_EQ(s.sregs.cs.db, 0);
  EXPECT_EQ(s.sregs.cs.limit, 0xffffffffu);
  EXPECT_EQ(s.sregs.cr0 & 0x80000001u, 0x80000001u) << "PE and PG";
  EXPECT_EQ(s.sregs.cr4 & 0x20u, 0x20u) << "PAE";
  EXPECT_EQ(s.sregs.efer & 0x500u, 0x500u) << "LME and LMA";
  EXPECT_EQ(s.sregs.cr3, mm::kPml4);
}

TEST(KvmEntry, PvhStateIsFlat32BitProtectedModeWithoutPaging) {
  auto s = entry_state(EntryMode::Pvh32, 0x1000123, mm::kPvhStartInfo, mm::kGdt, 0);
  EXPECT_EQ(s.regs.rbx, mm::kPvhStartInfo);
  EXPECT_EQ(s.sregs.cs.db, 1);
  EXPECT_EQ(s.sregs.cs.l, 0);
  EXPECT_EQ(s.sregs.cs.type, 0xb);
  EXPECT_EQ(s.sregs.ss.type, 0x3);
  EXPECT_EQ(s.sregs.cr0, 0x11u) << "PE (and the read-only ET) only";
  EXPECT_EQ(s.sregs.efer, 0u);
  EXPECT_EQ(s.sregs.tr.type, 0xb) << "busy 32-bit TSS";
  EXPECT_EQ(s.regs.rflags, 0x2u) << "interrupts off";
}

TEST(KvmPaging, First4GiBAreIdentityMapped) {
  std::vector<uint8_t> low(kMiB, 0);
  uint64_t cr3 = write_identity_page_tables(low);
  auto walk = [&](uint64_t va) {
    uint64_t pml4e = at<uint64_t>(low.data(), cr3 + ((va >> 39) & 511) * 8);
    uint64_t pdpte = at<uint64_t>(low.data(), (pml4e & ~0xfffull) + ((va >> 30) & 511) * 8);
    uint64_t pde = at<uint64_t>(low.data(), (pdpte & ~0xfffull) + ((va >> 21) & 511) * 8);
    EXPECT_TRUE(pde & 0x80) << "2 MiB page";
    return (pde & ~0x1fffffull) | (va & 0x1fffff);
  };
  for (uint64_t va : {0x0ull, 0x1000123ull, 0xbfe00000ull, 0xfee00000ull, 0xffffffffull}) EXPECT_EQ(walk(va), va);
}
