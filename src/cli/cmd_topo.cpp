// `ktstr topo`: the host's CPU topology as sysfs reports it, or (--presets)
// the gauntlet presets with their CPU counts and whether this host and the
// VM backend can run them.
#include <fmt/format.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "topology/capacity.hpp"
#include "topology/memory.hpp"
#include "topology/parse.hpp"
#include "topology/sysfs_topology.hpp"
#include "util/error.hpp"
#include "vm/accel.hpp"
#include "vm/qemu/qemu_topology.hpp"

namespace ktstr::cli {
namespace {
using namespace ktstr::topology;

struct TopoArgs {
  bool presets = false;
  bool json = false;
  std::string expect;
};

std::string gib(uint64_t kb) { return fmt::format("{:.1f} GiB", static_cast<double>(kb) / (1 << 20)); }

std::string join(const std::vector<uint32_t>& v) {
  std::string s;
  for (uint32_t x : v) s += (s.empty() ? "" : " ") + std::to_string(x);
  return s;
}

int show_host(bool json) {
  ObservedTopology o = read_sysfs_topology("/sys");
  auto shape = infer_topology(o);
  if (json) {
    nlohmann::json j;
    j["online"] = format_cpu_list(o.online);
    j["shape"] = shape ? shape->name() : "";
    for (const auto& l : o.llcs) j["llcs"].push_back(format_cpu_list(l));
    for (const auto& n : o.nodes)
      j["nodes"].push_back({{"id", n.id},
                            {"cpus", format_cpu_list(n.cpus)},
                            {"distances", n.distances},
                            {"memory_kb", n.memory_kb}});
    fmt::print("{}\n", j.dump(2));
    return kExitPass;
  }
  fmt::print("CPUs online: {} ({})\n", o.online.size(), format_cpu_list(o.online));
  fmt::print("shape: {}\n", shape ? shape->name() : "irregular (not expressible as NnLlCcTt)");
  for (size_t i = 0; i < o.llcs.size(); ++i) {
    const ObservedCpu* first = o.cpu(o.llcs[i].front());
    fmt::print("LLC {} (L{}): CPUs {}\n", i, first ? first->llc_level : 0, format_cpu_list(o.llcs[i]));
  }
  for (const auto& n : o.nodes)
    fmt::print("node {}: CPUs {}, {}, distances {}\n", n.id, n.cpus.empty() ? "none" : format_cpu_list(n.cpus),
               gib(n.memory_kb), join(n.distances));
  return kExitPass;
}

// Inside a guest: does sysfs show exactly the topology we asked for?
int check_expected(const std::string& text) {
  Topology want = parse_topology(text);
  auto diffs = compare(want, read_sysfs_topology("/sys"));
  if (diffs.empty()) {
    fmt::print("sysfs matches {}\n", want.name());
    return kExitPass;
  }
  fmt::print("sysfs differs from {}:\n", want.name());
  for (const auto& d : diffs) fmt::print("  {}\n", d);
  return kExitFailure;
}

// Why the QEMU backend would refuse `t`, or "" when it can present it.
std::string backend_refusal(const Topology& t) {
  try {
    vm::qemu::qemu_topology_args(t, default_memory_mb(t));
    return "";
  } catch (const Error& e) {
    return e.what();
  }
}

int show_presets(bool json) {
  bool tcg = vm::choose_accel().accel == vm::Accel::Tcg;
  auto host_cpus = static_cast<uint32_t>(read_sysfs_topology("/sys").online.size());
  HostCapacity cap = host_capacity(tcg, host_cpus);
  PresetSelection sel = filter_by_capacity(presets(), cap);
  auto host_reason = [&](std::string_view name) -> std::string {
    for (const auto& d : sel.dropped)
      if (d.preset.name == name) return d.reason;
    return "";
  };
  if (json) {
    nlohmann::json j;
    j["host_capacity"] = {{"max_vcpus", cap.max_vcpus}, {"source", cap.source}};
    j["presets"] = nlohmann::json::array();
    for (const auto& p : presets()) {
      const Topology& t = p.topology;
      std::string hr = host_reason(p.name), br = backend_refusal(t);
      j["presets"].push_back({{"name", std::string(p.name)},
                              {"topology", t.name()},
                              {"cpus", t.cpus()},
                              {"llcs", t.llcs},
                              {"numa_nodes", t.numa_nodes},
                              {"smt", t.has_smt()},
                              {"host_ok", hr.empty()},
                              {"host_reason", hr},
                              {"backend_ok", br.empty()},
                              {"backend_reason", br}});
    }
    fmt::print("{}\n", j.dump(2));
    return kExitPass;
  }
  fmt::print("{:<19} {:<11} {:>4} {:>4} {:>5} {:<3}  {:<4} {}\n", "NAME", "TOPOLOGY", "CPUS", "LLCS", "NODES",
             "SMT", "HOST", "BACKEND");
  std::vector<std::string> notes;
  for (const auto& p : presets()) {
    const Topology& t = p.topology;
    std::string hr = host_reason(p.name), br = backend_refusal(t);
    if (!br.empty()) notes.push_back(fmt::format("{}: {}", p.name, br));
    fmt::print("{:<19} {:<11} {:>4} {:>4} {:>5} {:<3}  {:<4} {}\n", p.name, t.name(), t.cpus(), t.llcs,
               t.numa_nodes, t.has_smt() ? "yes" : "no", hr.empty() ? "yes" : "no", br.empty() ? "ok" : "refused");
  }
  fmt::print("\nhost capacity: {} vCPUs ({}); {} of {} presets fit\n", cap.max_vcpus, cap.source,
             sel.kept.size(), presets().size());
  for (const auto& n : notes) fmt::print("{}\n", n);
  return kExitPass;
}

}  // namespace

void add_topo_command(CLI::App& app, Action& selected) {
  auto args = std::make_shared<TopoArgs>();
  auto* sub = app.add_subcommand("topo", "Show the host's CPU topology, or the gauntlet topology presets");
  sub->add_flag("--presets", args->presets,
                "List the topology presets, their CPU counts and whether this host (KTSTR_MAX_VCPUS) and the VM "
                "backend can run them");
  sub->add_flag("--json", args->json, "Print JSON");
  sub->add_option("--expect", args->expect,
                  "Compare this machine's sysfs with a topology (preset, N,L,C,T or 1n2l4c1t); exit 1 on any "
                  "difference (run it inside a guest)");
  sub->callback([&selected, args] {
    selected = [args] {
      if (!args->expect.empty()) return check_expected(args->expect);
      return args->presets ? show_presets(args->json) : show_host(args->json);
    };
  });
}

}  // namespace ktstr::cli
