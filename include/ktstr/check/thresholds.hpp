#pragma once
// Pass/fail limits for worker checks (judged in the guest) and monitor checks
// (judged on the host). Every knob is optional: unset means "this layer does
// not say", so layers merge as defaults <- scheduler's <- test's, each later
// layer overriding only what it sets. After the merge, an unset numeric knob
// means that check is off. To switch a default-on limit off in a later layer,
// set it out of reach (max_spread_pct = 100, max_gap_ms = UINT64_MAX) or set
// the boolean knob to false.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace ktstr::check {

// Debug builds of ktstr run their workers slower, so timing limits are looser.
enum class BuildFlavor { optimized, debug };
// The flavor of this binary (NDEBUG decides).
BuildFlavor this_build();

struct Thresholds {
  // --- worker checks ---
  std::optional<bool> starvation;           // any worker with 0 work units fails
  std::optional<double> max_spread_pct;     // max - min off-CPU % in a Work group
  std::optional<uint64_t> max_gap_ms;       // longest gap between progress checkpoints
  std::optional<bool> isolation;            // workers stay inside their cpuset
  std::optional<double> max_throughput_cv;  // CV of work units per CPU-second
  std::optional<double> min_work_rate;      // work units per CPU-second, per worker
  std::optional<double> max_p99_wake_latency_us;
  std::optional<double> max_wake_latency_cv;
  std::optional<double> min_iteration_rate;              // iterations per wall-clock second, per worker
  std::optional<double> max_migration_ratio;             // migrations / iterations, per group
  std::optional<double> min_page_locality;               // fraction of pages on the expected nodes
  std::optional<double> max_cross_node_migration_ratio;  // migrated pages / pages
  std::optional<double> max_slow_tier_ratio;             // pages on memory-only nodes / pages
  // --- monitor checks (host side) ---
  std::optional<double> max_imbalance_ratio;  // max(nr_running) / max(1, min(nr_running))
  std::optional<uint32_t> max_local_dsq_depth;
  std::optional<bool> fail_on_stall;
  std::optional<uint32_t> sustained_samples;  // consecutive bad samples before failing
  std::optional<double> max_fallback_rate;    // select_cpu fallbacks per second per online CPU
  // dispatch keep-last events per second per CPU, on CPUs with tasks waiting
  std::optional<double> max_keep_last_rate;
  // CPUs idle while tasks allowed there wait on a busy CPU (see
  // monitor/judge.hpp). On by default; a scheduler that leaves CPUs idle
  // on purpose opts out with false (or declares reserved_cpus).
  std::optional<bool> work_conservation;

  static constexpr double kSpreadOptimizedPct = 15;
  static constexpr double kSpreadDebugPct = 35;
  static constexpr uint64_t kGapOptimizedMs = 2000;
  static constexpr uint64_t kGapDebugMs = 3000;

  // The bottom layer: PRODUCT.md §3 defaults for the given build flavor.
  static Thresholds defaults(BuildFlavor flavor = this_build());

  // This layer with `over`'s set knobs on top.
  Thresholds merged(const Thresholds& over) const;
  // defaults(flavor) <- sched <- test.
  static Thresholds layered(const Thresholds& sched, const Thresholds& test, BuildFlavor flavor = this_build());
  // Under software emulation (QEMU TCG: all vCPUs time-share one host
  // thread, guest code runs 10-30x slower, the host's other load leaks into
  // guest timing) the timing defaults are doubled: spread 2x, gap 2x. Only
  // the defaults move; a scheduler's or test's explicit values still win.
  static Thresholds emulation_allowance(BuildFlavor flavor = this_build());
  // defaults(flavor) <- [emulation allowance] <- sched <- test.
  static Thresholds layered_for(bool emulated, const Thresholds& sched, const Thresholds& test,
                                BuildFlavor flavor = this_build());

  bool empty() const;  // no knob set
  bool operator==(const Thresholds&) const = default;

  // Only set knobs appear; absent keys parse as unset. Unknown keys and
  // wrongly typed values throw ktstr::Error (a typo must not silently
  // disable a check).
  nlohmann::json to_json() const;
  static Thresholds from_json(const nlohmann::json& j);

  // One "  name: value" line per knob ("unset" when unset), for show-thresholds.
  std::string describe() const;
};

}  // namespace ktstr::check
