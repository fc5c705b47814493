#pragma once
// The keyboard controller, for what a guest kernel does with it: reboot.
// Linux resets a PC by pulsing the CPU reset line through the 8042
// (command 0xfe on port 0x64, or output port bit 0 cleared via 0xd1); the
// VMM turns that into the end of the VM, like QEMU's -no-reboot. Command
// byte, self test and output buffer behave enough for a probe to pass.
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>

#include "vm/kvm/devices/io_bus.hpp"

namespace ktstr::vm::kvm {

class I8042 final : public IoDevice {
 public:
  // Covers ports 0x60-0x64 (offset 0 = data, 4 = status/command).
  explicit I8042(std::function<void()> on_reset);

  void read(uint16_t offset, uint8_t* data, uint32_t size) override;
  void write(uint16_t offset, const uint8_t* data, uint32_t size) override;

  static constexpr uint8_t kStatusOutputFull = 0x01, kStatusSystem = 0x04, kStatusCommand = 0x08;
  static constexpr uint8_t kCmdReadCtr = 0x20, kCmdWriteCtr = 0x60, kCmdSelfTest = 0xaa,
                           kCmdInterfaceTest = 0xab, kCmdWriteOutput = 0xd1, kCmdPulseReset = 0xfe;

 private:
  void command(uint8_t cmd);
  void data(uint8_t v);
  void reset();

  std::mutex mu_;
  std::function<void()> on_reset_;
  std::optional<uint8_t> out_;       // output buffer (port 0x60)
  std::optional<uint8_t> awaiting_;  // command whose data byte comes next
  uint8_t ctr_ = 0x45;               // kbd interrupt, system flag, translation
  uint8_t status_ = kStatusSystem;
  bool reset_done_ = false;
};

}  // namespace ktstr::vm::kvm
