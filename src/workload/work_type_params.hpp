#pragma once
// Work types from a name plus named parameters, the form scenarios carry
// as data (scenario::Work{type, params}): e.g. ("Bursty", {"burst_ms": 20}).
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "workload/work_type.hpp"

namespace ktstr::workload {

// Keys are WorkType field names (spin_units, burst_ms, sleep_ms, cache_kib,
// stride, io_file_kib, io_write_kib, io_sleep_us, fan_out, contenders,
// hold_units, outside_units, region_kib, touches, nice_min, nice_max) plus
// "phases" for Sequence: [{"kind": "spin"|"sleep"|"yield"|"io", "ms": N}, ...].
// A key the kind does not use is an error naming the kind's valid keys.
WorkType make_work_type(std::string_view name, const nlohmann::json& params);

// The kind's parameters as JSON (the inverse, for recording a run).
nlohmann::json work_type_params(const WorkType& w);

}  // namespace ktstr::workload
