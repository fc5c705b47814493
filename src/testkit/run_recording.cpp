#include "testkit/run_recording.hpp"

#include <cstdio>
#include <memory>
#include <mutex>

#include "store/host_identity.hpp"
#include "store/recorder.hpp"
#include "store/store_path.hpp"
#include "topology/sysfs_topology.hpp"

namespace ktstr::testkit {
namespace {

std::mutex g_mu;
std::unique_ptr<store::Recorder> g_recorder;
bool g_opened = false;

store::Recorder* recorder() {
  if (!g_opened) {
    g_opened = true;
    if (store::recording_enabled_by_env()) {
      store::RecorderOptions o;
      o.path = store::store_path();
      o.command = store::current_command_line();
      g_recorder = std::make_unique<store::Recorder>(o);
    }
  }
  return g_recorder.get();
}

std::string host_topology_name() {
  try {
    if (auto t = topology::infer_topology(topology::read_sysfs_topology())) return t->name();
  } catch (const std::exception&) {
  }
  return "host";
}

}  // namespace

void record_variant(const runner::TestDef& def, const runner::PlannedVariant* planned,
                    const runner::ScenarioVerdict& v) {
  std::lock_guard lk(g_mu);
  auto* rec = recorder();
  if (!rec) return;
  store::Record r;
  r.started = store::utc_iso8601(std::chrono::system_clock::now() -
                                 std::chrono::duration_cast<std::chrono::system_clock::duration>(
                                     std::chrono::duration<double>(v.seconds)));
  auto& id = r.identity;
  id.test = def.id();
  if (planned) {
    id.variant = planned->gauntlet ? planned->name : "";
    id.topology = planned->topology.name();
    std::optional<scheduler::SchedulerDef> sd;
    try {
      sd = runner::test_scheduler(def.options);
    } catch (const std::exception&) {
    }
    id.scheduler = sd ? sd->name : "eevdf";
    id.flags = planned->profile.name();
    id.kernel = v.kernel;
    id.vmm = v.vmm.is_object() && v.vmm.contains("vmm") ? v.vmm["vmm"].get<std::string>() : "";
  } else {
    id.topology = host_topology_name();
    id.scheduler = store::host_scheduler_name();
    id.kernel = store::host_kernel_release();
    id.vmm = "host";
  }
  r.verdict = runner::to_string(v.verdict);
  r.seconds = v.seconds;
  r.result = v.to_json();
  rec->record(std::move(r));
}

void finish_recording() {
  std::lock_guard lk(g_mu);
  if (!g_recorder) return;
  if (auto done = g_recorder->finish()) std::fprintf(stderr, "ktstr: %s\n", store::recorded_hint(*done).c_str());
  g_recorder.reset();
}

}  // namespace ktstr::testkit
