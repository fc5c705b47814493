#pragma once
// The user's terminal in raw mode while an interactive guest owns it
// (Ctrl-C goes to the guest, as with QEMU's stdio console); restored on
// scope exit, exceptions included. Does nothing when stdin is no terminal.
#include <termios.h>

namespace ktstr::vm::kvm {

class RawTerminal {
 public:
  RawTerminal();
  ~RawTerminal();
  RawTerminal(const RawTerminal&) = delete;
  RawTerminal& operator=(const RawTerminal&) = delete;

 private:
  bool active_ = false;
  termios saved_{};
};

}  // namespace ktstr::vm::kvm
