#include "monitor/sched_layout.hpp"

#include <fmt/format.h>

namespace ktstr::monitor {
namespace {

struct Resolver {
  const KernelImage& img;
  std::vector<std::string>& notes;

  Field field(std::string_view path, std::string_view feature) {
    auto m = img.btf->try_member(path);
    if (!m || !(m->size == 1 || m->size == 2 || m->size == 4 || m->size == 8)) {
      notes.push_back(fmt::format("no {} in this kernel's BTF: {} off", path, feature));
      return {};
    }
    return Field{m->offset, static_cast<uint8_t>(m->size)};
  }
  uint64_t offset(std::string_view path, std::string_view feature) {
    auto m = img.btf->try_member(path);
    if (!m) {
      notes.push_back(fmt::format("no {} in this kernel's BTF: {} off", path, feature));
      return 0;
    }
    return m->offset;
  }
  uint64_t symbol(std::string_view name, std::string_view feature) {
    auto a = img.symbols->address(name);
    if (!a) notes.push_back(fmt::format("no kernel symbol {}: {} off", name, feature));
    return a.value_or(0);
  }
};

}  // namespace

int SchedLayout::event_index(std::string_view name) const {
  for (size_t i = 0; i < events.size(); ++i)
    if (events[i].name == name) return static_cast<int>(i);
  return -1;
}

SchedLayout SchedLayout::resolve(const KernelImage& img) {
  SchedLayout l;
  Resolver r{img, l.notes};
  l.runqueues = r.symbol("runqueues", "run-queue sampling");
  l.nr_cpu_ids = r.symbol("nr_cpu_ids", "CPU count check");
  l.cpu_online_mask = r.symbol("__cpu_online_mask", "online-CPU filter");

  l.nr_running = r.field("rq.nr_running", "run-queue sampling");
  l.clock = r.field("rq.clock", "stall detection");
  l.curr = r.field("rq.curr", "idle detection");
  l.idle = r.field("rq.idle", "idle detection");
  l.nr_switches = r.field("rq.nr_switches", "context-switch counts");
  // schedstat counters (CONFIG_SCHEDSTATS): reported, not judged.
  l.run_delay = r.field("rq.rq_sched_info.run_delay", "schedstat run delay");
  l.pcount = r.field("rq.rq_sched_info.pcount", "schedstat run count");
  l.yld_count = r.field("rq.yld_count", "schedstat yields");
  l.sched_count = r.field("rq.sched_count", "schedstat schedule() calls");
  l.sched_goidle = r.field("rq.sched_goidle", "schedstat idle switches");
  l.ttwu_count = r.field("rq.ttwu_count", "schedstat wakeups");
  l.ttwu_local = r.field("rq.ttwu_local", "schedstat local wakeups");

  if (!img.btf->has_type("scx_rq")) {
    l.notes.push_back("kernel without sched_ext (no struct scx_rq): sched_ext sampling and monitor verdicts off");
    return l;
  }
  l.scx_nr_running = r.field("rq.scx.nr_running", "sched_ext nr_running");
  l.scx_flags = r.field("rq.scx.flags", "sched_ext rq flags");
  l.local_dsq_nr = r.field("rq.scx.local_dsq.nr", "local DSQ depth");
  l.runnable_list = r.offset("rq.scx.runnable_list", "waiting-task walk (work conservation, stall ages)");
  l.task_runnable_node = r.offset("task_struct.scx.runnable_node", "waiting-task walk");
  l.task_runnable_at = r.field("task_struct.scx.runnable_at", "waiting-task walk");
  l.task_pid = r.field("task_struct.pid", "waiting-task pids");
  l.task_cpus_ptr = r.field("task_struct.cpus_ptr", "waiting-task affinity (work conservation)");
  l.list_next = img.btf->try_member("list_head.next").value_or(BtfMember{}).offset;

  // 6.12 named them scx_ops_enable_state_var / scx_ops_enable_state.
  l.scx_enable_state = img.symbols->address("scx_enable_state_var").value_or(0);
  if (!l.scx_enable_state) l.scx_enable_state = r.symbol("scx_ops_enable_state_var", "sched_ext state");
  for (const char* e : {"scx_enable_state", "scx_ops_enable_state"}) {
    auto v = img.btf->enum_value(e, "SCX_ENABLED");
    if (!v) v = img.btf->enum_value(e, "SCX_OPS_ENABLED");
    if (v) {
      l.state_enabled = *v;
      break;
    }
  }
  l.scx_enable_seq = img.symbols->address("scx_enable_seq").value_or(0);

  // Event counters: per scheduler instance (7.1+: scx_sched.pcpu->
  // event_stats), or one per-CPU variable before.
  l.scx_root = img.symbols->address("scx_root").value_or(0);
  l.sched_exit_kind = r.field("scx_sched.exit_kind", "sched_ext exit detection");
  if (auto pc = img.btf->try_member("scx_sched.pcpu"); pc && l.scx_root) {
    l.sched_pcpu = Field{pc->offset, 8};
    l.pcpu_event_stats = r.offset("scx_sched_pcpu.event_stats", "sched_ext event counters");
    if (!l.pcpu_event_stats) l.sched_pcpu = {};
  } else {
    l.event_stats_pcpu = img.symbols->address("event_stats_cpu").value_or(0);
    if (!l.event_stats_pcpu) l.notes.push_back("no sched_ext event counters in this kernel: fallback/keep-last rates off");
  }
  if (l.sched_pcpu.ok() || l.event_stats_pcpu) {
    for (auto& [name, m] : img.btf->members("scx_event_stats"))
      if (m.size == 8) l.events.push_back({name, m.offset});
    if (l.events.empty()) l.notes.push_back("struct scx_event_stats has no counters: fallback/keep-last rates off");
  }
  return l;
}

}  // namespace ktstr::monitor
