#include "util/cpu_list.hpp"

#include <algorithm>
#include <charconv>
#include <iterator>

#include "util/error.hpp"
#include "util/files.hpp"

namespace ktstr {
namespace {

// The kernel's nr_cpu_ids never gets near this; it bounds what a typo like
// "0-4000000000" can make us allocate.
constexpr uint32_t kMaxCpuId = 1u << 20;

uint32_t parse_cpu(std::string_view whole, std::string_view tok) {
  std::string t = trim(tok);
  uint32_t v = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (t.empty()) fail("bad CPU list '{}': empty item (a stray ',' or '-'?)", whole);
  if (ec != std::errc() || p != t.data() + t.size()) fail("bad CPU list '{}': '{}' is not a CPU number", whole, t);
  if (v >= kMaxCpuId) fail("bad CPU list '{}': CPU {} is out of range (max {})", whole, v, kMaxCpuId - 1);
  return v;
}

}  // namespace

CpuList normalized(CpuList s) {
  std::sort(s.begin(), s.end());
  s.erase(std::unique(s.begin(), s.end()), s.end());
  return s;
}

std::string format_cpu_list(const CpuList& cpus) {
  CpuList s = normalized(cpus);
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

CpuList parse_cpu_list(std::string_view text) {
  std::string t = trim(text);
  CpuList out;
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
    if (b < a) fail("bad CPU list '{}': range '{}' runs backwards", t, trim(p));
    for (uint32_t c = a; c <= b; ++c) out.push_back(c);
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

}  // namespace ktstr
