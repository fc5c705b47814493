#pragma once
// Turns what one VM run produced (its outcome and the guest's Result
// message) into a verdict: a VM-level failure (panic, timeout, no result)
// with the console tail, or the guest's own CheckResult and scheduler report.
#include "runner/guest_run.hpp"
#include "runner/scenario_run.hpp"

namespace ktstr::runner {

// Fills v.verdict, v.result, v.scheduler, v.failure_text (v.name, v.seconds
// and v.watchdog are the caller's).
void verdict_from_guest(const GuestRunResult& run, ScenarioVerdict& v);

}  // namespace ktstr::runner
