#pragma once
// Making and restoring a QEMU snapshot of a guest waiting in init for its
// request (measured recipe in ENVIRONMENT.md): guest RAM lives in memfds
// (memory-backend-file, share=on), so with the migration capability
// x-ignore-shared the migration stream holds device state only (~100 KB)
// and RAM is saved/loaded by ktstr itself (snapshot_store.hpp).
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "vm/guest_memory.hpp"
#include "vm/qemu/qemu_cmdline.hpp"
#include "vm/qemu/qmp_client.hpp"
#include "vm/vm_spec.hpp"

namespace ktstr::vm::qemu {

// Boots `spec` from the base initramfs (in.initrd_fd) into `mem` until guest
// init announces AwaitingRequest, then stops the VM, writes its device state
// to <dir>/state.bin and its RAM to <dir>/ramN.img, and ends that QEMU.
// `mem` keeps the booted RAM, ready for a restore. Throws Error with the
// reason when the guest does not get there.
void make_snapshot(const VmSpec& spec, const QemuInputs& in, const GuestMemory& mem,
                   const std::filesystem::path& dir, std::chrono::steady_clock::time_point deadline);

// QEMU arguments for a restore: QMP plus `-incoming defer`.
std::vector<std::string> restore_args(const QmpClient& qmp);

// On a QEMU started with restore_args and RAM already filled: loads the
// device state from `state_file` and resumes the guest. Throws Error when
// the state does not load (corrupt file, different QEMU).
void restore_incoming(QmpClient& qmp, const std::filesystem::path& state_file,
                      std::chrono::steady_clock::time_point deadline);

}  // namespace ktstr::vm::qemu
