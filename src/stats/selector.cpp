#include "stats/selector.hpp"

#include <algorithm>
#include <set>

#include <fmt/ranges.h>

#include "util/error.hpp"

namespace ktstr::stats {
using nlohmann::json;

const std::vector<std::string>& identity_fields() {
  static const std::vector<std::string> f = {"test",   "variant", "topology", "scheduler", "flags",
                                             "kernel", "vmm",     "commit",   "work_type"};
  return f;
}

bool Selector::names(const std::string& key) const {
  return std::any_of(terms.begin(), terms.end(), [&](const auto& t) { return t.first == key; });
}

namespace {

std::string trim(std::string s) {
  auto b = s.find_first_not_of(" \t");
  auto e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

bool valid_key(const std::string& k) {
  const auto& f = identity_fields();
  return k == "run" || std::find(f.begin(), f.end(), k) != f.end();
}

std::string run_of(const json& r) { return r.value("run_id", std::string()); }

bool matches(const json& r, const Selector& sel) {
  for (const auto& [k, v] : sel.terms)
    if (k != "run" && identity_value(r, k) != v) return false;
  return true;
}

}  // namespace

Selector parse_selector(const std::string& text) {
  Selector s;
  s.text = text;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t comma = text.find(',', pos);
    std::string term = trim(text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
    pos = comma == std::string::npos ? text.size() + 1 : comma + 1;
    if (term.empty()) fail("selector '{}': empty term (expected KEY=VALUE[,KEY=VALUE...])", text);
    auto eq = term.find('=');
    if (eq == std::string::npos) fail("selector '{}': term '{}' is not KEY=VALUE", text, term);
    std::string key = trim(term.substr(0, eq)), value = trim(term.substr(eq + 1));
    if (!valid_key(key))
      fail("selector '{}': unknown key '{}' (known: run, {})", text, key, fmt::join(identity_fields(), ", "));
    if (value.empty()) fail("selector '{}': key '{}' has no value", text, key);
    if (s.names(key)) fail("selector '{}': key '{}' given twice", text, key);
    if (key == "run" && value.starts_with("latest~")) {
      std::string n = value.substr(7);
      if (n.empty() || n.find_first_not_of("0123456789") != std::string::npos || n.size() > 6)
        fail("selector '{}': bad run '{}' (expected a run id, latest or latest~N)", text, value);
    }
    s.terms.emplace_back(key, value);
  }
  if (s.terms.empty()) fail("selector is empty (expected KEY=VALUE[,KEY=VALUE...])");
  return s;
}

std::string identity_value(const json& record, const std::string& field) {
  if (field == "run") return run_of(record);
  auto it = record.find("identity");
  if (it == record.end() || !it->is_object()) return "";
  auto v = it->find(field);
  if (v == it->end() || !v->is_string()) return "";
  return v->get<std::string>();
}

std::vector<json> select(const std::vector<json>& records, const Selector& sel) {
  std::vector<json> candidates;
  for (const auto& r : records)
    if (matches(r, sel)) candidates.push_back(r);
  auto run = std::find_if(sel.terms.begin(), sel.terms.end(), [](const auto& t) { return t.first == "run"; });
  if (run == sel.terms.end()) return candidates;

  std::string want = run->second;
  if (want == "latest" || want.starts_with("latest~")) {
    // Run ids sort by time; count back over the runs that have candidates.
    std::set<std::string> runs;
    for (const auto& r : candidates) runs.insert(run_of(r));
    size_t back = want == "latest" ? 0 : std::stoul(want.substr(7));
    if (back >= runs.size())
      fail("selector '{}': {} but only {} matching run(s) in the store", sel.text, want, runs.size());
    want = *std::next(runs.rbegin(), static_cast<long>(back));
  } else if (std::none_of(records.begin(), records.end(), [&](const json& r) { return run_of(r) == want; })) {
    fail("selector '{}': unknown run id '{}' (see `ktstr stats list`)", sel.text, want);
  }
  std::vector<json> out;
  for (auto& r : candidates)
    if (run_of(r) == want) out.push_back(std::move(r));
  return out;
}

}  // namespace ktstr::stats
