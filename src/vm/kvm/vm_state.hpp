#pragma once
// What the VM's threads share: the kill flag every vCPU loop checks, why
// the VM stopped (first cause wins), and the eventfd that wakes the run
// loop's owner. Devices stop the VM through it (power-off, reset), vCPU
// threads report triple faults and KVM failures, crash handlers set kill.
#include <atomic>
#include <mutex>
#include <string>

#include "util/fd.hpp"

namespace ktstr::vm::kvm {

enum class StopCause { None, PowerOff, Reset, TripleFault, KvmFailure };

class VmState {
 public:
  VmState();
  int wake_fd() const { return wake_.get(); }
  void wake() const;
  // Drains the eventfd after a wake-up.
  void clear_wake() const;

  void stop(StopCause cause, std::string detail = {});
  StopCause cause() const;
  std::string detail() const;

  std::atomic<bool> kill{false};

 private:
  Fd wake_;
  mutable std::mutex mu_;
  StopCause cause_ = StopCause::None;
  std::string detail_;
};

}  // namespace ktstr::vm::kvm
