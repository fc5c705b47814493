#include "check/cpulist.hpp"

#include <algorithm>
#include <charconv>
#include <iterator>

#include "util/error.hpp"
#include "util/files.hpp"

namespace ktstr::check {

CpuList normalized(CpuList cpus) {
  std::sort(cpus.begin(), cpus.end());
  cpus.erase(std::unique(cpus.begin(), cpus.end()), cpus.end());
  return cpus;
}

std::string format_cpulist(const CpuList& cpus) {
  CpuList s = normalized(cpus);
  std::string out;
  for (size_t i = 0; i < s.size();) {
    size_t j = i;
    while (j + 1 < s.size() && s[j + 1] == s[j] + 1) ++j;
    if (!out.empty()) out += ',';
    out += j == i ? fmt::format("{}", s[i]) : fmt::format("{}-{}", s[i], s[j]);
    i = j + 1;
  }
  return out;
}

namespace {

uint32_t parse_cpu(std::string_view tok, std::string_view whole) {
  std::string t = trim(tok);
  uint32_t v = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (t.empty() || ec != std::errc() || p != t.data() + t.size())
    fail("bad cpu list '{}': '{}' is not a CPU number", whole, t);
  return v;
}

}  // namespace

CpuList parse_cpulist(std::string_view text) {
  CpuList out;
  if (trim(text).empty()) return out;
  for (const std::string& part : split(text, ',')) {
    auto dash = part.find('-');
    if (dash == std::string::npos) {
      out.push_back(parse_cpu(part, text));
      continue;
    }
    uint32_t lo = parse_cpu(std::string_view(part).substr(0, dash), text);
    uint32_t hi = parse_cpu(std::string_view(part).substr(dash + 1), text);
    if (lo > hi) fail("bad cpu list '{}': range {}-{} runs backwards", text, lo, hi);
    for (uint32_t c = lo; c <= hi; ++c) out.push_back(c);
  }
  return normalized(std::move(out));
}

CpuList cpu_intersection(const CpuList& a, const CpuList& b) {
  CpuList x = normalized(a), y = normalized(b), out;
  std::set_intersection(x.begin(), x.end(), y.begin(), y.end(), std::back_inserter(out));
  return out;
}

CpuList cpu_difference(const CpuList& a, const CpuList& b) {
  CpuList x = normalized(a), y = normalized(b), out;
  std::set_difference(x.begin(), x.end(), y.begin(), y.end(), std::back_inserter(out));
  return out;
}

CpuList cpu_union(const CpuList& a, const CpuList& b) {
  CpuList x = normalized(a), y = normalized(b), out;
  std::set_union(x.begin(), x.end(), y.begin(), y.end(), std::back_inserter(out));
  return out;
}

}  // namespace ktstr::check
