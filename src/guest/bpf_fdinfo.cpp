#include "guest/bpf_fdinfo.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "util/files.hpp"

namespace ktstr::guest {
namespace fs = std::filesystem;

nlohmann::json parse_fdinfo(std::string_view text) {
  nlohmann::json j = nlohmann::json::object();
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    pos = eol + 1;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string key(line.substr(0, colon));
    std::string value(line.substr(colon + 1));
    value.erase(0, value.find_first_not_of(" \t"));
    char* end = nullptr;
    unsigned long long v = std::strtoull(value.c_str(), &end, 10);
    if (!value.empty() && end && *end == '\0') j[key] = v;
  }
  return j;
}

nlohmann::json bpf_programs_of(pid_t pid) {
  nlohmann::json out = nlohmann::json::array();
  std::error_code ec;
  fs::path fds = fs::path("/proc") / std::to_string(pid) / "fd";
  for (const auto& e : fs::directory_iterator(fds, ec)) {
    std::error_code lec;
    auto target = fs::read_symlink(e.path(), lec);
    if (lec || target.string() != "anon_inode:bpf-prog") continue;
    auto text = try_read_file((fs::path("/proc") / std::to_string(pid) / "fdinfo" / e.path().filename()).string());
    if (!text) continue;
    nlohmann::json p = parse_fdinfo(*text);
    if (!p.contains("prog_id")) continue;
    p["fd"] = std::stoi(e.path().filename().string());
    out.push_back(std::move(p));
  }
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.value("prog_id", 0ull) < b.value("prog_id", 0ull); });
  return out;
}

}  // namespace ktstr::guest
