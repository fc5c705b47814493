#pragma once
// The first line of every failure report: what failed, in one sentence
// ("scheduler ejected: runnable task stall: ...", "gap: cg_0: worker 1 stuck
// 4100 ms on cpu2 at +812 ms", "guest kernel panic: Kernel panic - ...").
// The root cause wins: a VM that died, then the scheduler (an ejected
// scheduler starves workers, so their gaps are consequences), then the
// first failed check.
#include <string>

#include "runner/scenario_run.hpp"

namespace ktstr::runner {

std::string failure_cause(const ScenarioVerdict& v);

// Everything a failure says (cause, details, scheduler exit and message,
// VM failure text with the console tail): what expect-error matches against.
std::string failure_text(const ScenarioVerdict& v);

struct ExpectedFailure {
  bool ok = false;      // the run failed, for the stated reason
  std::string message;  // why not, or what it failed with
};

// A negative test passes only if the run failed and its failure text
// contains `expected` (case-sensitive substring). A pass, a skip or a
// failure for another reason fails it.
ExpectedFailure judge_expected_failure(const ScenarioVerdict& v, const std::string& expected);

}  // namespace ktstr::runner
