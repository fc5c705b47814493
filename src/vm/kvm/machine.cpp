#include "vm/kvm/machine.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "topology/apic_ids.hpp"
#include "topology/memory.hpp"
#include "util/error.hpp"
#include "util/mapping.hpp"
#include "vm/accel.hpp"
#include "vm/kvm/memory_map.hpp"
#include "vm/kvm/x86/acpi/tables.hpp"
#include "vm/kvm/x86/boot_params.hpp"
#include "vm/kvm/x86/cpuid.hpp"
#include "vm/kvm/x86/e820.hpp"
#include "vm/kvm/x86/elf_loader.hpp"
#include "vm/kvm/x86/gdt.hpp"
#include "vm/kvm/x86/msrs.hpp"
#include "vm/kvm/x86/paging.hpp"
#include "vm/kvm/x86/pvh.hpp"
#include "vm/kvm/x86/regs.hpp"
#include "vm/layout.hpp"

namespace ktstr::vm::kvm {
namespace mm = memory_map;
namespace {

// xAPIC ids; beyond that Linux needs x2APIC without interrupt remapping,
// which this VMM does not set up yet.
constexpr uint32_t kMaxApicId = 254;

std::vector<uint64_t> node_bytes(const VmSpec& spec) {
  if (spec.topology.numa_nodes <= 1) return {spec.memory_mb * layout::kMiB};
  std::vector<uint64_t> out;
  for (uint64_t mb : topology::node_memory_mb(spec.topology, spec.memory_mb)) out.push_back(mb * layout::kMiB);
  return out;
}

GuestMemory make_memory(const VmSpec& spec) {
  if (spec.memory_mb < layout::kMinMemoryMb)
    fail("guest memory {} MiB is below the minimum of {} MiB", spec.memory_mb, layout::kMinMemoryMb);
  return GuestMemory(node_bytes(spec), layout::kLowMemLimit);
}

Mapping map_file(const std::filesystem::path& p, size_t* size) {
  Fd fd(::open(p.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) fail_errno("open kernel " + p.string());
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || st.st_size <= 0) fail("kernel {} is empty or unreadable", p.string());
  *size = static_cast<size_t>(st.st_size);
  return Mapping::map_fd(fd.get(), *size, 0, /*writable=*/false);
}

std::span<uint8_t> low_view(const GuestMemory& mem) {
  // Everything boot code writes lies in the first 1 MiB.
  auto v = mem.at(0, mm::kHighRamStart);
  if (v.empty()) fail("guest RAM does not start at address 0");
  return v;
}

void copy_to(const GuestMemory& mem, uint64_t gpa, std::span<const uint8_t> bytes, const char* what) {
  auto dst = mem.at(gpa, bytes.size());
  if (dst.empty()) fail("{} at {:#x}+{:#x} does not fit in guest RAM", what, gpa, bytes.size());
  std::memcpy(dst.data(), bytes.data(), bytes.size());
}

void set_lint(Vcpu& v) {
  // LINT0 delivers the PIC's ExtINT, LINT1 NMIs, as firmware leaves them.
  constexpr size_t kLvt0 = 0x350, kLvt1 = 0x360;
  constexpr uint32_t kModeMask = 0x700, kExtInt = 0x700, kNmi = 0x400;
  kvm_lapic_state l = v.lapic();
  auto set = [&](size_t off, uint32_t mode) {
    uint32_t val;
    std::memcpy(&val, l.regs + off, 4);
    val = (val & ~kModeMask) | mode;
    std::memcpy(l.regs + off, &val, 4);
  };
  set(kLvt0, kExtInt);
  set(kLvt1, kNmi);
  v.set_lapic(l);
}

}  // namespace

struct Machine::Entry {
  EntryMode mode = EntryMode::Pvh32;
  uint64_t rip = 0, boot_info = 0, cr3 = 0;
};

std::string kvm_kernel_cmdline(uint64_t channel_base) {
  // The channel ring is an E820 "reserved" range, so no memmap= is needed;
  // no_timer_check: under nested virtualization the IOAPIC timer check can
  // miss ticks and panic a healthy guest.
  return fmt::format("console=ttyS0 panic=-1 quiet rdinit=/init no_timer_check pci=off ktstr.chan={:#x},{:#x}",
                     channel_base, layout::kChannelSize);
}

Machine::Machine(const VmSpec& spec, MachineOutputs out)
    : vm_(kvm_), mem_(make_memory(spec)), entry_(std::make_unique<Entry>()) {
  vm_.map_memory(mem_);
  add_devices(std::move(out));
  boot(spec);
  vcpus_ = std::make_unique<VcpuSet>(state_, bus_);
  create_vcpus(spec);
}

Machine::~Machine() = default;

void Machine::add_devices(MachineOutputs out) {
  IrqLine irq = [this](uint32_t line, bool level) { vm_.irq_line(line, level); };
  console_ = std::make_shared<Serial16550>(mm::kSerial0Irq, irq, std::move(out.console));
  port_ = std::make_shared<Serial16550>(mm::kSerial1Irq, irq, std::move(out.init_port));
  bus_.add(mm::kSerial0, 8, console_);
  bus_.add(mm::kSerial1, 8, port_);
  bus_.add(mm::kI8042Data, 5, std::make_shared<I8042>([this] { state_->stop(StopCause::Reset, "reset through the keyboard controller"); }));
  bus_.add(mm::kCmos, 2, std::make_shared<Cmos>());
  bus_.add(mm::kPm1aEvent, AcpiPm::kLength, std::make_shared<AcpiPm>([this] { state_->stop(StopCause::PowerOff, "ACPI power off"); }));
  bus_.add(mm::kPostCode, 1, std::make_shared<NullDevice>());
  bus_.add(mm::kPciConfig, 8, std::make_shared<NullDevice>());
}

void Machine::boot(const VmSpec& spec) {
  uint64_t ram = mem_.size();
  uint64_t chan = layout::channel_base(ram);
  std::string cmdline = kvm_kernel_cmdline(chan);
  if (!spec.extra_cmdline.empty()) cmdline += " " + spec.extra_cmdline;
  // Debugging aid: e.g. KTSTR_KVM_CMDLINE="loglevel=8" to see the whole boot.
  if (const char* extra = std::getenv("KTSTR_KVM_CMDLINE"); extra && *extra) cmdline += std::string(" ") + extra;
  if (cmdline.size() + 1 > mm::kCmdlineMax) fail("kernel command line is {} bytes; the limit is {}", cmdline.size(), mm::kCmdlineMax - 1);

  // Test-only: boot this image instead (e.g. a bzImage, to exercise the
  // 64-bit boot protocol; the runner always hands over the vmlinux).
  std::filesystem::path kernel = spec.kernel;
  if (const char* img = std::getenv("KTSTR_KVM_BOOT_IMAGE"); img && *img) kernel = img;
  size_t size = 0;
  Mapping image = map_file(kernel, &size);
  std::span<const uint8_t> bytes(image.data(), size);
  bool elf = size >= 4 && std::memcmp(bytes.data(), "\x7f" "ELF", 4) == 0;
  uint64_t kernel_end = 0;
  std::optional<BzImage> bz;
  if (elf) {
    auto k = load_elf_kernel(bytes, mem_);
    entry_->mode = EntryMode::Pvh32;
    entry_->rip = k.pvh_entry;
    kernel_end = k.end;
  } else {
    bz = parse_bzimage(bytes);
    copy_to(mem_, mm::kBzImageLoad, bytes.subspan(bz->kernel_offset), "bzImage kernel");
    entry_->mode = EntryMode::Long64;
    entry_->rip = mm::kBzImageLoad + 0x200;
    // It decompresses to 16 MiB (LOAD_PHYSICAL_ADDR) and needs init_size there.
    kernel_end = std::max<uint64_t>(mm::kBzImageLoad + size, 16 * layout::kMiB + bz->init_size);
  }

  // Initramfs as high as possible below the channel ring.
  struct stat st {};
  if (spec.initrd_fd < 0 || ::fstat(spec.initrd_fd, &st) != 0) fail("VM spec has no readable initramfs");
  uint64_t initrd_size = static_cast<uint64_t>(st.st_size);
  uint64_t initrd = (chan - initrd_size) & ~(mm::kInitrdAlign - 1);
  if (initrd_size >= chan || initrd < kernel_end)
    fail("kernel ({} MiB) and initramfs ({} MiB) do not fit below the channel ring at {} MiB; give the guest more memory",
         kernel_end >> 20, initrd_size >> 20, chan >> 20);
  auto dst = mem_.at(initrd, initrd_size);
  for (uint64_t off = 0; off < initrd_size;) {
    ssize_t n = ::pread(spec.initrd_fd, dst.data() + off, initrd_size - off, static_cast<off_t>(off));
    if (n <= 0) fail_errno("read initramfs");
    off += static_cast<uint64_t>(n);
  }

  std::span<uint8_t> low = low_view(mem_);
  std::memcpy(low.data() + mm::kCmdline, cmdline.c_str(), cmdline.size() + 1);
  auto e820 = build_e820({ram, mem_.low_bytes(), chan, layout::kChannelSize});
  auto acpi = acpi::build_tables(spec.topology, acpi::node_ranges(node_bytes(spec), mem_.low_bytes()), mm::kAcpiBase);
  if (acpi.bytes.size() > mm::kAcpiEnd - mm::kAcpiBase) fail("ACPI tables ({} bytes) exceed their area", acpi.bytes.size());
  std::memcpy(low.data() + mm::kAcpiBase, acpi.bytes.data(), acpi.bytes.size());
  auto gdt = boot_gdt(entry_->mode == EntryMode::Long64);
  std::memcpy(low.data() + mm::kGdt, gdt.data(), sizeof gdt);

  if (elf) {
    PvhBoot pb{mm::kCmdline, initrd, initrd_size, acpi.rsdp_gpa, e820};
    entry_->boot_info = write_pvh_start_info(low, pb);
  } else {
    entry_->cr3 = write_identity_page_tables(low);
    BootParamsInput in{mm::kCmdline, cmdline.size(), initrd, initrd_size, acpi.rsdp_gpa, e820};
    auto zp = make_boot_params(*bz, in);
    std::memcpy(low.data() + mm::kZeroPage, zp.data(), zp.size());
    entry_->boot_info = mm::kZeroPage;
  }
  summary_ = fmt::format("{} entry {:#x}, kernel ends {:#x}, initramfs {:#x}+{:#x}, channel {:#x}; command line: {}",
                         elf ? "PVH (vmlinux)" : "64-bit boot protocol (bzImage)", entry_->rip, kernel_end, initrd,
                         initrd_size, chan, cmdline);
}

void Machine::create_vcpus(const VmSpec& spec) {
  const auto& t = spec.topology;
  t.validate();
  if (t.cpus() > static_cast<uint32_t>(kvm_.max_vcpus()))
    fail("topology {} has {} CPUs; this KVM allows {}", t.name(), t.cpus(), kvm_.max_vcpus());
  if (uint32_t top = topology::max_apic_id(t); top > kMaxApicId)
    fail("topology {} needs APIC ids up to {}; the own VMM presents xAPIC ids up to {} (use --vmm qemu)", t.name(), top,
         kMaxApicId);
  auto supported = kvm_.supported_cpuid();
  CpuidOptions cpuid_opts;
  cpuid_opts.xsave = !host_cpu_is_emulated();
  auto msrs = boot_msrs();
  EntryState es = entry_state(entry_->mode, entry_->rip, entry_->boot_info, mm::kGdt, entry_->cr3);
  for (uint32_t cpu = 0; cpu < t.cpus(); ++cpu) {
    auto v = std::make_unique<Vcpu>(kvm_, vm_, topology::apic_id(t, cpu));
    v->set_cpuid(build_cpuid(supported, t, cpu, cpuid_opts));
    v->set_msrs(msrs);
    set_lint(*v);
    if (cpu == 0) {  // the boot CPU; the others wait for INIT/SIPI
      kvm_sregs s = v->sregs();
      apply_sregs(es.sregs, s);
      v->set_sregs(s);
      v->set_regs(es.regs);
      v->set_fpu(boot_fpu());
    }
    vcpus_->add(std::move(v), cpu);
  }
}

}  // namespace ktstr::vm::kvm
