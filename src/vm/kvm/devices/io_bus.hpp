#pragma once
// Port I/O dispatch: each device claims a port range. Ports nobody claims
// read as all ones (an empty ISA bus) and swallow writes, which is what a
// probing guest kernel expects from absent hardware.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace ktstr::vm::kvm {

// Raises or lowers an interrupt line (KVM_IRQ_LINE in the VMM, a recorder
// in unit tests).
using IrqLine = std::function<void(uint32_t irq, bool level)>;

class IoDevice {
 public:
  virtual ~IoDevice() = default;
  // `offset` is relative to the start of the device's range; `data` holds
  // `size` bytes (1, 2 or 4), little-endian. Called from vCPU threads, so
  // devices lock their own state.
  virtual void read(uint16_t offset, uint8_t* data, uint32_t size) = 0;
  virtual void write(uint16_t offset, const uint8_t* data, uint32_t size) = 0;
};

class IoBus {
 public:
  void add(uint16_t base, uint16_t length, std::shared_ptr<IoDevice> dev);
  // False when no device claims the port (then reads return all ones).
  bool read(uint16_t port, uint8_t* data, uint32_t size);
  bool write(uint16_t port, const uint8_t* data, uint32_t size);
  // Accesses to unclaimed ports so far (shown with -v).
  uint64_t unclaimed() const { return unclaimed_.load(std::memory_order_relaxed); }

 private:
  struct Range {
    uint16_t base, length;
    std::shared_ptr<IoDevice> dev;
  };
  const Range* find(uint16_t port) const;
  std::vector<Range> ranges_;
  std::atomic<uint64_t> unclaimed_{0};
};

// Ports that must exist but do nothing: the POST code port (the kernel's
// I/O delay writes there), PCI configuration space (no PCI bus: reads are
// all ones, so the probe finds nothing).
class NullDevice final : public IoDevice {
 public:
  explicit NullDevice(uint8_t fill = 0xff) : fill_(fill) {}
  void read(uint16_t, uint8_t* data, uint32_t size) override;
  void write(uint16_t, const uint8_t*, uint32_t) override {}

 private:
  uint8_t fill_;
};

}  // namespace ktstr::vm::kvm
