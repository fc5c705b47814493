#include "vm/kvm/vm_state.hpp"

#include <sys/eventfd.h>

#include "util/error.hpp"

namespace ktstr::vm::kvm {

VmState::VmState() : wake_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  if (!wake_) fail_errno("eventfd for the VM run loop");
}

void VmState::wake() const {
  uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(wake_.get(), &one, sizeof one);
}

void VmState::clear_wake() const {
  uint64_t v;
  [[maybe_unused]] ssize_t n = ::read(wake_.get(), &v, sizeof v);
}

void VmState::stop(StopCause cause, std::string detail) {
  {
    std::lock_guard lock(mu_);
    if (cause_ == StopCause::None) {
      cause_ = cause;
      detail_ = std::move(detail);
    }
  }
  kill.store(true);
  wake();
}

StopCause VmState::cause() const {
  std::lock_guard lock(mu_);
  return cause_;
}

std::string VmState::detail() const {
  std::lock_guard lock(mu_);
  return detail_;
}

}  // namespace ktstr::vm::kvm
