#include "vm/kvm/x86/msrs.hpp"

namespace ktstr::vm::kvm {
namespace {
constexpr uint32_t kSysenterCs = 0x174, kSysenterEsp = 0x175, kSysenterEip = 0x176;
constexpr uint32_t kStar = 0xc0000081, kLstar = 0xc0000082, kCstar = 0xc0000083, kSyscallMask = 0xc0000084;
constexpr uint32_t kKernelGsBase = 0xc0000102;
constexpr uint32_t kMiscEnable = 0x1a0;
constexpr uint64_t kMiscEnableFastString = 1;
constexpr uint32_t kMtrrDefType = 0x2ff;
constexpr uint64_t kMtrrEnable = 1ull << 11, kMemTypeWriteBack = 6;

kvm_msr_entry msr(uint32_t index, uint64_t data) {
  kvm_msr_entry e{};
  e.index = index;
  e.data = data;
  return e;
}
}  // namespace

std::vector<kvm_msr_entry> boot_msrs() {
  return {msr(kSysenterCs, 0),   msr(kSysenterEsp, 0), msr(kSysenterEip, 0),
          msr(kStar, 0),         msr(kLstar, 0),       msr(kCstar, 0),
          msr(kSyscallMask, 0),  msr(kKernelGsBase, 0),
          msr(kMiscEnable, kMiscEnableFastString), msr(kMtrrDefType, kMtrrEnable | kMemTypeWriteBack)};
}

}  // namespace ktstr::vm::kvm
