#include "guest/request.hpp"

#include "util/error.hpp"

namespace ktstr::guest {

Request parse_request(const std::string& text) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const std::exception& e) {
    fail("bad run request {}: {}", kRequestPath, e.what());
  }
  Request r;
  r.action = j.value("action", "");
  r.command = j.value("command", "");
  r.params = j.value("params", nlohmann::json::object());
  if (r.action.empty()) fail("run request has no action");
  return r;
}

std::string request_to_json(const Request& r) {
  nlohmann::json j{{"action", r.action}, {"command", r.command}, {"params", r.params}};
  return j.dump();
}

}  // namespace ktstr::guest
