#pragma once
// The data a report page renders, distilled from records: per test its
// identity, verdict, check details, key metrics, monitor summary and
// verdicts, and the per-CPU timeline (columnar: "t" plus one array per CPU
// for nr_running and local DSQ depth), plus the A/B comparison when given.
// Only what the page shows is kept, so a report of 50 tests stays small.
#include <vector>

#include <nlohmann/json.hpp>

namespace ktstr::report {

// records: contract-shaped (records.hpp). compare: a validated `stats
// compare --json` document, or null.
//   {"generated": ISO time, "runs": [{run_id, tests, passed, failed, skipped}],
//    "host": {...}, "tests": [ {...} ], "compare": {...} | null}
nlohmann::json report_model(const std::vector<nlohmann::json>& records, const nlohmann::json& compare);

// "steady", or "steady [variant]" when the record has a variant.
std::string test_label(const nlohmann::json& record);

}  // namespace ktstr::report
