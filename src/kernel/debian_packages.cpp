#include "kernel/debian_packages.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include "kernel/kernel_version.hpp"
#include "util/files.hpp"

namespace ktstr::kernel {
namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::optional<std::string> newest(const std::vector<std::string>& packages, std::string_view prefix) {
  std::optional<std::string> best;
  for (const auto& p : packages) {
    if (p.rfind(prefix, 0) != 0) continue;
    auto v = version_from_package(p);
    if (v && (!best || compare_versions(*v, *best) > 0)) best = v;
  }
  return best;
}

const PackageRecord* find(const std::vector<PackageRecord>& records, const std::string& name) {
  for (const auto& r : records)
    if (r.name == name) return &r;
  return nullptr;
}

}  // namespace

std::vector<PackageRecord> parse_package_records(std::string_view text) {
  std::map<std::string, PackageRecord> best;
  PackageRecord cur;
  auto flush = [&] {
    if (!cur.name.empty()) {
      auto it = best.find(cur.name);
      if (it == best.end() || compare_versions(cur.version, it->second.version) > 0) best[cur.name] = cur;
    }
    cur = PackageRecord{};
  };
  for (const auto& raw : split(text, '\n')) {
    std::string line = raw;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (trim(line).empty()) {
      flush();
      continue;
    }
    auto colon = line.find(':');
    if (colon == std::string::npos || line[0] == ' ') continue;
    std::string key = line.substr(0, colon);
    std::string value = trim(std::string_view(line).substr(colon + 1));
    if (key == "Package") {
      if (!cur.name.empty()) flush();  // tolerate records without a blank line between them
      cur.name = value;
    } else if (key == "Version") {
      cur.version = value;
    } else if (key == "Size") {
      try {
        cur.size = std::stoull(value);
      } catch (const std::exception&) {
        cur.size = 0;
      }
    }
  }
  flush();
  std::vector<PackageRecord> out;
  for (auto& [_, r] : best) out.push_back(std::move(r));
  return out;
}

bool is_generic_amd64(std::string_view v) {
  return ends_with(v, "-amd64") && !ends_with(v, "-cloud-amd64") && !ends_with(v, "-rt-amd64");
}

std::optional<std::string> version_from_package(std::string_view package) {
  for (std::string_view prefix : {"linux-binary-", "linux-image-"}) {
    if (package.rfind(prefix, 0) != 0) continue;
    std::string_view v = package.substr(prefix.size());
    if (v.empty() || !std::isdigit(static_cast<unsigned char>(v[0])) || !is_generic_amd64(v) || !is_valid_version(v))
      return std::nullopt;
    return std::string(v);
  }
  return std::nullopt;
}

std::optional<std::string> pick_latest_version(const std::vector<std::string>& packages) {
  if (auto v = newest(packages, "linux-binary-")) return v;
  return newest(packages, "linux-image-");
}

std::vector<std::string> available_versions(const std::vector<PackageRecord>& records) {
  std::vector<std::string> out;
  for (const auto& r : records)
    if (auto v = version_from_package(r.name); v && std::find(out.begin(), out.end(), *v) == out.end())
      out.push_back(*v);
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return compare_versions(a, b) > 0; });
  return out;
}

std::vector<PackageRecord> plan_packages(const std::vector<PackageRecord>& records, std::string_view version) {
  std::string v(version);
  if (const auto* bin = find(records, "linux-binary-" + v)) {
    std::vector<PackageRecord> out{*bin};
    if (const auto* base = find(records, "linux-base-" + v)) out.push_back(*base);
    return out;
  }
  if (const auto* img = find(records, "linux-image-" + v)) return {*img};
  return {};
}

}  // namespace ktstr::kernel
