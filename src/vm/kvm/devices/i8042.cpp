#include "vm/kvm/devices/i8042.hpp"

namespace ktstr::vm::kvm {
namespace {
constexpr uint16_t kDataOffset = 0, kCommandOffset = 4;
constexpr uint8_t kKbdAck = 0xfa;
}  // namespace

I8042::I8042(std::function<void()> on_reset) : on_reset_(std::move(on_reset)) {}

void I8042::read(uint16_t offset, uint8_t* data, uint32_t size) {
  std::lock_guard lock(mu_);
  uint8_t v = 0xff;
  if (offset == kCommandOffset) {
    v = static_cast<uint8_t>(status_ | (out_ ? kStatusOutputFull : 0));
  } else if (offset == kDataOffset) {
    v = out_.value_or(0);
    out_.reset();
  }
  for (uint32_t i = 0; i < size; ++i) data[i] = i == 0 ? v : 0xff;
}

void I8042::write(uint16_t offset, const uint8_t* data, uint32_t size) {
  if (size == 0) return;
  std::lock_guard lock(mu_);
  if (offset == kCommandOffset) {
    status_ |= kStatusCommand;
    command(data[0]);
  } else if (offset == kDataOffset) {
    status_ &= static_cast<uint8_t>(~kStatusCommand);
    this->data(data[0]);
  }
}

void I8042::command(uint8_t cmd) {
  awaiting_.reset();
  switch (cmd) {
    case kCmdReadCtr: out_ = ctr_; return;
    case kCmdWriteCtr: awaiting_ = cmd; return;
    case kCmdSelfTest: out_ = 0x55; return;
    case kCmdInterfaceTest: out_ = 0x00; return;
    case kCmdWriteOutput: awaiting_ = cmd; return;
    default:
      // 0xf0-0xff pulse output lines low for a moment; bit 0 is CPU reset.
      if (cmd >= 0xf0 && !(cmd & 0x01)) reset();
      return;
  }
}

void I8042::data(uint8_t v) {
  if (!awaiting_) {  // a byte for the keyboard itself: acknowledge it
    out_ = kKbdAck;
    return;
  }
  uint8_t cmd = *awaiting_;
  awaiting_.reset();
  if (cmd == kCmdWriteCtr) ctr_ = v;
  if (cmd == kCmdWriteOutput && !(v & 0x01)) reset();
}

void I8042::reset() {
  // Linux pulses ten times in a row; the VM ends at the first.
  if (reset_done_) return;
  reset_done_ = true;
  if (on_reset_) on_reset_();
}

}  // namespace ktstr::vm::kvm
