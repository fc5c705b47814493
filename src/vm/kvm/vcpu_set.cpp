#include "vm/kvm/vcpu_set.hpp"

#include <pthread.h>
#include <signal.h>

#include <cstring>
#include <mutex>

#include <fmt/format.h>

#include "util/error.hpp"
#include "util/log.hpp"
#include "vm/kvm/x86/page_walk.hpp"

namespace ktstr::vm::kvm {
namespace {

using Clock = std::chrono::steady_clock;

// The kick signal only interrupts KVM_RUN; its handler does nothing.
int kick_signal() { return SIGRTMIN + 4; }
void on_kick(int) {}

// Runners of abandoned vCPU threads, never freed (see VcpuSet::stop).
std::mutex g_abandoned_mu;
std::vector<std::shared_ptr<void>>* g_abandoned = new std::vector<std::shared_ptr<void>>;  // leaked on purpose

void install_kick_handler() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction sa {};
    sa.sa_handler = on_kick;  // no SA_RESTART: KVM_RUN must return EINTR
    sigemptyset(&sa.sa_mask);
    if (::sigaction(kick_signal(), &sa, nullptr) != 0) fail_errno("sigaction for the vCPU kick signal");
  });
}

// vCPU threads leave Ctrl-C and friends to the main thread's handlers.
void block_interrupts_in_this_thread() {
  sigset_t set;
  sigemptyset(&set);
  for (int s : {SIGINT, SIGTERM, SIGHUP, SIGPIPE}) sigaddset(&set, s);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

void set_immediate_exit(kvm_run* run, uint8_t v) {
  __atomic_store_n(&run->immediate_exit, v, __ATOMIC_SEQ_CST);
}

}  // namespace

VcpuSet::VcpuSet(std::shared_ptr<VmState> state, IoBus& bus)
    : keep_state_(std::move(state)), state_(*keep_state_), bus_(bus) {
  install_kick_handler();
  install_crash_handlers();
}

VcpuSet::~VcpuSet() {
  stop(std::chrono::seconds(2));
  for (auto& r : runners_) {
    if (r->ctx.finished.load()) continue;
    std::lock_guard lock(g_abandoned_mu);
    g_abandoned->push_back(keep_state_);
    g_abandoned->push_back(std::shared_ptr<Runner>(std::move(r)));
  }
}

void VcpuSet::add(std::unique_ptr<Vcpu> vcpu, uint32_t index) {
  auto r = std::make_unique<Runner>();
  r->vcpu = std::move(vcpu);
  r->ctx.index = index;
  r->ctx.kill = &state_.kill;
  r->ctx.wake_fd = state_.wake_fd();
  runners_.push_back(std::move(r));
}

void VcpuSet::start() {
  for (auto& r : runners_) {
    Runner* p = r.get();
    p->thread = std::thread([this, p] { thread_main(*p); });
  }
}

void VcpuSet::thread_main(Runner& r) {
  block_interrupts_in_this_thread();
  {
    CrashScope scope(r.ctx);
    try {
      loop(r);
    } catch (const std::exception& e) {
      record_exception(r.ctx, e.what());
    } catch (...) {
      record_exception(r.ctx, "unknown exception");
    }
  }
  record_exit(r.ctx);
}

void VcpuSet::loop(Runner& r) {
  kvm_run* run = r.vcpu->run_area();
  while (!state_.kill.load()) {
    if (int k = r.inject.exchange(0)) crash_now(static_cast<InjectKind>(k), r.ctx.index);
    if (pause_requested_.load()) {
      park();
      continue;
    }
    if (r.ctx.index == 0 && first_entry_ns_.load() == 0)
      first_entry_ns_.store(Clock::now().time_since_epoch().count());
    int err = r.vcpu->run();
    if (err == EINTR || err == EAGAIN) {
      // A kick: clear it first, then look at the flags it announced.
      set_immediate_exit(run, 0);
      continue;
    }
    if (err) {
      state_.stop(StopCause::KvmFailure, fmt::format("KVM_RUN on vCPU {} failed: {}", r.ctx.index, std::strerror(err)));
      return;
    }
    handle_exit(r);
  }
}

void VcpuSet::handle_exit(Runner& r) {
  kvm_run* run = r.vcpu->run_area();
  switch (run->exit_reason) {
    case KVM_EXIT_IO: {
      auto* data = reinterpret_cast<uint8_t*>(run) + run->io.data_offset;
      for (uint32_t i = 0; i < run->io.count; ++i, data += run->io.size) {
        if (run->io.direction == KVM_EXIT_IO_OUT)
          bus_.write(run->io.port, data, run->io.size);
        else
          bus_.read(run->io.port, data, run->io.size);
      }
      return;
    }
    case KVM_EXIT_MMIO:
      // Nothing is mapped outside RAM and the in-kernel APICs: reads see
      // all ones (absent hardware), writes vanish.
      if (!run->mmio.is_write) std::memset(run->mmio.data, 0xff, sizeof run->mmio.data);
      return;
    case KVM_EXIT_INTR:
    case KVM_EXIT_HLT:
      return;
    case KVM_EXIT_SHUTDOWN:
      state_.stop(StopCause::TripleFault, fmt::format("triple fault on vCPU {}", r.ctx.index));
      return;
    case KVM_EXIT_SYSTEM_EVENT:
      if (run->system_event.type == KVM_SYSTEM_EVENT_RESET)
        state_.stop(StopCause::Reset, "system reset");
      else
        state_.stop(StopCause::PowerOff, "system event");
      return;
    case KVM_EXIT_FAIL_ENTRY:
      state_.stop(StopCause::KvmFailure,
                  fmt::format("VM entry failed on vCPU {} (hardware reason {:#x})", r.ctx.index,
                              run->fail_entry.hardware_entry_failure_reason));
      return;
    case KVM_EXIT_INTERNAL_ERROR:
      state_.stop(StopCause::KvmFailure, fmt::format("KVM internal error on vCPU {} (suberror {})", r.ctx.index,
                                                     run->internal.suberror));
      return;
    default:
      state_.stop(StopCause::KvmFailure,
                  fmt::format("unexpected KVM exit reason {} on vCPU {}", run->exit_reason, r.ctx.index));
      return;
  }
}

void VcpuSet::park() {
  std::unique_lock lock(mu_);
  ++parked_;
  cv_.notify_all();
  cv_.wait(lock, [&] { return !pause_requested_.load() || state_.kill.load(); });
  --parked_;
}

void VcpuSet::kick(Runner& r) {
  // A crashed thread's run area may be going away: never touch it.
  if (!r.ctx.run_alive.load() || r.ctx.exited.load() || !r.thread.joinable()) return;
  set_immediate_exit(r.vcpu->run_area(), 1);
  pthread_kill(r.thread.native_handle(), kick_signal());
}

void VcpuSet::kick_all() {
  for (auto& r : runners_) kick(*r);
}

bool VcpuSet::pause(std::chrono::milliseconds timeout, std::string* err) {
  pause_requested_.store(true);
  kick_all();
  std::unique_lock lock(mu_);
  auto live = [&] {
    size_t n = 0;
    for (auto& r : runners_) n += r->ctx.exited.load() ? 0 : 1;
    return n;
  };
  bool ok = cv_.wait_for(lock, timeout, [&] { return parked_ >= live() || state_.kill.load(); });
  if (ok && !state_.kill.load()) return true;
  lock.unlock();
  resume();
  if (err) *err = state_.kill.load() ? "the VM is stopping" : fmt::format("vCPUs did not stop within {} ms", timeout.count());
  return false;
}

void VcpuSet::resume() {
  {
    std::lock_guard lock(mu_);
    pause_requested_.store(false);
  }
  cv_.notify_all();
}

void VcpuSet::inject(const CrashInjection& inj) {
  for (auto& r : runners_)
    if (r->ctx.index == inj.vcpu) {
      r->inject.store(static_cast<int>(inj.kind));
      kick(*r);
    }
}

void VcpuSet::stop(std::chrono::milliseconds grace) {
  state_.kill.store(true);
  {
    std::lock_guard lock(mu_);
  }
  cv_.notify_all();
  auto until = Clock::now() + grace;
  for (auto& r : runners_) {
    if (!r->thread.joinable()) continue;
    // Kick until it returns: one kick may land just before it re-enters.
    while (!r->ctx.finished.load() && Clock::now() < until) {
      kick(*r);
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (r->ctx.finished.load()) {
      r->thread.join();
    } else {
      log::debug("vCPU {} did not return; abandoning its thread", r->ctx.index);
      r->thread.detach();
    }
  }
}

std::vector<std::string> VcpuSet::crash_reports() const {
  std::vector<std::string> out;
  for (const auto& r : runners_)
    if (auto why = describe_crash(r->ctx); !why.empty()) out.push_back(fmt::format("vCPU {} crashed: {}", r->ctx.index, why));
  return out;
}

bool VcpuSet::signal_crash() const {
  for (const auto& r : runners_)
    if (r->ctx.kind.load() == static_cast<int>(CrashKind::Signal) || r->ctx.kind.load() == static_cast<int>(CrashKind::Terminate))
      return true;
  return false;
}

std::vector<std::string> VcpuSet::describe_vcpus(const GuestMemory& mem) const {
  std::vector<std::string> out;
  for (const auto& r : runners_) {
    if (!r->ctx.finished.load()) continue;  // abandoned: its vCPU fd may be mid-call
    try {
      kvm_regs regs = r->vcpu->regs();
      kvm_sregs sregs = r->vcpu->sregs();
      std::string line = fmt::format("vCPU {} (APIC {}): rip {:#x} rsp {:#x} rflags {:#x} cr0 {:#x} cr3 {:#x}",
                                     r->ctx.index, r->vcpu->apic_id(), regs.rip, regs.rsp, regs.rflags, sregs.cr0, sregs.cr3);
      // Kernel text addresses on the stack: a poor man's backtrace to
      // resolve against /proc/kallsyms of the same kernel.
      std::string words;
      for (uint64_t off = 0; off < 512 * 8 && (sregs.cr0 & 0x80000000u); off += 8) {
        auto pa = translate(mem, sregs.cr3, regs.rsp + off);
        auto w = pa ? mem.at(*pa, 8) : std::span<uint8_t>{};
        if (w.empty()) break;
        uint64_t v;
        std::memcpy(&v, w.data(), 8);
        if ((v >> 32) == 0xffffffffu && v >= 0xffffffff81000000ull && v < 0xffffffffc0000000ull)
          words += fmt::format(" {:#x}", v);
      }
      out.push_back(line + (words.empty() ? "" : "; stack:" + words));
    } catch (const std::exception& e) {
      out.push_back(fmt::format("vCPU {}: {}", r->ctx.index, e.what()));
    }
  }
  return out;
}

Clock::time_point VcpuSet::first_entry() const {
  return Clock::time_point(Clock::duration(first_entry_ns_.load()));
}

}  // namespace ktstr::vm::kvm
