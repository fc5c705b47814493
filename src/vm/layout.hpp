#pragma once
// The guest-physical memory map shared by the host (VM backends, channel
// reader, monitor) — constants in one place.
#include <cstdint>

namespace ktstr::vm::layout {

constexpr uint64_t kMiB = 1ull << 20;
constexpr uint64_t kGiB = 1ull << 30;

// QEMU microvm puts at most 3 GiB of RAM below 4 GiB; the rest continues at
// 4 GiB (measured: e820 "System RAM 0x100000-0xbfffffff", then 0x100000000-).
constexpr uint64_t kLowMemLimit = 3 * kGiB;
constexpr uint64_t kHighMemStart = 4 * kGiB;

// The host<->guest ring: hidden from the guest's allocator with
// memmap=<size>$<addr>; placed 1 MiB below min(end of RAM, 2 GiB), so it is
// always in low memory, away from the kernel image, and clear of the ACPI
// tables SeaBIOS keeps in the last 128 KiB of low RAM on the pc machine.
constexpr uint64_t kChannelSize = 1 * kMiB;
constexpr uint64_t kChannelTopGap = 1 * kMiB;
constexpr uint64_t channel_base(uint64_t ram_bytes) {
  uint64_t top = ram_bytes < 2 * kGiB ? ram_bytes : 2 * kGiB;
  return top - kChannelTopGap - kChannelSize;
}

// The host -> guest mailbox (channel/mailbox.hpp) sits right below the
// ring, reserved the same way; a restored snapshot finds its request there.
constexpr uint64_t kMailboxSize = 256 * 1024;
constexpr uint64_t mailbox_base(uint64_t ram_bytes) { return channel_base(ram_bytes) - kMailboxSize; }

constexpr uint64_t kMinMemoryMb = 256;

}  // namespace ktstr::vm::layout
