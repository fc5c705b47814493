#pragma once
// The snapshot cache: <cache_root()>/snapshots/<hash>/ holds one booted
// guest, stopped in init while it waits for its request:
//   key.txt    everything that shapes the booted state (see snapshot_key)
//   state.bin  QEMU's device state (migration stream, RAM excluded)
//   ramN.img   guest RAM backend N, sparse: only non-zero pages are written
//   ramN.digest  digest of ramN.img's non-zero pages, checked while loading
// A directory appears whole (made under <hash>.tmp-<pid>, then renamed) and
// is discarded whole (renamed away, then removed). Policy: at most
// kMaxSnapshots are kept; making a new one removes the least recently used
// (key.txt's mtime is touched on every restore).
#include <cstdint>
#include <filesystem>
#include <string>

#include "util/fd.hpp"
#include "vm/accel.hpp"
#include "vm/guest_memory.hpp"
#include "vm/vm_spec.hpp"

namespace ktstr::vm::qemu {

inline constexpr size_t kMaxSnapshots = 12;

struct SnapshotKey {
  std::string text;  // human-readable, stored and compared in full
  std::string hash;  // directory name
};

// Kernel (path, size, mtime), base initramfs identity, QEMU binary (path,
// size, mtime: an upgrade invalidates), accelerator, and the whole QEMU
// argument vector with fixed placeholder fds: machine, topology, memory,
// NUMA backends and the kernel command line.
SnapshotKey snapshot_key(const VmSpec& spec, const std::string& qemu_binary, Accel accel, const std::string& base_id);

class SnapshotStore {
 public:
  explicit SnapshotStore(SnapshotKey key, std::filesystem::path root = default_root());
  // $KTSTR_SNAPSHOT_DIR, else <cache_root()>/snapshots.
  static std::filesystem::path default_root();

  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path state_file() const { return dir_ / "state.bin"; }
  // The directory exists and was made for exactly this key.
  bool present() const;
  // Exclusive lock for making this snapshot (concurrent runs wait, then
  // find it made). Released when the Fd closes.
  Fd lock() const;
  // A fresh temporary directory for making; commit() renames it into place.
  std::filesystem::path begin() const;
  void commit(const std::filesystem::path& tmp) const;
  void discard() const;
  void touch() const;
  // Removes least recently used snapshots beyond kMaxSnapshots.
  void prune() const;

 private:
  SnapshotKey key_;
  std::filesystem::path root_, dir_;
};

// Writes every backend's non-zero pages into <dir>/ramN.img (sparse files).
void save_ram(const GuestMemory& mem, const std::filesystem::path& dir);
// Fills fresh (all-zero) guest memory from <dir>/ramN.img; Error when a
// file is missing, its size does not match the backend or its content does
// not match the digest saved with it (the caller then cold-boots).
void load_ram(const std::filesystem::path& dir, const GuestMemory& mem);

}  // namespace ktstr::vm::qemu
