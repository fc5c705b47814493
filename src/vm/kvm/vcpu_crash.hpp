#pragma once
// vCPU crash classification: every vCPU thread runs inside a CrashScope
// that publishes its CrashContext in a thread-local. When that thread
// crashes — an exception leaves its run loop, std::terminate runs on it,
// or a fatal signal (SIGSEGV, SIGBUS, SIGABRT, SIGILL, SIGFPE) is delivered
// to it — the handler, with only async-signal-safe stores and writes:
//   1. clears run_alive, so nobody writes into that vCPU's kvm_run area
//      (kicks check it) while the thread dies;
//   2. records the cause, sets the VM's kill flag and the thread's exited
//      flag;
//   3. writes the VM's eventfd, waking the run loop's owner.
// Only then does control pass on: an exception unwinds the thread
// normally; terminate calls the previous terminate handler; a signal waits
// (bounded, kParkSeconds) for the owner to report and exit the process,
// then runs the previously installed handler, or the default action. The
// owner turns the context into "vCPU N crashed: <reason>".
#include <atomic>
#include <cstdint>
#include <string>

namespace ktstr::vm::kvm {

enum class CrashKind : int { None = 0, Exception = 1, Terminate = 2, Signal = 3 };

struct CrashContext {
  uint32_t index = 0;                      // CPU number in the topology model
  std::atomic<bool>* kill = nullptr;       // the VM's stop flag
  int wake_fd = -1;                        // eventfd the owner polls
  std::atomic<bool> run_alive{true};       // kvm_run may still be written by kickers
  std::atomic<bool> exited{false};         // thread left its run loop (any way)
  std::atomic<bool> finished{false};       // thread function returned: joinable
  std::atomic<int> kind{0};                // CrashKind, first cause wins
  std::atomic<int> signal{0};
  std::atomic<int> signal_code{0};         // si_code: > 0 a fault the CPU raised, <= 0 sent (kill, abort)
  std::atomic<uintptr_t> fault_address{0};
  char reason[192] = {};                   // exception text / exception type; NUL-terminated
};

// Seconds a signal-crashed vCPU thread waits inside the handler for the
// owner to report and end the process before the previous handler (or the
// default action: core dump) runs. Bounds the time to exit either way.
constexpr int kParkSeconds = 20;

// Installs the fatal-signal handlers and the terminate handler once per
// process, remembering the previous ones. Not undone: they only act on
// threads inside a CrashScope and pass everything else on unchanged.
void install_crash_handlers();

// Publishes `ctx` for the current thread and gives it an alternate signal
// stack (a stack overflow must still reach the handler); both undone on
// scope exit.
class CrashScope {
 public:
  explicit CrashScope(CrashContext& ctx);
  ~CrashScope();
  CrashScope(const CrashScope&) = delete;
  CrashScope& operator=(const CrashScope&) = delete;

 private:
  void* stack_ = nullptr;
  size_t stack_size_ = 0;
};

// Marks `ctx` crashed by an exception with `what` (called from the catch
// block at the top of the vCPU thread).
void record_exception(CrashContext& ctx, const char* what);

// Marks a normal end of the thread (exited + finished, wakes the owner).
void record_exit(CrashContext& ctx);

// "exception: <what>", "std::terminate (active exception: std::runtime_error)",
// "SIGSEGV (fault address 0x10)", "SIGABRT (sent, not a fault)"; empty if
// the context did not crash.
std::string describe_crash(const CrashContext& ctx);

}  // namespace ktstr::vm::kvm
