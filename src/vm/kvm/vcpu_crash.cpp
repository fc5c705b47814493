#include "vm/kvm/vcpu_crash.hpp"

#include <cxxabi.h>
#include <signal.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <cstring>
#include <exception>
#include <mutex>

#include <fmt/format.h>

#include "util/error.hpp"

namespace ktstr::vm::kvm {
namespace {

// initial-exec: reading it in a signal handler must not call into the
// dynamic linker (which may allocate).
__attribute__((tls_model("initial-exec"))) thread_local CrashContext* t_ctx = nullptr;

constexpr int kFatalSignals[] = {SIGSEGV, SIGBUS, SIGABRT, SIGILL, SIGFPE};
struct sigaction g_previous[NSIG];
std::terminate_handler g_previous_terminate = nullptr;

// Async-signal-safe: bounded copy into the fixed buffer.
void copy_reason(CrashContext& c, const char* a, const char* b = "") {
  size_t n = 0;
  for (const char* s : {a, b})
    for (; s && *s && n + 1 < sizeof c.reason; ++s) c.reason[n++] = *s;
  c.reason[n] = '\0';
}

void wake(const CrashContext& c) {
  uint64_t one = 1;
  if (c.wake_fd >= 0) [[maybe_unused]] ssize_t n = ::write(c.wake_fd, &one, sizeof one);
}

// Steps 1-3 of the crash path; false if the context had crashed already.
bool mark(CrashContext& c, CrashKind kind) {
  c.run_alive.store(false);
  int none = 0;
  bool first = c.kind.compare_exchange_strong(none, static_cast<int>(kind));
  if (c.kill) c.kill->store(true);
  c.exited.store(true);
  wake(c);
  return first;
}

void run_previous(int sig, siginfo_t* si, void* uc) {
  const struct sigaction& p = g_previous[sig];
  if (p.sa_flags & SA_SIGINFO) {
    if (p.sa_sigaction) p.sa_sigaction(sig, si, uc);
    return;
  }
  if (p.sa_handler != SIG_DFL && p.sa_handler != SIG_IGN) {
    p.sa_handler(sig);
    return;
  }
  // Default action: restore it and let the signal take the process down
  // (a fault re-executes and faults again; abort()/raise() re-raise).
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  ::sigaction(sig, &dfl, nullptr);
  if (si && si->si_code <= 0) ::raise(sig);  // sent, not a fault: send again
}

void park() {
  timespec until{};
  ::clock_gettime(CLOCK_MONOTONIC, &until);
  until.tv_sec += kParkSeconds;
  while (::clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, nullptr) == EINTR) {
  }
}

void on_fatal_signal(int sig, siginfo_t* si, void* uc) {
  int saved_errno = errno;
  if (CrashContext* c = t_ctx) {
    if (c->kind.load() == 0) {
      c->signal.store(sig);
      if (si) {
        c->signal_code.store(si->si_code);
        c->fault_address.store(reinterpret_cast<uintptr_t>(si->si_addr));
      }
    }
    mark(*c, CrashKind::Signal);
    park();
  }
  errno = saved_errno;
  run_previous(sig, si, uc);
}

void on_terminate() {
  if (CrashContext* c = t_ctx) {
    // The type of the exception in flight, if any: no allocation needed.
    std::type_info* ti = abi::__cxa_current_exception_type();
    if (c->kind.load() == 0) copy_reason(*c, ti ? ti->name() : "");
    mark(*c, CrashKind::Terminate);
  }
  if (g_previous_terminate) g_previous_terminate();
  std::abort();
}

std::string demangle(const char* name) {
  int status = 0;
  char* d = abi::__cxa_demangle(name, nullptr, nullptr, &status);
  std::string out = (status == 0 && d) ? d : name;
  std::free(d);
  return out;
}

std::string signal_name(int sig) {
  const char* abbrev = ::sigabbrev_np(sig);
  return abbrev ? std::string("SIG") + abbrev : fmt::format("signal {}", sig);
}

}  // namespace

void install_crash_handlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    for (int sig : kFatalSignals) {
      struct sigaction sa {};
      sa.sa_sigaction = on_fatal_signal;
      sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
      sigemptyset(&sa.sa_mask);
      if (::sigaction(sig, &sa, &g_previous[sig]) != 0) fail_errno("sigaction for the vCPU crash handler");
    }
    g_previous_terminate = std::set_terminate(on_terminate);
  });
}

CrashScope::CrashScope(CrashContext& ctx) {
  stack_size_ = std::max<size_t>(SIGSTKSZ, 64 * 1024);
  void* p = ::mmap(nullptr, stack_size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (p != MAP_FAILED) {
    stack_ = p;
    stack_t ss{};
    ss.ss_sp = p;
    ss.ss_size = stack_size_;
    ::sigaltstack(&ss, nullptr);
  }
  t_ctx = &ctx;
}

CrashScope::~CrashScope() {
  t_ctx = nullptr;
  if (stack_) {
    stack_t ss{};
    ss.ss_flags = SS_DISABLE;
    ::sigaltstack(&ss, nullptr);
    ::munmap(stack_, stack_size_);
  }
}

void record_exception(CrashContext& ctx, const char* what) {
  if (ctx.kind.load() == 0) copy_reason(ctx, what ? what : "unknown exception");
  mark(ctx, CrashKind::Exception);
}

void record_exit(CrashContext& ctx) {
  ctx.exited.store(true);
  ctx.finished.store(true);
  wake(ctx);
}

std::string describe_crash(const CrashContext& c) {
  switch (static_cast<CrashKind>(c.kind.load())) {
    case CrashKind::None: return {};
    case CrashKind::Exception: return fmt::format("exception: {}", c.reason);
    case CrashKind::Terminate:
      return c.reason[0] ? fmt::format("std::terminate (active exception: {})", demangle(c.reason))
                         : "std::terminate (no active exception)";
    case CrashKind::Signal:
      if (c.signal_code.load() <= 0) return fmt::format("{} (sent, not a fault)", signal_name(c.signal.load()));
      return fmt::format("{} (fault address {:#x})", signal_name(c.signal.load()), c.fault_address.load());
  }
  return "unknown crash";
}

}  // namespace ktstr::vm::kvm
