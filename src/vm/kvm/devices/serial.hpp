#pragma once
// A 16550A UART as the Linux 8250 driver probes and drives it: divisor
// latch, scratch register, FIFO identification, modem-control loopback,
// and the receive-data / transmit-empty interrupts on its ISA line.
// Transmission is instant: every byte written to THR goes to `out` at once,
// so the transmitter is always empty again.
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <span>

#include "vm/kvm/devices/io_bus.hpp"

namespace ktstr::vm::kvm {

class Serial16550 final : public IoDevice {
 public:
  using Output = std::function<void(std::span<const uint8_t>)>;
  Serial16550(uint32_t irq, IrqLine irq_line, Output out);

  void read(uint16_t offset, uint8_t* data, uint32_t size) override;
  void write(uint16_t offset, const uint8_t* data, uint32_t size) override;
  // Bytes arriving from the host side (an interactive terminal).
  void push_input(std::span<const uint8_t> bytes);

  // Register offsets and bits the tests and the code share.
  enum Reg : uint16_t { kData = 0, kIer = 1, kIir = 2, kLcr = 3, kMcr = 4, kLsr = 5, kMsr = 6, kScr = 7 };
  static constexpr uint8_t kIerRx = 0x01, kIerTx = 0x02;
  static constexpr uint8_t kIirNone = 0x01, kIirTx = 0x02, kIirRx = 0x04, kIirFifo = 0xc0;
  static constexpr uint8_t kLcrDlab = 0x80, kMcrLoop = 0x10;
  static constexpr uint8_t kLsrDr = 0x01, kLsrThre = 0x20, kLsrTemt = 0x40;

 private:
  uint8_t read_reg(uint16_t offset);
  void write_reg(uint16_t offset, uint8_t v);
  uint8_t current_iir() const;
  void update_irq();  // call with mu_ held

  std::mutex mu_;
  uint32_t irq_;
  IrqLine irq_line_;
  Output out_;
  std::deque<uint8_t> rx_;
  uint8_t ier_ = 0, lcr_ = 0, mcr_ = 0, scr_ = 0, dll_ = 0x0c, dlm_ = 0;
  bool fifo_ = false;
  bool tx_pending_ = false;  // "transmitter empty" interrupt not yet acknowledged
  bool line_ = false;        // level last given to irq_line_
};

}  // namespace ktstr::vm::kvm
