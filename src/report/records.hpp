#pragma once
// What `ktstr report` reads: records of the shape fixed by the run-record
// contract (store/record.hpp: {"id","run_id","started","identity":{...},
// "verdict","seconds","result","host"}), from whichever document holds
// them, so a report can be made without a store as well as from one.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ktstr::report {

// Accepts
//   * a store's per-run JSON      {"run":{...}, "records":[record...]}
//   * `ktstr run --json` output   {"scheduler":"fixture [default]", "results":[verdict...]}
//   * an array of records, or one record.
// Every record it returns has an object "identity" with string fields, a
// "verdict", a number "seconds" and an object "result". Error (exit 2)
// naming `source` and what is wrong otherwise, or when there is no record.
std::vector<nlohmann::json> records_from_document(const nlohmann::json& doc, const std::string& source);

// Reads and parses a JSON file: Error (exit 2) for a missing, unreadable
// or corrupt file, with the parser's position.
nlohmann::json read_json_file(const std::string& path);

// A `stats compare --json` document: Error (exit 2) unless it has the
// contract's shape ("a", "b", "pairs":[{"key","metrics":[...]}]).
void validate_compare(const nlohmann::json& compare, const std::string& source);

}  // namespace ktstr::report
