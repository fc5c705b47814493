#pragma once
// /dev/kvm: the KVM system object. Checks the API version and the
// capabilities the own VMM relies on, and answers system-wide queries.
#include <linux/kvm.h>

#include <cstdint>
#include <string>
#include <vector>

#include "util/fd.hpp"

namespace ktstr::vm::kvm {

class Kvm {
 public:
  // Opens /dev/kvm; Error naming the missing piece otherwise.
  explicit Kvm(const char* path = "/dev/kvm");

  int fd() const { return fd_.get(); }
  int check_extension(long cap) const;
  int vcpu_mmap_size() const;
  int max_vcpus() const;
  int max_vcpu_id() const;
  // KVM_GET_SUPPORTED_CPUID: what the host can give a guest.
  std::vector<kvm_cpuid_entry2> supported_cpuid() const;

 private:
  Fd fd_;
};

}  // namespace ktstr::vm::kvm
