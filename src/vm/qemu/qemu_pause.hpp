#pragma once
// Pausing a QEMU VM: QEMU is our child, and SIGSTOP stops every thread of
// it (vCPU threads included, under TCG and KVM alike); SIGCONT resumes.
#include <sys/types.h>

#include <chrono>
#include <string>

namespace ktstr::vm::qemu {

class QemuPauser {
 public:
  explicit QemuPauser(pid_t pid) : pid_(pid) {}
  // Stops QEMU and waits until every thread is stopped; false (and QEMU
  // running again) if that did not happen within `timeout`.
  bool pause(std::chrono::milliseconds timeout, std::string* err);
  void resume();

 private:
  bool all_stopped() const;
  pid_t pid_;
};

}  // namespace ktstr::vm::qemu
