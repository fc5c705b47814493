#include "cli/run_record.hpp"

#include "store/host_identity.hpp"
#include "store/store_path.hpp"
#include "topology/sysfs_topology.hpp"

namespace ktstr::cli {

std::string host_topology_name() {
  try {
    if (auto t = topology::infer_topology(topology::read_sysfs_topology())) return t->name();
  } catch (const std::exception&) {
  }
  return "host";
}

store::Record record_from_verdict(const runner::ScenarioVerdict& v, const runner::CatalogVariant& var,
                                  const RecordSettings& s, const std::string& started) {
  store::Record r;
  r.started = started;
  auto& id = r.identity;
  id.test = var.entry ? var.entry->name : v.name;
  id.variant = s.gauntlet ? var.name : "";
  id.work_type = s.work_type;
  if (s.host) {
    static const std::string topo = host_topology_name();
    id.topology = topo;
    id.scheduler = store::host_scheduler_name();
    id.flags = "default";
    id.kernel = store::host_kernel_release();
    id.vmm = "host";
  } else {
    id.topology = var.options.topology.name();
    id.scheduler = var.options.scheduler ? var.options.scheduler->name : "eevdf";
    id.flags = var.options.scheduler && !var.options.scheduler_profile.empty() ? var.options.scheduler_profile
                                                                              : "default";
    id.kernel = !v.kernel.empty() ? v.kernel : s.kernel;
    id.vmm = v.vmm.is_object() && v.vmm.contains("vmm") ? v.vmm["vmm"].get<std::string>() : "";
  }
  id.commit = store::build_commit();
  r.verdict = runner::to_string(v.verdict);
  r.seconds = v.seconds;
  r.result = v.to_json();
  r.host = store::host_context();
  return r;
}

std::unique_ptr<store::Recorder> open_recorder(const std::string& store_option, bool no_record) {
  if (no_record || !store::recording_enabled_by_env()) return nullptr;
  store::RecorderOptions o;
  o.path = store::store_path(store_option);
  o.explicit_path = !store_option.empty();
  o.command = store::current_command_line();
  return std::make_unique<store::Recorder>(o);
}

}  // namespace ktstr::cli
