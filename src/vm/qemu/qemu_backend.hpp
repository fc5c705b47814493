#pragma once
// Drives qemu-system-x86_64 (microvm, PVH vmlinux): TCG where KVM is not
// usable, KVM where it is.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "vm/accel.hpp"
#include "vm/backend.hpp"
#include "vm/guest_memory.hpp"

namespace ktstr::vm::qemu {

class QemuBackend : public VmBackend {
 public:
  QemuBackend();
  const char* name() const override { return "qemu"; }
  VmOutcome run(const VmSpec& spec, VmObserver* observer) override;

  const std::string& binary() const { return binary_; }
  const AccelChoice& accel() const { return accel_; }

 private:
  // Start from a snapshot (made first if missing); nullopt with the reason
  // when the snapshot failed to restore and was discarded.
  std::optional<VmOutcome> run_from_snapshot(const VmSpec& spec, VmObserver* observer, std::string* why);
  struct Restore {
    std::filesystem::path state;     // QEMU device state to load
    std::function<void()> fill_ram;  // run while QEMU starts; throws Error if the RAM is unusable
  };
  // One QEMU run to completion; with `restore`, a restore into `mem`
  // (nullopt + reason if it does not load).
  std::optional<VmOutcome> launch(const VmSpec& spec, VmObserver* observer, const GuestMemory& mem, int initrd_fd,
                                  const Restore* restore, std::string* why);
  std::string binary_;
  AccelChoice accel_;
};

// $KTSTR_QEMU, else qemu-system-x86_64 from PATH; Error if neither exists.
std::string find_qemu();

}  // namespace ktstr::vm::qemu
