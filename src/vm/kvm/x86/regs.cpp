#include "vm/kvm/x86/regs.hpp"

#include "vm/kvm/x86/gdt.hpp"

namespace ktstr::vm::kvm {
namespace {
constexpr uint64_t kCr0Pe = 1ull << 0, kCr0Et = 1ull << 4, kCr0Pg = 1ull << 31;
constexpr uint64_t kCr4Pae = 1ull << 5;
constexpr uint64_t kEferLme = 1ull << 8, kEferLma = 1ull << 10;
constexpr uint64_t kRflagsReserved = 0x2;
}  // namespace

EntryState entry_state(EntryMode mode, uint64_t entry, uint64_t boot_info, uint64_t gdt_gpa, uint64_t cr3) {
  bool long_mode = mode == EntryMode::Long64;
  auto gdt = boot_gdt(long_mode);
  EntryState s;
  s.regs.rflags = kRflagsReserved;
  s.regs.rip = entry;
  if (long_mode)
    s.regs.rsi = boot_info;
  else
    s.regs.rbx = boot_info;

  kvm_sregs& r = s.sregs;
  r.gdt.base = gdt_gpa;
  r.gdt.limit = static_cast<uint16_t>(sizeof(uint64_t) * gdt.size() - 1);
  r.cs = segment_from_entry(gdt[kBootCs / 8], kBootCs);
  kvm_segment data = segment_from_entry(gdt[kBootDs / 8], kBootDs);
  r.ds = r.es = r.fs = r.gs = r.ss = data;
  r.tr = segment_from_entry(gdt[kBootTss / 8], kBootTss);
  r.ldt.unusable = 1;
  r.ldt.type = 0x2;
  r.ldt.present = 1;
  r.cr0 = kCr0Pe | kCr0Et;
  if (long_mode) {
    r.cr0 |= kCr0Pg;
    r.cr3 = cr3;
    r.cr4 = kCr4Pae;
    r.efer = kEferLme | kEferLma;
  }
  return s;
}

void apply_sregs(const kvm_sregs& w, kvm_sregs& c) {
  c.cs = w.cs;
  c.ds = w.ds;
  c.es = w.es;
  c.fs = w.fs;
  c.gs = w.gs;
  c.ss = w.ss;
  c.tr = w.tr;
  c.ldt = w.ldt;
  c.gdt = w.gdt;
  c.cr0 = w.cr0;
  c.cr3 = w.cr3;
  c.cr4 = w.cr4;
  c.efer = w.efer;
}

kvm_fpu boot_fpu() {
  kvm_fpu f{};
  f.fcw = 0x37f;
  f.mxcsr = 0x1f80;
  return f;
}

}  // namespace ktstr::vm::kvm
