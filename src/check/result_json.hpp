#pragma once
// JSON for results: the guest sends its verdict to the host this way, and run
// records store it. Parsing is lenient about missing keys (older records)
// but the shape must be right.
#include <nlohmann/json.hpp>

#include "check/result.hpp"
#include "check/thresholds.hpp"

namespace ktstr::check {

void to_json(nlohmann::json& j, const Detail& d);
void from_json(const nlohmann::json& j, Detail& d);
void to_json(nlohmann::json& j, const CgroupStats& c);
void from_json(const nlohmann::json& j, CgroupStats& c);
void to_json(nlohmann::json& j, const ControlStats& c);
void from_json(const nlohmann::json& j, ControlStats& c);
// Roll-ups are written for record readers; parsing recomputes them from the
// groups so they can never disagree.
void to_json(nlohmann::json& j, const Stats& s);
void from_json(const nlohmann::json& j, Stats& s);
void to_json(nlohmann::json& j, const CheckResult& r);
void from_json(const nlohmann::json& j, CheckResult& r);

// ADL hooks so Thresholds nests inside other JSON documents.
inline void to_json(nlohmann::json& j, const Thresholds& t) { j = t.to_json(); }
inline void from_json(const nlohmann::json& j, Thresholds& t) { t = Thresholds::from_json(j); }

}  // namespace ktstr::check
