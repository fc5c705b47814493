#pragma once
// Lenient reads of record JSON for the report: records of other ktstr
// versions may lack a key or carry another type, and a report shows what
// is there rather than refusing the whole run.
#include <string>

#include <nlohmann/json.hpp>

namespace ktstr::report::detail {

// j[key], or null when j is not an object or has no such key.
inline const nlohmann::json& at(const nlohmann::json& j, const char* key) {
  static const nlohmann::json null;
  if (!j.is_object()) return null;
  auto it = j.find(key);
  return it == j.end() ? null : *it;
}

// j[key] when it is a string, else "".
inline std::string str(const nlohmann::json& j, const char* key) {
  const nlohmann::json& v = at(j, key);
  return v.is_string() ? v.get<std::string>() : "";
}

}  // namespace ktstr::report::detail
