#include "vm/kvm/devices/io_bus.hpp"

#include <cstring>

#include "util/error.hpp"

namespace ktstr::vm::kvm {

void IoBus::add(uint16_t base, uint16_t length, std::shared_ptr<IoDevice> dev) {
  for (const auto& r : ranges_)
    if (base < r.base + r.length && r.base < base + length)
      fail("I/O ports {:#x}+{} overlap a device at {:#x}+{}", base, length, r.base, r.length);
  ranges_.push_back({base, length, std::move(dev)});
}

const IoBus::Range* IoBus::find(uint16_t port) const {
  for (const auto& r : ranges_)
    if (port >= r.base && port - r.base < r.length) return &r;
  return nullptr;
}

bool IoBus::read(uint16_t port, uint8_t* data, uint32_t size) {
  if (const Range* r = find(port)) {
    r->dev->read(static_cast<uint16_t>(port - r->base), data, size);
    return true;
  }
  unclaimed_.fetch_add(1, std::memory_order_relaxed);
  std::memset(data, 0xff, size);
  return false;
}

bool IoBus::write(uint16_t port, const uint8_t* data, uint32_t size) {
  if (const Range* r = find(port)) {
    r->dev->write(static_cast<uint16_t>(port - r->base), data, size);
    return true;
  }
  unclaimed_.fetch_add(1, std::memory_order_relaxed);
  return false;
}

void NullDevice::read(uint16_t, uint8_t* data, uint32_t size) { std::memset(data, fill_, size); }

}  // namespace ktstr::vm::kvm
