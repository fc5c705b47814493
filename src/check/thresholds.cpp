#include "check/thresholds.hpp"

#include <limits>
#include <tuple>

#include "util/error.hpp"

namespace ktstr::check {
namespace {

template <typename T>
struct Knob {
  const char* name;
  std::optional<T> Thresholds::*member;
};

// The single list of knobs: merge, JSON and describe all walk it, so adding
// a knob is one line here plus the member.
// clang-format off
constexpr auto kKnobs = std::make_tuple(
    Knob<bool>{"starvation", &Thresholds::starvation},
    Knob<double>{"max_spread_pct", &Thresholds::max_spread_pct},
    Knob<uint64_t>{"max_gap_ms", &Thresholds::max_gap_ms},
    Knob<bool>{"isolation", &Thresholds::isolation},
    Knob<double>{"max_throughput_cv", &Thresholds::max_throughput_cv},
    Knob<double>{"min_work_rate", &Thresholds::min_work_rate},
    Knob<double>{"max_p99_wake_latency_us", &Thresholds::max_p99_wake_latency_us},
    Knob<double>{"max_wake_latency_cv", &Thresholds::max_wake_latency_cv},
    Knob<double>{"min_iteration_rate", &Thresholds::min_iteration_rate},
    Knob<double>{"max_migration_ratio", &Thresholds::max_migration_ratio},
    Knob<double>{"min_page_locality", &Thresholds::min_page_locality},
    Knob<double>{"max_cross_node_migration_ratio", &Thresholds::max_cross_node_migration_ratio},
    Knob<double>{"max_slow_tier_ratio", &Thresholds::max_slow_tier_ratio},
    Knob<double>{"max_imbalance_ratio", &Thresholds::max_imbalance_ratio},
    Knob<uint32_t>{"max_local_dsq_depth", &Thresholds::max_local_dsq_depth},
    Knob<bool>{"fail_on_stall", &Thresholds::fail_on_stall},
    Knob<uint32_t>{"sustained_samples", &Thresholds::sustained_samples},
    Knob<double>{"max_fallback_rate", &Thresholds::max_fallback_rate},
    Knob<double>{"max_keep_last_rate", &Thresholds::max_keep_last_rate},
    Knob<bool>{"work_conservation", &Thresholds::work_conservation});
// clang-format on

template <typename F>
void for_each_knob(F&& f) {
  std::apply([&](const auto&... k) { (f(k), ...); }, kKnobs);
}

template <typename T>
T parse_value(const nlohmann::json& v, const char* name) {
  if constexpr (std::is_same_v<T, bool>) {
    if (!v.is_boolean()) fail("threshold '{}': expected true/false, got {}", name, v.dump());
  } else if constexpr (std::is_floating_point_v<T>) {
    if (!v.is_number()) fail("threshold '{}': expected a number, got {}", name, v.dump());
  } else {
    bool ok = v.is_number_unsigned() || (v.is_number_integer() && v.get<int64_t>() >= 0);
    if (!ok) fail("threshold '{}': expected a non-negative integer, got {}", name, v.dump());
    if (v.get<uint64_t>() > std::numeric_limits<T>::max()) fail("threshold '{}': {} is too large", name, v.dump());
  }
  return v.get<T>();
}

}  // namespace

BuildFlavor this_build() {
#ifdef NDEBUG
  return BuildFlavor::optimized;
#else
  return BuildFlavor::debug;
#endif
}

Thresholds Thresholds::defaults(BuildFlavor flavor) {
  const bool dbg = flavor == BuildFlavor::debug;
  Thresholds t;
  t.starvation = true;
  t.max_spread_pct = dbg ? kSpreadDebugPct : kSpreadOptimizedPct;
  t.max_gap_ms = dbg ? kGapDebugMs : kGapOptimizedMs;
  t.isolation = false;
  t.max_imbalance_ratio = 4.0;
  t.max_local_dsq_depth = 50;
  t.fail_on_stall = true;
  t.sustained_samples = 5;
  t.max_fallback_rate = 200;
  t.max_keep_last_rate = 100;
  t.work_conservation = true;
  return t;
}

Thresholds Thresholds::merged(const Thresholds& over) const {
  Thresholds out = *this;
  for_each_knob([&](const auto& k) {
    if (over.*k.member) out.*k.member = over.*k.member;
  });
  return out;
}

Thresholds Thresholds::layered(const Thresholds& sched, const Thresholds& test, BuildFlavor flavor) {
  return defaults(flavor).merged(sched).merged(test);
}

Thresholds Thresholds::emulation_allowance(BuildFlavor flavor) {
  Thresholds d = defaults(flavor);
  Thresholds t;
  t.max_spread_pct = *d.max_spread_pct * 2;
  t.max_gap_ms = *d.max_gap_ms * 2;
  return t;
}

Thresholds Thresholds::layered_for(bool emulated, const Thresholds& sched, const Thresholds& test,
                                   BuildFlavor flavor) {
  Thresholds base = defaults(flavor);
  if (emulated) base = base.merged(emulation_allowance(flavor));
  return base.merged(sched).merged(test);
}

bool Thresholds::empty() const { return *this == Thresholds{}; }

nlohmann::json Thresholds::to_json() const {
  nlohmann::json j = nlohmann::json::object();
  for_each_knob([&](const auto& k) {
    if (const auto& v = this->*k.member) j[k.name] = *v;
  });
  return j;
}

Thresholds Thresholds::from_json(const nlohmann::json& j) {
  if (!j.is_object()) fail("thresholds: expected a JSON object, got {}", j.dump());
  Thresholds t;
  for (const auto& [key, value] : j.items()) {
    bool known = false;
    for_each_knob([&]<typename T>(const Knob<T>& k) {
      if (key != k.name) return;
      known = true;
      if (!value.is_null()) t.*k.member = parse_value<T>(value, k.name);
    });
    if (!known) fail("thresholds: unknown knob '{}'", key);
  }
  return t;
}

std::string Thresholds::describe() const {
  std::string out;
  for_each_knob([&](const auto& k) {
    const auto& v = this->*k.member;
    out += fmt::format("  {:<32} {}\n", std::string(k.name) + ":", v ? fmt::format("{}", *v) : "unset");
  });
  return out;
}

}  // namespace ktstr::check
