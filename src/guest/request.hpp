#pragma once
// What the host asks guest init to do, delivered as /ktstr/request.json in a
// small per-run cpio segment appended to the cached base initramfs.
#include <string>

#include <nlohmann/json.hpp>

namespace ktstr::guest {

inline constexpr const char* kRequestPath = "/ktstr/request.json";

struct Request {
  std::string action;        // "exec" | "shell"
  std::string command;       // for exec: run with /bin/sh -c
  nlohmann::json params;     // action-specific extras
};

Request parse_request(const std::string& json_text);
std::string request_to_json(const Request& r);

}  // namespace ktstr::guest
