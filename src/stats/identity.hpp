#pragma once
// Reading the identity of a record of the contract shape (store/record.hpp)
// without parsing it whole: the stats code works on the store's JSON.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/selector.hpp"

namespace ktstr::stats {

// Identity fields of the record contract, in display order.
const std::vector<std::string>& identity_fields();

// The identity value of one field ("" when absent); "run" gives run_id.
std::string identity_value(const nlohmann::json& record, const std::string& field);

// Whether a selector has a term on this dimension.
bool names(const store::Selector& s, const std::string& dimension);

}  // namespace ktstr::stats
