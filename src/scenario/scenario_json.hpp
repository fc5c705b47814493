#pragma once
// Scenario <-> JSON: the host sends a scenario to the guest this way, and
// users can write scenario files. Specs use their text form ("disjoint(0,2)",
// "fifo(10)", "exact(0-3)"); defaults are omitted on output and filled in on
// input; unknown keys are errors that name their path.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "scenario/scenario.hpp"

namespace ktstr::scenario {

nlohmann::json work_to_json(const Work& w);
Work work_from_json(const nlohmann::json& j, const std::string& path = "work");
nlohmann::json cgroup_def_to_json(const CgroupDef& d);
CgroupDef cgroup_def_from_json(const nlohmann::json& j, const std::string& path = "cgroup");
nlohmann::json op_to_json(const Op& o);
Op op_from_json(const nlohmann::json& j, const std::string& path = "op");
nlohmann::json step_to_json(const Step& s);
Step step_from_json(const nlohmann::json& j, const std::string& path = "step");
nlohmann::json scenario_to_json(const Scenario& s);
Scenario scenario_from_json(const nlohmann::json& j, const std::string& path = "scenario");

// Parses text (throws ktstr::Error on bad JSON too).
Scenario scenario_from_text(std::string_view text);

// ADL hooks so these types nest in other JSON documents.
inline void to_json(nlohmann::json& j, const Scenario& s) { j = scenario_to_json(s); }
inline void from_json(const nlohmann::json& j, Scenario& s) { s = scenario_from_json(j); }

}  // namespace ktstr::scenario
