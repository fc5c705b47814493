#include "vm/kvm/vcpu.hpp"

#include <sys/ioctl.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "util/error.hpp"

namespace ktstr::vm::kvm {
namespace {

template <typename T>
void get(int fd, unsigned long req, T* out, const char* what) {
  if (::ioctl(fd, req, out) != 0) fail_errno(what);
}

// KVM structs with a trailing flexible array: header + n entries in one buffer.
template <typename Header, typename Entry>
std::unique_ptr<uint8_t[]> with_entries(const std::vector<Entry>& v, Header** h) {
  size_t bytes = sizeof(Header) + v.size() * sizeof(Entry);
  auto buf = std::make_unique<uint8_t[]>(bytes);
  std::memset(buf.get(), 0, bytes);
  *h = reinterpret_cast<Header*>(buf.get());
  std::memcpy(buf.get() + sizeof(Header), v.data(), v.size() * sizeof(Entry));
  return buf;
}

}  // namespace

Vcpu::Vcpu(const Kvm& kvm, const VmFd& vm, uint32_t apic_id)
    : id_(apic_id), fd_(::ioctl(vm.fd(), KVM_CREATE_VCPU, static_cast<unsigned long>(apic_id))) {
  if (!fd_) fail_errno(fmt::format("KVM_CREATE_VCPU {}", apic_id));
  run_ = Mapping::map_fd(fd_.get(), static_cast<size_t>(kvm.vcpu_mmap_size()));
}

void Vcpu::set_cpuid(const std::vector<kvm_cpuid_entry2>& entries) {
  kvm_cpuid2* c = nullptr;
  auto buf = with_entries(entries, &c);
  c->nent = static_cast<uint32_t>(entries.size());
  if (::ioctl(fd_.get(), KVM_SET_CPUID2, c) != 0) fail_errno(fmt::format("KVM_SET_CPUID2 on vCPU {}", id_));
}

void Vcpu::set_msrs(const std::vector<kvm_msr_entry>& msrs) {
  kvm_msrs* m = nullptr;
  auto buf = with_entries(msrs, &m);
  m->nmsrs = static_cast<uint32_t>(msrs.size());
  int n = ::ioctl(fd_.get(), KVM_SET_MSRS, m);
  if (n < 0) fail_errno(fmt::format("KVM_SET_MSRS on vCPU {}", id_));
  if (static_cast<size_t>(n) != msrs.size())
    fail("KVM_SET_MSRS on vCPU {}: KVM refused MSR {:#x}", id_, msrs[static_cast<size_t>(n)].index);
}

kvm_regs Vcpu::regs() const {
  kvm_regs r{};
  get(fd_.get(), KVM_GET_REGS, &r, "KVM_GET_REGS");
  return r;
}
void Vcpu::set_regs(const kvm_regs& r) {
  if (::ioctl(fd_.get(), KVM_SET_REGS, &r) != 0) fail_errno("KVM_SET_REGS");
}
kvm_sregs Vcpu::sregs() const {
  kvm_sregs s{};
  get(fd_.get(), KVM_GET_SREGS, &s, "KVM_GET_SREGS");
  return s;
}
void Vcpu::set_sregs(const kvm_sregs& s) {
  if (::ioctl(fd_.get(), KVM_SET_SREGS, &s) != 0) fail_errno("KVM_SET_SREGS");
}
void Vcpu::set_fpu(const kvm_fpu& f) {
  if (::ioctl(fd_.get(), KVM_SET_FPU, &f) != 0) fail_errno("KVM_SET_FPU");
}
kvm_lapic_state Vcpu::lapic() const {
  kvm_lapic_state l{};
  get(fd_.get(), KVM_GET_LAPIC, &l, "KVM_GET_LAPIC");
  return l;
}
void Vcpu::set_lapic(const kvm_lapic_state& l) {
  if (::ioctl(fd_.get(), KVM_SET_LAPIC, &l) != 0) fail_errno("KVM_SET_LAPIC");
}

int Vcpu::run() { return ::ioctl(fd_.get(), KVM_RUN, 0) == 0 ? 0 : errno; }

}  // namespace ktstr::vm::kvm
