#pragma once
// BPF maps and programs of a running guest, read from guest memory: the
// kernel's map_idr / prog_idr (kernel/bpf/syscall.c) enumerate them; array
// and per-CPU array values are read and written in place (typed through the
// map's own BTF, e.g. a scheduler's .bss/.data/.rodata), hash maps are read;
// per program the verifier's instruction count and the run-time stats
// (kernel.bpf_stats_enabled=1 in the guest makes the kernel count them).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "monitor/btf_types.hpp"
#include "monitor/expected.hpp"
#include "monitor/guest_kernel.hpp"
#include "monitor/xarray.hpp"

namespace ktstr::monitor {

// uapi/linux/bpf.h values (stable ABI).
inline constexpr uint32_t kMapHash = 1, kMapArray = 2, kMapPercpuHash = 5, kMapPercpuArray = 6, kMapLruHash = 9,
                          kMapLruPercpuHash = 10;
inline constexpr uint32_t kProgStructOps = 27;

struct BpfMapInfo {
  uint32_t id = 0;
  uint64_t addr = 0;  // struct bpf_map in the guest
  uint32_t type = 0;
  std::string type_name;  // BPF_MAP_TYPE_ARRAY, ...
  std::string name;       // "fixture.bss"
  uint32_t key_size = 0, value_size = 0, max_entries = 0, flags = 0;
  uint64_t btf = 0;               // struct btf * (0: none)
  uint32_t btf_value_type_id = 0;
};
void to_json(nlohmann::json& j, const BpfMapInfo& m);

struct BpfProgInfo {
  uint32_t id = 0;
  uint64_t addr = 0;
  uint32_t type = 0;
  std::string type_name;
  std::string name;            // bpf_prog_aux.name
  uint32_t verified_insns = 0; // what the verifier processed
  uint32_t xlated_insns = 0;   // bpf_prog.len
  uint64_t run_cnt = 0, run_time_ns = 0;  // summed over CPUs (0 unless bpf_stats_enabled)
};
void to_json(nlohmann::json& j, const BpfProgInfo& p);

// A typed variable of a map's DATASEC value (one .bss variable).
struct BpfVar {
  std::string name;
  std::string type;        // "u64", "char[16]"
  uint64_t offset = 0, size = 0;
  std::optional<BtfTypes::Scalar> scalar;
};

class BpfObjects {
 public:
  // `cpus`: the VM's vCPU count (per-CPU values and stats).
  BpfObjects(const GuestKernel& k, unsigned cpus);
  // Errors name the missing symbol/member; call before anything else.
  Expected<Ok> ready() const;

  Expected<std::vector<BpfMapInfo>> maps() const;
  Expected<std::vector<BpfProgInfo>> progs() const;
  // By exact name, or by suffix (".bss" finds "fixture.bss") if unique.
  Expected<BpfMapInfo> find_map(const std::string& name) const;

  // Array maps: the value of element `key` (per-CPU arrays: CPU `cpu`'s).
  Expected<std::vector<uint8_t>> read_array(const BpfMapInfo& m, uint32_t key, unsigned cpu = 0) const;
  Expected<Ok> write_array(const BpfMapInfo& m, uint32_t key, uint64_t offset, const std::vector<uint8_t>& bytes,
                           unsigned cpu = 0) const;
  // Hash maps (read-only): up to `limit` (key, value) pairs; per-CPU hash
  // values are CPU 0's.
  Expected<std::vector<std::pair<std::vector<uint8_t>, std::vector<uint8_t>>>> read_hash(const BpfMapInfo& m,
                                                                                       size_t limit = 4096) const;

  // The map's own BTF (copied out of guest memory and parsed), and the
  // variables of its value type when that is a DATASEC (.bss etc.).
  Expected<std::shared_ptr<const BtfTypes>> map_btf(const BpfMapInfo& m) const;
  Expected<std::vector<BpfVar>> datasec_vars(const BpfMapInfo& m) const;

  // Scalar variable of an array map's element 0, by name: read or write.
  Expected<int64_t> read_var(const BpfMapInfo& m, const std::string& var) const;
  Expected<Ok> write_var(const BpfMapInfo& m, const std::string& var, int64_t value) const;

  struct Layout;  // offsets from the kernel's BTF (bpf_objects.cpp)

 private:
  Expected<uint64_t> array_elem(const BpfMapInfo& m, uint32_t key, unsigned cpu) const;
  Expected<BpfVar> find_var(const BpfMapInfo& m, const std::string& var) const;
  const GuestKernel& k_;
  unsigned cpus_;
  std::shared_ptr<const Layout> l_;
  std::string error_;
};

}  // namespace ktstr::monitor
