#include "monitor/scx_watchdog_layout.hpp"

#include "util/error.hpp"

namespace ktstr::monitor {

Expected<ScxWatchdogLayout> ScxWatchdogLayout::resolve(const KernelImage& img) {
  const SymbolTable& s = *img.symbols;
  const BtfTypes& b = *img.btf;
  ScxWatchdogLayout l;
  try {
    l.timestamp = s.require("scx_watchdog_timestamp");
    l.work_timer = s.require("scx_watchdog_work") + b.offset_of("delayed_work.timer");
    l.timer_expires_off = b.offset_of("timer_list.expires");
    l.timer_entry_pprev_off = b.offset_of("timer_list.entry") + b.offset_of("hlist_node.pprev");
    // 6.12 named it scx_ops_enable_state_var, 6.13+ scx_enable_state_var.
    auto state = s.address("scx_enable_state_var");
    if (!state) state = s.address("scx_ops_enable_state_var");
    if (!state) fail("kernel symbol scx_enable_state_var not found (no sched_ext?)");
    l.enable_state = *state;
    for (const char* e : {"scx_enable_state", "scx_ops_enable_state"}) {
      auto en = b.enum_value(e, "SCX_ENABLING");
      if (!en) en = b.enum_value(e, "SCX_OPS_ENABLING");
      auto ed = b.enum_value(e, "SCX_ENABLED");
      if (!ed) ed = b.enum_value(e, "SCX_OPS_ENABLED");
      if (en && ed) {
        l.state_enabling = *en;
        l.state_enabled = *ed;
        break;
      }
    }
    l.enable_seq = s.address("scx_enable_seq").value_or(0);
    l.scx_root = s.address("scx_root").value_or(0);
    auto per_sched = b.try_member("scx_sched.watchdog_timeout");
    if (per_sched && l.scx_root) {
      l.per_sched = true;
      l.sched_timeout_off = per_sched->offset;
      l.sched_exit_kind_off = b.offset_of("scx_sched.exit_kind");
      l.interval = s.require("scx_watchdog_interval");
    } else {
      l.per_sched = false;
      l.static_timeout = s.require("scx_watchdog_timeout");
      if (l.scx_root) l.sched_exit_kind_off = b.offset_of("scx_sched.exit_kind");
    }
  } catch (const Error& e) {
    return Unexpected{e.what()};
  }
  return l;
}

ScxWatchdogLayout ScxWatchdogLayout::relocated(uint64_t off) const {
  ScxWatchdogLayout l = *this;
  for (uint64_t* a : {&l.scx_root, &l.static_timeout, &l.interval, &l.timestamp, &l.enable_state, &l.enable_seq,
                      &l.work_timer})
    if (*a) *a += off;
  return l;
}

}  // namespace ktstr::monitor
