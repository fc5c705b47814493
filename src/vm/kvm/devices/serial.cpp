#include "vm/kvm/devices/serial.hpp"

namespace ktstr::vm::kvm {
namespace {
constexpr size_t kRxLimit = 4096;  // like a terminal's line buffer; excess is dropped
constexpr uint8_t kMsrNormal = 0xb0;  // DCD, DSR, CTS: a cable is attached
}  // namespace

Serial16550::Serial16550(uint32_t irq, IrqLine irq_line, Output out)
    : irq_(irq), irq_line_(std::move(irq_line)), out_(std::move(out)) {}

void Serial16550::read(uint16_t offset, uint8_t* data, uint32_t size) {
  std::lock_guard lock(mu_);
  for (uint32_t i = 0; i < size; ++i) data[i] = read_reg(static_cast<uint16_t>(offset + i));
  update_irq();
}

void Serial16550::write(uint16_t offset, const uint8_t* data, uint32_t size) {
  std::lock_guard lock(mu_);
  for (uint32_t i = 0; i < size; ++i) write_reg(static_cast<uint16_t>(offset + i), data[i]);
  update_irq();
}

void Serial16550::push_input(std::span<const uint8_t> bytes) {
  std::lock_guard lock(mu_);
  for (uint8_t b : bytes)
    if (rx_.size() < kRxLimit) rx_.push_back(b);
  update_irq();
}

uint8_t Serial16550::current_iir() const {
  uint8_t fifo = fifo_ ? kIirFifo : 0;
  if ((ier_ & kIerRx) && !rx_.empty()) return kIirRx | fifo;
  if ((ier_ & kIerTx) && tx_pending_) return kIirTx | fifo;
  return kIirNone | fifo;
}

uint8_t Serial16550::read_reg(uint16_t offset) {
  bool dlab = lcr_ & kLcrDlab;
  switch (offset) {
    case kData: {
      if (dlab) return dll_;
      if (rx_.empty()) return 0;
      uint8_t b = rx_.front();
      rx_.pop_front();
      return b;
    }
    case kIer: return dlab ? dlm_ : ier_;
    case kIir: {
      uint8_t iir = current_iir();
      // Reading IIR acknowledges a transmitter-empty interrupt.
      if ((iir & 0x0f) == kIirTx) tx_pending_ = false;
      return iir;
    }
    case kLcr: return lcr_;
    case kMcr: return mcr_;
    case kLsr: return kLsrThre | kLsrTemt | (rx_.empty() ? 0 : kLsrDr);
    case kMsr:
      if (mcr_ & kMcrLoop)  // loopback: DTR->DSR, RTS->CTS, OUT1->RI, OUT2->DCD
        return static_cast<uint8_t>(((mcr_ & 0x01) << 5) | ((mcr_ & 0x02) << 3) | ((mcr_ & 0x04) << 4) |
                                    ((mcr_ & 0x08) << 4));
      return kMsrNormal;
    case kScr: return scr_;
  }
  return 0xff;
}

void Serial16550::write_reg(uint16_t offset, uint8_t v) {
  bool dlab = lcr_ & kLcrDlab;
  switch (offset) {
    case kData:
      if (dlab) {
        dll_ = v;
      } else if (mcr_ & kMcrLoop) {
        if (rx_.size() < kRxLimit) rx_.push_back(v);
        tx_pending_ = true;
      } else {
        out_(std::span<const uint8_t>(&v, 1));
        tx_pending_ = true;  // sent at once: the holding register is empty again
      }
      return;
    case kIer:
      if (dlab) {
        dlm_ = v;
      } else {
        // Enabling the transmit interrupt with an empty THR raises it at once
        // (the 8250 driver's THRE test relies on that).
        if ((v & kIerTx) && !(ier_ & kIerTx)) tx_pending_ = true;
        ier_ = v & 0x0f;
      }
      return;
    case kIir:  // FCR
      fifo_ = v & 0x01;
      if (v & 0x02) rx_.clear();
      return;
    case kLcr: lcr_ = v; return;
    case kMcr: mcr_ = v & 0x1f; return;
    case kScr: scr_ = v; return;
    default: return;  // LSR and MSR are read-only
  }
}

void Serial16550::update_irq() {
  bool level = (current_iir() & kIirNone) == 0;
  if (level == line_) return;
  line_ = level;
  if (irq_line_) irq_line_(irq_, level);
}

}  // namespace ktstr::vm::kvm
