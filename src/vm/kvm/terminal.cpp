#include "vm/kvm/terminal.hpp"

#include <unistd.h>

namespace ktstr::vm::kvm {

RawTerminal::RawTerminal() {
  if (!::isatty(0) || ::tcgetattr(0, &saved_) != 0) return;
  termios raw = saved_;
  ::cfmakeraw(&raw);
  active_ = ::tcsetattr(0, TCSANOW, &raw) == 0;
}

RawTerminal::~RawTerminal() {
  if (active_) ::tcsetattr(0, TCSANOW, &saved_);
}

}  // namespace ktstr::vm::kvm
