#include "topology/cpuset.hpp"

#include <algorithm>
#include <charconv>

#include "util/error.hpp"
#include "util/files.hpp"

namespace ktstr::topology {
namespace {

// The kernel's nr_cpu_ids never gets near this; it bounds what a typo like
// "0-4000000000" can make us allocate.
constexpr uint32_t kMaxCpuId = 1u << 20;

uint32_t parse_cpu(std::string_view whole, std::string_view s) {
  uint32_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size())
    fail("bad CPU list '{}': '{}' is not a CPU number", whole, s);
  if (v >= kMaxCpuId) fail("bad CPU list '{}': CPU {} is out of range", whole, v);
  return v;
}

}  // namespace

CpuSet normalize(CpuSet s) {
  std::sort(s.begin(), s.end());
  s.erase(std::unique(s.begin(), s.end()), s.end());
  return s;
}

std::string format_cpu_list(const CpuSet& s) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    size_t j = i;
    while (j + 1 < s.size() && s[j + 1] == s[j] + 1) ++j;
    if (!out.empty()) out += ',';
    out += std::to_string(s[i]);
    if (j > i) out += '-' + std::to_string(s[j]);
    i = j + 1;
  }
  return out;
}

CpuSet parse_cpu_list(std::string_view text) {
  std::string t = trim(text);
  CpuSet out;
  if (t.empty()) return out;
  for (const auto& part : split(t, ',')) {
    std::string_view p = part;
    auto dash = p.find('-');
    if (dash == std::string_view::npos) {
      out.push_back(parse_cpu(t, p));
      continue;
    }
    uint32_t a = parse_cpu(t, p.substr(0, dash));
    uint32_t b = parse_cpu(t, p.substr(dash + 1));
    if (b < a) fail("bad CPU list '{}': range '{}' runs backwards", t, p);
    for (uint32_t c = a; c <= b; ++c) out.push_back(c);
  }
  return normalize(std::move(out));
}

}  // namespace ktstr::topology
