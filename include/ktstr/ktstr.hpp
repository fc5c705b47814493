#pragma once
// ktstr's public API in one include: tests as code (KTSTR_TEST), the
// scenario model and its builders, checks and thresholds, topology and
// presets, scheduler definitions with flags. The domain types are also
// available directly in namespace ktstr (ktstr::Scenario, ktstr::Work...).
#include "ktstr/check/report.hpp"
#include "ktstr/check/result.hpp"
#include "ktstr/check/thresholds.hpp"
#include "ktstr/scenario/scenario.hpp"
#include "ktstr/scheduler/flag_profiles.hpp"
#include "ktstr/scheduler/scheduler_def.hpp"
#include "ktstr/test/context.hpp"
#include "ktstr/test/ktstr_test.hpp"
#include "ktstr/test/options.hpp"
#include "ktstr/test/work_fn.hpp"
#include "ktstr/topology/presets.hpp"
#include "ktstr/topology/topology.hpp"
#include "ktstr/version.hpp"

namespace ktstr {

using check::CheckResult;
using check::Detail;
using check::DetailKind;
using check::Stats;
using check::Thresholds;
using scenario::AffinityKind;
using scenario::Backdrop;
using scenario::CgroupDef;
using scenario::CpuLayout;
using scenario::CpusetSpec;
using scenario::Hold;
using scenario::MemPolicy;
using scenario::Op;
using scenario::Scenario;
using scenario::SchedPolicy;
using scenario::Step;
using scenario::TopologyNeeds;
using scenario::Work;
namespace op = scenario::op;
using scheduler::FlagDef;
using scheduler::SchedulerDef;
using scheduler::Sysctl;
using topology::PresetConstraints;
using topology::Topology;

}  // namespace ktstr
