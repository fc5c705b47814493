#pragma once
// The "scenario" guest action: read the topology back, start the scheduler
// under test (if any), run the scenario, stop the scheduler, and publish one
// Result message with the verdict. Exit code 0 pass/skip, 1 fail.
#include <nlohmann/json.hpp>

#include "guest/publisher.hpp"

namespace ktstr::guest {

// params: {"scenario": <scenario JSON>, "thresholds": <merged thresholds>,
//          "scheduler": {"binary": path, "args": [...]} (optional)}
int run_scenario_action(const nlohmann::json& params, Publisher& pub);

}  // namespace ktstr::guest
