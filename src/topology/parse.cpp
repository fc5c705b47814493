#include "topology/parse.hpp"

#include <regex>
#include <string>

#include "topology/presets.hpp"
#include "util/error.hpp"
#include "util/files.hpp"

namespace ktstr::topology {
namespace {

[[noreturn]] void unknown(std::string_view text) {
  std::string names;
  for (const auto& p : presets()) names += (names.empty() ? "" : ", ") + std::string(p.name);
  fail("unknown topology '{}': expected N,L,C,T (nodes,llcs,cores per llc,threads per core), a name like "
       "1n2l4c1t, or a preset ({})",
       text, names);
}

constexpr const char* kFieldNames[] = {"numa_nodes", "llcs", "cores_per_llc", "threads_per_core"};
constexpr const char* kCountsRule =
    "each of N,L,C,T (numa_nodes, llcs, cores_per_llc, threads_per_core) must be a whole number of at least 1";

// Text that is almost one of the two numeric forms gets a message naming
// the field that is wrong instead of "unknown topology" (which would send
// the user to the list of forms for a typo in one number).
void diagnose_near_miss(const std::string& s) {
  static const std::regex loose_named(R"(^([^nlct:,]*)n([^nlct:,]*)l([^nlct:,]*)c([^nlct:,]*)t(?::.*)?$)");
  std::vector<std::string> fields;
  std::smatch m;
  if (std::regex_match(s, m, loose_named)) {
    for (size_t i = 1; i <= 4; ++i) fields.push_back(m[i].str());
  } else if (s.find(',') != std::string::npos && s.find(':') == std::string::npos &&
             s.find_first_of("nlct") == std::string::npos) {
    for (const auto& f : split(s, ',')) fields.push_back(trim(f));
    if (fields.size() != 4)
      fail("topology '{}': N,L,C,T takes 4 numbers (numa_nodes, llcs, cores_per_llc, threads_per_core), got {}", s,
           fields.size());
  } else {
    return;
  }
  static const std::regex digits(R"(^\d+$)");
  static const std::regex negative(R"(^-\d+$)");
  for (size_t i = 0; i < 4; ++i) {
    if (std::regex_match(fields[i], digits)) continue;
    if (std::regex_match(fields[i], negative))
      fail("topology '{}': {} is {}, a negative count; {}", s, kFieldNames[i], fields[i], kCountsRule);
    fail("topology '{}': {} is '{}', not a number; {}", s, kFieldNames[i], fields[i], kCountsRule);
  }
}

uint32_t field(std::string_view text, const std::string& digits) {
  // The regexes only admit digits; this catches values that overflow.
  unsigned long long v = std::stoull(digits);
  if (v > UINT32_MAX) fail("topology '{}': {} is too large", text, digits);
  return static_cast<uint32_t>(v);
}

// ":1l,2l512m,0l256m" after the base name: per-node LLCs and optional memory.
std::vector<NodeSpec> parse_nodes(std::string_view text, const std::string& suffix) {
  static const std::regex node(R"(^(\d+)l(?:(\d+)m)?$)");
  std::vector<NodeSpec> out;
  for (const auto& part : split(suffix, ',')) {
    std::smatch m;
    if (!std::regex_match(part, m, node))
      fail("topology '{}': node '{}' must look like 2l (LLCs) or 2l512m (LLCs and MiB of memory)", text, part);
    NodeSpec n;
    n.llcs = field(text, m[1].str());
    if (m[2].matched) n.memory_mb = field(text, m[2].str());
    out.push_back(n);
  }
  return out;
}

}  // namespace

Topology parse_topology(std::string_view text) {
  std::string s = trim(text);
  if (const Preset* p = find_preset(s)) return p->topology;
  static const std::regex commas(R"(^(\d+),(\d+),(\d+),(\d+)$)");
  static const std::regex named(R"(^(\d+)n(\d+)l(\d+)c(\d+)t(?::(.+))?$)");
  std::smatch m;
  if (!std::regex_match(s, m, commas) && !std::regex_match(s, m, named)) {
    diagnose_near_miss(s);
    unknown(s);
  }
  Topology t;
  t.numa_nodes = field(s, m[1].str());
  t.llcs = field(s, m[2].str());
  t.cores_per_llc = field(s, m[3].str());
  t.threads_per_core = field(s, m[4].str());
  if (m.size() > 5 && m[5].matched) t.nodes = parse_nodes(s, m[5].str());
  t.validate();
  return t;
}

}  // namespace ktstr::topology
