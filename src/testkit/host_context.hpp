#pragma once
// A host-only KTSTR_TEST (options.host_only): no VM. Its body runs in the
// GoogleTest process; scenarios run on this machine under its current
// scheduler, in cgroups below ktstr-<pid> (needs root and cgroup2, as
// `ktstr run --host`).
#include "testkit/context_base.hpp"

namespace ktstr::testkit {

class HostContext final : public ContextBase {
 public:
  explicit HostContext(const runner::TestDef& def);
  bool in_guest() const override { return false; }

 protected:
  guest::ExecOutcome execute(const scenario::Scenario& s, const check::Thresholds& t) override;
};

}  // namespace ktstr::testkit
