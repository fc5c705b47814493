#include "stats/identity.hpp"

#include <algorithm>

#include "store/record.hpp"

namespace ktstr::stats {
using nlohmann::json;

const std::vector<std::string>& identity_fields() { return store::Identity::fields(); }

std::string identity_value(const json& record, const std::string& field) {
  if (field == "run") return record.value("run_id", std::string());
  auto it = record.find("identity");
  if (it == record.end() || !it->is_object()) return "";
  auto v = it->find(field);
  if (v == it->end() || !v->is_string()) return "";
  return v->get<std::string>();
}

bool names(const store::Selector& s, const std::string& dimension) {
  return std::any_of(s.terms.begin(), s.terms.end(), [&](const auto& t) { return t.first == dimension; });
}

}  // namespace ktstr::stats
