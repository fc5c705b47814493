#pragma once
// Freezing the whole VM for a few hundred microseconds so the host can edit
// guest kernel structures that are normally protected by guest spinlocks.
// QEMU is our child; SIGSTOP stops every thread of it (vCPU threads
// included, under TCG and KVM alike), SIGCONT resumes. The guest sees a
// short pause, like a host preemption.
//
// The observer API does not hand out QEMU's pid, so we find the child
// process that maps the same guest-RAM memfd (same inode) as we do.
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>

#include "vm/guest_memory.hpp"

namespace ktstr::monitor {

class VmPauser {
 public:
  // The QEMU child mapping `mem`, or nullopt (other backend, not our child).
  static std::optional<VmPauser> find(const vm::GuestMemory& mem);
  explicit VmPauser(pid_t pid) : pid_(pid) {}
  pid_t pid() const { return pid_; }

  // Stops the VM and waits until every thread is stopped; false (and the VM
  // running again) if that did not happen within `timeout`.
  bool pause(std::chrono::milliseconds timeout, std::string* err);
  void resume();

 private:
  bool all_stopped() const;
  pid_t pid_;
};

// Resumes on scope exit, exceptions included: a VM left stopped would hang
// the run until its deadline.
class PauseGuard {
 public:
  PauseGuard(VmPauser& p, std::chrono::milliseconds timeout) : p_(p) { ok_ = p_.pause(timeout, &err_); }
  ~PauseGuard() {
    if (ok_) p_.resume();
  }
  PauseGuard(const PauseGuard&) = delete;
  PauseGuard& operator=(const PauseGuard&) = delete;
  bool ok() const { return ok_; }
  const std::string& error() const { return err_; }

 private:
  VmPauser& p_;
  bool ok_ = false;
  std::string err_;
};

}  // namespace ktstr::monitor
