#pragma once
// Ctrl-C / SIGTERM handling. The handler only records the signal and wakes
// waiters through a self-pipe; every wait loop in ktstr polls that fd and
// throws Interrupted, so cleanup happens by ordinary RAII unwinding (QEMU
// killed, memfds closed, temp dirs removed) instead of inside a handler.
#include <stdexcept>

namespace ktstr {

class Interrupted : public std::runtime_error {
 public:
  explicit Interrupted(int sig);
  int signal() const { return sig_; }

 private:
  int sig_;
};

// Installs SIGINT/SIGTERM/SIGHUP handlers (idempotent).
void install_interrupt_handlers();
// fd that becomes readable once a signal arrived; -1 before installation.
int interrupt_fd();
// 0, or the signal number that arrived.
int pending_interrupt();
// Throws Interrupted if a signal arrived.
void throw_if_interrupted();

}  // namespace ktstr
