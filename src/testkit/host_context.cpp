#include "testkit/host_context.hpp"

#include <unistd.h>

#include "guest/guest_layout.hpp"
#include "runner/test_name.hpp"
#include "topology/sysfs_topology.hpp"

namespace ktstr::testkit {

HostContext::HostContext(const runner::TestDef& def)
    : ContextBase(def, runner::base_test_name(def.id()), {},
                  guest::layout_from_observed(topology::read_sysfs_topology()),
                  check::Thresholds::layered({}, def.options.thresholds)) {}

guest::ExecOutcome HostContext::execute(const scenario::Scenario& s, const check::Thresholds& t) {
  guest::ExecOptions eo;
  eo.thresholds = t;
  eo.layout = layout();
  eo.cgroup_root = "ktstr-" + std::to_string(::getpid());
  return guest::execute_scenario(s, eo);
}

}  // namespace ktstr::testkit
