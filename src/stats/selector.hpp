#pragma once
// Which records make up one side of a comparison: `key=value` terms joined
// by commas, all of which must hold, e.g. `scheduler=eevdf,topology=1n2l2c1t`
// or `run=latest~1`. Keys are the identity fields of a record plus `run`
// (a run id, `latest`, or `latest~N` = N runs before the latest).
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace ktstr::stats {

// Identity fields of the record contract, in display order.
const std::vector<std::string>& identity_fields();

struct Selector {
  std::string text;                                       // as the user wrote it
  std::vector<std::pair<std::string, std::string>> terms;  // key, value
  bool names(const std::string& key) const;
};

// Throws Error (exit 2) naming the bad term or key.
Selector parse_selector(const std::string& text);

// The identity value of one field ("" when absent).
std::string identity_value(const nlohmann::json& record, const std::string& field);

// The records the selector picks, in input order. `run=latest~N` counts
// back over the runs that have a record matching the other terms. Throws
// Error when a run term names no such run.
std::vector<nlohmann::json> select(const std::vector<nlohmann::json>& records, const Selector& sel);

}  // namespace ktstr::stats
