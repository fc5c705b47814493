#pragma once
// Runs a list of VM runs with up to `jobs` at once (see parallel_executor)
// and reports them in list order as they complete (see progress).
#include <functional>
#include <string>
#include <vector>

#include "runner/scenario_run.hpp"

namespace ktstr::runner {

struct RunItem {
  std::string name;
  std::function<ScenarioVerdict()> run;
};

struct RunQueueOptions {
  size_t jobs = 1;
  // Each finished verdict's block for stdout; unset: print nothing (JSON).
  std::function<std::string(const ScenarioVerdict&)> format;
  bool status_line = false;  // the "[3/12] running: ..." line on stderr
};

// Verdicts in item order. An item that throws (bad input, Ctrl-C) stops
// the run: the exception propagates once the running items have ended.
std::vector<ScenarioVerdict> run_queue(const std::vector<RunItem>& items, const RunQueueOptions& o);

}  // namespace ktstr::runner
