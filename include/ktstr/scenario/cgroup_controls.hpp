#pragma once
// cgroup v2 controller settings a scenario gives a cgroup, at setup (in its
// CgroupDef) or mid-run (the set_cgroup op). Every field is optional: unset
// means "leave the kernel's value alone". Text forms follow the kernel's own
// files, so a scenario reads like what ends up in cgroupfs:
//   weight       cpu.weight        1..10000 (default 100)
//   weight_nice  cpu.weight.nice   -20..19 (the kernel maps it to a weight)
//   cpu_max      cpu.max           "50000 100000" (quota, period in µs) or "max"
//   idle         cpu.idle          0/1: SCHED_IDLE-like group
//   pids_max     pids.max          a count or "max"
//   memory_max   memory.max        bytes ("256M", "1G", "max")
// Freezing (cgroup.freeze) is a pair of ops (freeze / thaw) because its
// timing is what the freeze check judges.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ktstr::scenario {

struct CpuMax {
  std::optional<uint64_t> quota_us;  // unset: "max" (no limit)
  uint64_t period_us = 100000;

  static CpuMax unlimited(uint64_t period_us = 100000) { return {std::nullopt, period_us}; }
  static CpuMax of(uint64_t quota_us, uint64_t period_us = 100000) { return {quota_us, period_us}; }
  // CPUs' worth of time the quota allows (quota / period); unset when unlimited.
  std::optional<double> cpus() const;
  // "50000 100000" / "max 100000": what cpu.max holds.
  std::string to_string() const;
  // Accepts "50000 100000", "50000" (period 100000), "max", "max 100000".
  static CpuMax parse(std::string_view text);
  bool operator==(const CpuMax&) const = default;
};

// pids.max / memory.max: a number or "max".
struct Limit {
  std::optional<uint64_t> value;  // unset: "max"
  static Limit max() { return {}; }
  static Limit of(uint64_t v) { return {v}; }
  std::string to_string() const;  // "max" or the number
  // "max", "1234", and for memory sizes "64K", "256M", "2G".
  static Limit parse(std::string_view text);
  bool operator==(const Limit&) const = default;
};

struct CgroupControls {
  std::optional<uint32_t> weight;
  std::optional<int32_t> weight_nice;
  std::optional<CpuMax> cpu_max;
  std::optional<bool> idle;
  std::optional<Limit> pids_max;
  std::optional<Limit> memory_max;

  static constexpr uint32_t kMinWeight = 1, kMaxWeight = 10000;
  static constexpr uint64_t kMinQuotaUs = 1000;  // the kernel refuses less
  static constexpr uint64_t kMinPeriodUs = 1000, kMaxPeriodUs = 1000000;

  bool empty() const { return *this == CgroupControls{}; }
  // Range and combination errors (weight and weight_nice together, quota
  // below 1 ms, period outside [1 ms, 1 s]), one message each.
  std::vector<std::string> check() const;
  // `over`'s set fields on top of this.
  CgroupControls merged(const CgroupControls& over) const;
  // Controllers the settings need: "cpu", "pids", "memory".
  std::vector<std::string> controllers() const;
  // "weight=300 cpu.max=50000 100000" for events and messages.
  std::string describe() const;

  bool operator==(const CgroupControls&) const = default;
};

}  // namespace ktstr::scenario
