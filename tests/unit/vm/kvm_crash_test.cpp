// The vCPU crash path against real crashes: each case runs in a forked
// child whose "vCPU" thread really throws, terminates, faults or aborts.
// The child's main thread plays the run loop's owner: it waits on the
// eventfd, reports what the context says and exits normally — which it
// can only do if the handler classified the crash and kept the process
// alive for the owner instead of dying on the spot.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <string>
#include <thread>

#include "util/error.hpp"
#include "vm/kvm/crash_inject.hpp"
#include "vm/kvm/vcpu_crash.hpp"
#include "support/ktstr_test_support.hpp"

using namespace ktstr::vm::kvm;

namespace {

struct ChildResult {
  int status = -1;
  std::string out;
  double seconds = 0;
};

template <typename Fn>
ChildResult in_child(Fn fn) {
  int p[2];
  EXPECT_EQ(::pipe(p), 0);
  auto t0 = std::chrono::steady_clock::now();
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(p[0]);
    fn(p[1]);
    ::_exit(0);
  }
  ::close(p[1]);
  ChildResult r;
  char buf[512];
  ssize_t n;
  while ((n = ::read(p[0], buf, sizeof buf)) > 0) r.out.append(buf, static_cast<size_t>(n));
  ::close(p[0]);
  ::waitpid(pid, &r.status, 0);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

// The owner side: a vCPU-like thread crashes `kind` ways; report its context.
void crash_and_report(InjectKind kind, int out) {
  std::atomic<bool> kill{false};
  CrashContext ctx;
  ctx.index = 3;
  ctx.kill = &kill;
  ctx.wake_fd = ::eventfd(0, EFD_CLOEXEC);
  install_crash_handlers();
  std::thread t([&] {
    {
      CrashScope scope(ctx);
      try {
        crash_now(kind, ctx.index);
      } catch (const std::exception& e) {
        record_exception(ctx, e.what());
      }
    }
    record_exit(ctx);
  });
  pollfd pfd{ctx.wake_fd, POLLIN, 0};
  ::poll(&pfd, 1, 10000);
  std::string report = describe_crash(ctx) + (kill.load() ? " [kill]" : "") + (ctx.run_alive.load() ? "" : " [run-area-dead]");
  [[maybe_unused]] auto w = ::write(out, report.data(), report.size());
  if (ctx.finished.load())
    t.join();
  else
    t.detach();  // parked in the signal handler until we exit
  ::_exit(0);
}

}  // namespace

TEST(KvmCrash, ExceptionLeavingTheRunLoopIsClassified) {
  auto r = in_child([](int out) { crash_and_report(InjectKind::Exception, out); });
  EXPECT_TRUE(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0) << r.status;
  EXPECT_EQ(r.out, "exception: injected failure in vCPU 3 (KTSTR_KVM_INJECT_CRASH) [kill] [run-area-dead]");
}

TEST(KvmCrash, TerminateIsClassifiedAndTheProcessSurvivesToReport) {
  auto r = in_child([](int out) { crash_and_report(InjectKind::Terminate, out); });
  EXPECT_TRUE(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0) << "status " << r.status;
  EXPECT_EQ(r.out, "std::terminate (no active exception) [kill] [run-area-dead]");
  EXPECT_LT(r.seconds, 10);
}

TEST(KvmCrash, SegfaultIsClassifiedWithItsFaultAddress) {
  auto r = in_child([](int out) { crash_and_report(InjectKind::Segv, out); });
  EXPECT_TRUE(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0) << "status " << r.status;
  EXPECT_EQ(r.out, "SIGSEGV (fault address 0x10) [kill] [run-area-dead]");
  EXPECT_LT(r.seconds, 10);
}

TEST(KvmCrash, AbortIsClassifiedAsASentSignal) {
  auto r = in_child([](int out) { crash_and_report(InjectKind::Abort, out); });
  EXPECT_TRUE(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0) << "status " << r.status;
  EXPECT_EQ(r.out, "SIGABRT (sent, not a fault) [kill] [run-area-dead]");
}

TEST(KvmCrash, ACrashOutsideAnyVcpuThreadReachesThePreviousHandler) {
  auto r = in_child([](int out) {
    struct sigaction prev {};
    prev.sa_handler = [](int) { ::_exit(42); };
    sigemptyset(&prev.sa_mask);
    ::sigaction(SIGSEGV, &prev, nullptr);
    install_crash_handlers();
    (void)out;
    crash_now(InjectKind::Segv, 0);
  });
  EXPECT_TRUE(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 42) << "the previous handler must still run; status "
                                                                   << r.status;
}

TEST(KvmCrash, ACrashOutsideAnyVcpuThreadWithoutPreviousHandlerDiesAsBefore) {
  auto r = in_child([](int) {
    install_crash_handlers();
    crash_now(InjectKind::Segv, 0);
  });
#if defined(__SANITIZE_ADDRESS__)
  // Under AddressSanitizer its own SEGV handler is the previous one: it
  // reports and aborts (scripts/sanitize.sh sets abort_on_error=1).
  EXPECT_TRUE(WIFSIGNALED(r.status) && WTERMSIG(r.status) == SIGABRT) << "status " << r.status;
#else
  EXPECT_TRUE(WIFSIGNALED(r.status) && WTERMSIG(r.status) == SIGSEGV) << "status " << r.status;
#endif
  EXPECT_LT(r.seconds, 5) << "no parking outside vCPU threads";
}

TEST(KvmCrashInjection, ParsesKindVcpuAndDelay) {
  auto i = parse_crash_injection("segv:2:1500");
  ASSERT_TRUE(i);
  EXPECT_EQ(i->kind, InjectKind::Segv);
  EXPECT_EQ(i->vcpu, 2u);
  EXPECT_EQ(i->after, std::chrono::milliseconds(1500));
  EXPECT_EQ(parse_crash_injection("abort:0")->after, std::chrono::milliseconds(0));
  EXPECT_FALSE(parse_crash_injection(""));
}

TEST(KvmCrashInjection, MalformedValuesSayWhatIsWrong) {
  auto msg = [](const char* v) {
    return ktstr::test::error_of([&] { parse_crash_injection(v); });
  };
  EXPECT_NE(msg("boom:1").find("kind must be exception, terminate, segv or abort"), std::string::npos);
  EXPECT_NE(msg("segv").find("expected <kind>:<vcpu>[:<ms>]"), std::string::npos);
  EXPECT_NE(msg("segv:x").find("'x' is not a number"), std::string::npos);
}
