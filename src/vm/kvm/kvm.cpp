#include "vm/kvm/kvm.hpp"

#include <fcntl.h>
#include <sys/ioctl.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "util/error.hpp"

namespace ktstr::vm::kvm {

Kvm::Kvm(const char* path) : fd_(::open(path, O_RDWR | O_CLOEXEC)) {
  if (!fd_) fail("cannot open {}: {}", path, std::strerror(errno));
  int api = ::ioctl(fd_.get(), KVM_GET_API_VERSION, 0);
  if (api != KVM_API_VERSION) fail("{}: KVM API version {} (need {})", path, api, KVM_API_VERSION);
  struct Need {
    long cap;
    const char* name;
  };
  for (Need n : {Need{KVM_CAP_IRQCHIP, "in-kernel irqchip"}, Need{KVM_CAP_PIT2, "in-kernel PIT"},
                 Need{KVM_CAP_USER_MEMORY, "user memory"}, Need{KVM_CAP_IMMEDIATE_EXIT, "immediate exit"},
                 Need{KVM_CAP_EXT_CPUID, "KVM_GET_SUPPORTED_CPUID"}, Need{KVM_CAP_SET_TSS_ADDR, "TSS address"}})
    if (check_extension(n.cap) <= 0) fail("{} lacks {} (KVM capability {})", path, n.name, n.cap);
}

int Kvm::check_extension(long cap) const { return ::ioctl(fd_.get(), KVM_CHECK_EXTENSION, cap); }

int Kvm::vcpu_mmap_size() const {
  int n = ::ioctl(fd_.get(), KVM_GET_VCPU_MMAP_SIZE, 0);
  if (n <= 0) fail_errno("KVM_GET_VCPU_MMAP_SIZE");
  return n;
}

int Kvm::max_vcpus() const {
  int n = check_extension(KVM_CAP_MAX_VCPUS);
  return n > 0 ? n : check_extension(KVM_CAP_NR_VCPUS);
}

int Kvm::max_vcpu_id() const {
  int n = check_extension(KVM_CAP_MAX_VCPU_ID);
  return n > 0 ? n : max_vcpus();
}

std::vector<kvm_cpuid_entry2> Kvm::supported_cpuid() const {
  // The ioctl says E2BIG until the buffer is large enough.
  for (uint32_t n = 64; n <= 4096; n *= 2) {
    size_t bytes = sizeof(kvm_cpuid2) + n * sizeof(kvm_cpuid_entry2);
    auto buf = std::make_unique<uint8_t[]>(bytes);
    std::memset(buf.get(), 0, bytes);
    auto* c = reinterpret_cast<kvm_cpuid2*>(buf.get());
    c->nent = n;
    if (::ioctl(fd_.get(), KVM_GET_SUPPORTED_CPUID, c) == 0)
      return std::vector<kvm_cpuid_entry2>(c->entries, c->entries + c->nent);
    if (errno != E2BIG) fail_errno("KVM_GET_SUPPORTED_CPUID");
  }
  fail("KVM_GET_SUPPORTED_CPUID: more than 4096 entries");
}

}  // namespace ktstr::vm::kvm
