#include "scenario/json_reader.hpp"

namespace ktstr::scenario {

JsonObject::JsonObject(const nlohmann::json& j, std::string path) : j_(j), path_(std::move(path)) {
  if (!j_.is_object()) fail("{}: expected a JSON object, got {}", path_, j_.dump());
}

const nlohmann::json* JsonObject::get(const char* key) {
  used_.insert(key);
  auto it = j_.find(key);
  return it == j_.end() || it->is_null() ? nullptr : &*it;
}

void JsonObject::done() const {
  for (const auto& [key, value] : j_.items())
    if (!used_.count(key)) fail("{}: unknown key '{}'", path_, key);
}

}  // namespace ktstr::scenario
