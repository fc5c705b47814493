#pragma once
// The vCPU threads of one VM: start, kick (immediate_exit + a signal, so a
// thread in KVM_RUN returns at once and one about to enter does not go
// in), pause/resume for observers, crash injection, and teardown that
// joins every thread that can still return and abandons one that crashed
// on a signal (it is parked in its handler until the process exits).
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "vm/guest_memory.hpp"
#include "vm/kvm/crash_inject.hpp"
#include "vm/kvm/devices/io_bus.hpp"
#include "vm/kvm/vcpu.hpp"
#include "vm/kvm/vcpu_crash.hpp"
#include "vm/kvm/vm_state.hpp"

namespace ktstr::vm::kvm {

class VcpuSet {
 public:
  VcpuSet(std::shared_ptr<VmState> state, IoBus& bus);
  ~VcpuSet();
  VcpuSet(const VcpuSet&) = delete;
  VcpuSet& operator=(const VcpuSet&) = delete;

  // `index` = CPU number in the topology model (what crash reports name).
  void add(std::unique_ptr<Vcpu> vcpu, uint32_t index);
  void start();
  size_t size() const { return runners_.size(); }

  void kick_all();
  // Every vCPU out of guest mode and parked; false (VM running again) if
  // that did not happen within `timeout`.
  bool pause(std::chrono::milliseconds timeout, std::string* err);
  void resume();
  // Makes vCPU `index` crash the requested way (test-only injection).
  void inject(const CrashInjection& inj);
  // Sets kill, kicks, joins threads that finish within `grace`; a thread
  // that does not (parked after a fatal signal, or stuck) is detached and
  // its runner — crash context, vCPU fd and run area — kept alive with the
  // VM state until the process exits: its handler may still be writing
  // them, and freeing them under it corrupted the heap.
  void stop(std::chrono::milliseconds grace);

  // "vCPU N crashed: <reason>" for each crashed thread, in CPU order.
  std::vector<std::string> crash_reports() const;
  bool signal_crash() const;
  // After stop(): where each joined vCPU was ("vCPU 0: rip 0x... (halted)"),
  // for diagnosing a hung guest with -v.
  std::vector<std::string> describe_vcpus(const GuestMemory& mem) const;
  // When the boot vCPU first entered KVM_RUN (zero time_point if never).
  std::chrono::steady_clock::time_point first_entry() const;

 private:
  struct Runner {
    std::unique_ptr<Vcpu> vcpu;
    CrashContext ctx;
    std::thread thread;
    std::atomic<int> inject{0};  // InjectKind to perform, 0 = none
  };
  void thread_main(Runner& r);
  void loop(Runner& r);
  void handle_exit(Runner& r);
  void park();
  void kick(Runner& r);

  std::shared_ptr<VmState> keep_state_;  // abandoned threads may still write it
  VmState& state_;
  IoBus& bus_;
  std::vector<std::unique_ptr<Runner>> runners_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<bool> pause_requested_{false};
  size_t parked_ = 0;
  std::atomic<int64_t> first_entry_ns_{0};
};

}  // namespace ktstr::vm::kvm
