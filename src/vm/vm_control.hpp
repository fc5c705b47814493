#pragma once
// What a running VM lends to whoever watches it (the monitor, the watchdog
// shortener): its guest RAM and a way to freeze every vCPU for a short
// edit of guest kernel structures. Each backend implements it its own way
// (QEMU: SIGSTOP of its process; the own VMM: kicking vCPUs out of
// KVM_RUN), so nothing outside vm/ needs to know which backend runs.
#include <chrono>
#include <string>

#include "vm/guest_memory.hpp"

namespace ktstr::vm {

class VmControl {
 public:
  virtual ~VmControl() = default;
  virtual const GuestMemory& memory() const = 0;
  // Stops every vCPU and returns once none runs guest code (the guest sees
  // a short host preemption). False, with the reason in *err, when that
  // did not happen within `timeout`; the VM then keeps running.
  virtual bool pause(std::chrono::milliseconds timeout, std::string* err) = 0;
  virtual void resume() = 0;
};

// Guest RAM without a VM behind it (unit tests, recorded images): reads
// and writes work, pausing reports that it cannot.
class MemoryOnlyControl final : public VmControl {
 public:
  explicit MemoryOnlyControl(const GuestMemory& m) : m_(m) {}
  const GuestMemory& memory() const override { return m_; }
  bool pause(std::chrono::milliseconds, std::string* err) override {
    if (err) *err = "no VM to pause (guest memory only)";
    return false;
  }
  void resume() override {}

 private:
  const GuestMemory& m_;
};

// Resumes on scope exit, exceptions included: a VM left stopped would hang
// the run until its deadline.
class PauseGuard {
 public:
  PauseGuard(VmControl& vm, std::chrono::milliseconds timeout) : vm_(vm) { ok_ = vm_.pause(timeout, &err_); }
  ~PauseGuard() {
    if (ok_) vm_.resume();
  }
  PauseGuard(const PauseGuard&) = delete;
  PauseGuard& operator=(const PauseGuard&) = delete;
  bool ok() const { return ok_; }
  const std::string& error() const { return err_; }

 private:
  VmControl& vm_;
  bool ok_ = false;
  std::string err_;
};

}  // namespace ktstr::vm
