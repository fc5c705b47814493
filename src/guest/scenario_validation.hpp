#pragma once
// Scenario validation with the workload module's knowledge: which work
// types exist (built-in and the binary's registered custom work) and how
// many workers each groups. Used on the host before booting and in the
// guest before a test body's scenario runs.
#include "scenario/cpu_layout.hpp"
#include "scenario/validate.hpp"

namespace ktstr::guest {

// `layout` may be null (layout-dependent checks are then skipped); it must
// outlive the returned context.
scenario::ValidationContext validation_context(const scenario::CpuLayout* layout);

}  // namespace ktstr::guest
