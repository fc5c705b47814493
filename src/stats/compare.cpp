#include "stats/compare.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "stats/identity.hpp"
#include "util/error.hpp"

namespace ktstr::stats {
using nlohmann::json;

MetricVerdict judge(const MetricDef& d, std::optional<double> a, std::optional<double> b) {
  MetricVerdict v{.name = d.name, .a = a, .b = b, .abs_gate = d.abs_gate, .rel_gate = d.rel_gate,
                  .higher_is_better = d.higher_is_better};
  if (!a || !b) {
    v.verdict = "missing";
    return v;
  }
  double delta = *b - *a;
  v.delta = delta;
  if (*a != 0) v.relative = delta / std::fabs(*a);
  // Both gates: a change of 1 on a base of 1 is +100 % but may be noise
  // (absolute gate); a change of 1000 on a base of 10^6 is big in absolute
  // terms but noise too (relative gate). From zero any change is relative.
  bool abs_ok = std::fabs(delta) >= d.abs_gate;
  bool rel_ok = v.relative ? std::fabs(*v.relative) >= d.rel_gate : delta != 0;
  // Emulation allowance: an n-fold change either way (from or to 0: infinite).
  double lo = std::min(std::fabs(*a), std::fabs(*b)), hi = std::max(std::fabs(*a), std::fabs(*b));
  bool fold_ok = d.fold_gate <= 0 || lo == 0 || hi / lo >= d.fold_gate;
  v.fold_gate = d.fold_gate;
  if (delta == 0 || !abs_ok || !rel_ok || !fold_ok) v.verdict = "unchanged";
  else v.verdict = (delta > 0) == d.higher_is_better ? "improvement" : "regression";
  return v;
}

bool record_emulated(const json& r) {
  const json* res = r.contains("result") && r["result"].is_object() ? &r["result"] : nullptr;
  if (res && res->contains("vmm") && (*res)["vmm"].is_object()) {
    const auto& vmm = (*res)["vmm"];
    if (vmm.contains("emulated") && vmm["emulated"].is_boolean()) return vmm["emulated"].get<bool>();
  }
  // Records from before the flag: ktstr's own VMM needs hardware KVM; QEMU
  // is chosen where there is none (README "VMMs").
  return identity_value(r, "vmm") == "qemu";
}

namespace {

bool skipped(const json& r) { return r.value("verdict", std::string()) == "SKIP"; }

// Identity fields that tell the sides apart: named by a selector, or -- for
// the configuration under test (scheduler, flags, kernel, vmm, work type) --
// one value throughout side A and another throughout side B, so `run=X` vs
// `run=Y` pairs a default run with a `--flags slow` one. What a test is
// (test, variant, topology) only drops out when a selector names it.
// `commit` never pairs (a re-run of the same tests is the point).
std::vector<std::string> compared_fields(const std::vector<json>& a, const std::vector<json>& b, const store::Selector& sa,
                                         const store::Selector& sb) {
  std::vector<std::string> out;
  auto uniform = [](const std::vector<json>& side, const std::string& f) -> std::optional<std::string> {
    std::optional<std::string> v;
    for (const auto& r : side) {
      std::string x = identity_value(r, f);
      if (v && *v != x) return std::nullopt;
      v = x;
    }
    return v;
  };
  for (const auto& f : identity_fields()) {
    if (f == "commit" || names(sa, f) || names(sb, f)) {
      out.push_back(f);
      continue;
    }
    if (f == "test" || f == "variant" || f == "topology") continue;
    auto va = uniform(a, f), vb = uniform(b, f);
    if (va && vb && *va != *vb) out.push_back(f);
  }
  return out;
}

json key_of(const json& r, const std::vector<std::string>& compared) {
  json k = json::object();
  for (const auto& f : identity_fields())
    if (std::find(compared.begin(), compared.end(), f) == compared.end()) k[f] = identity_value(r, f);
  return k;
}

struct Side {
  json key;
  std::vector<MetricValues> reps;
};

std::map<std::string, Side> group(const std::vector<json>& records, const std::vector<std::string>& compared) {
  std::map<std::string, Side> out;
  for (const auto& r : records) {
    json k = key_of(r, compared);
    auto& s = out[k.dump()];
    s.key = k;
    s.reps.push_back(extract_metrics(r));
  }
  return out;
}

std::optional<double> mean(const std::vector<MetricValues>& reps, const std::string& name) {
  double sum = 0;
  size_t n = 0;
  for (const auto& m : reps)
    if (auto it = m.find(name); it != m.end()) {
      sum += it->second;
      ++n;
    }
  if (!n) return std::nullopt;
  return sum / static_cast<double>(n);
}

json opt(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

std::string key_text(const json& k) {
  std::vector<std::string> parts;
  for (const auto& f : identity_fields())
    if (k.contains(f) && !k[f].get<std::string>().empty()) parts.push_back(k[f].get<std::string>());
  return fmt::format("{}", fmt::join(parts, " "));
}

std::string num(const std::optional<double>& v) {
  if (!v) return "-";
  double a = std::fabs(*v);
  if (a != 0 && (a < 0.01 || a >= 1e7)) return fmt::format("{:.3g}", *v);
  if (a >= 1000 || *v == std::floor(*v)) return fmt::format("{:.0f}", *v);
  return fmt::format("{:.3f}", *v);
}

}  // namespace

Comparison compare(const std::vector<json>& a_in, const std::vector<json>& b_in, const store::Selector& sa,
                   const store::Selector& sb, const Policy& policy) {
  std::vector<json> a, b;
  std::copy_if(a_in.begin(), a_in.end(), std::back_inserter(a), [](const json& r) { return !skipped(r); });
  std::copy_if(b_in.begin(), b_in.end(), std::back_inserter(b), [](const json& r) { return !skipped(r); });
  if (a.empty()) fail("side A ({}) selects no record that ran (see `ktstr stats list`)", sa.text);
  if (b.empty()) fail("side B ({}) selects no record that ran (see `ktstr stats list`)", sb.text);

  Comparison c;
  c.a_selector = sa.text;
  c.b_selector = sb.text;
  c.a_records = a.size();
  c.b_records = b.size();
  c.compared = compared_fields(a, b, sa, sb);
  c.emulated = std::any_of(a.begin(), a.end(), record_emulated) || std::any_of(b.begin(), b.end(), record_emulated);
  auto gates = resolve_gates(policy, c.emulated);

  auto ga = group(a, c.compared), gb = group(b, c.compared);
  for (const auto& [k, sa_] : ga) {
    auto it = gb.find(k);
    if (it == gb.end()) {
      c.unpaired_a.push_back(sa_.key);
      continue;
    }
    Pair p{.key = sa_.key, .a_n = sa_.reps.size(), .b_n = it->second.reps.size()};
    for (const auto& g : gates) {
      if (!g.enabled) continue;
      auto v = judge(g.metric, mean(sa_.reps, g.metric.name), mean(it->second.reps, g.metric.name));
      c.regressions += v.verdict == "regression";
      c.improvements += v.verdict == "improvement";
      p.metrics.push_back(std::move(v));
    }
    c.pairs.push_back(std::move(p));
  }
  for (const auto& [k, sb_] : gb)
    if (!ga.count(k)) c.unpaired_b.push_back(sb_.key);
  if (c.pairs.empty()) {
    std::vector<std::string> on;
    for (const auto& f : identity_fields())
      if (std::find(c.compared.begin(), c.compared.end(), f) == c.compared.end()) on.push_back(f);
    fail("nothing to pair: side A ({}, {} record(s)) and side B ({}, {} record(s)) share no identity "
         "(pairing on {}; e.g. A has '{}', B has '{}')",
         sa.text, a.size(), sb.text, b.size(), fmt::join(on, ", "), key_text(c.unpaired_a.front()),
         key_text(c.unpaired_b.front()));
  }
  return c;
}

json Comparison::to_json() const {
  json pairs_j = json::array();
  for (const auto& p : pairs) {
    json ms = json::array();
    for (const auto& m : p.metrics) {
      ms.push_back({{"name", m.name},
                    {"a", opt(m.a)},
                    {"b", opt(m.b)},
                    {"delta", opt(m.delta)},
                    {"relative", opt(m.relative)},
                    {"abs_gate", m.abs_gate},
                    {"rel_gate", m.rel_gate},
                    {"higher_is_better", m.higher_is_better},
                    {"verdict", m.verdict}});
      if (m.fold_gate > 0) ms.back()["fold_gate"] = m.fold_gate;
    }
    pairs_j.push_back({{"key", p.key}, {"a_n", p.a_n}, {"b_n", p.b_n}, {"metrics", ms}});
  }
  return {{"a", {{"selector", a_selector}, {"records", a_records}}},
          {"b", {{"selector", b_selector}, {"records", b_records}}},
          {"compared", compared},
          {"emulation_allowance", emulated},
          {"pairs", pairs_j},
          {"unpaired", {{"a", unpaired_a}, {"b", unpaired_b}}},
          {"regressions", regressions},
          {"improvements", improvements}};
}

std::string format_comparison(const Comparison& c, bool color) {
  auto paint = [&](const std::string& v) {
    std::string s = fmt::format("{:<11}", v);
    if (!color) return s;
    if (v == "regression") return "\033[1;31m" + s + "\033[0m";
    if (v == "improvement") return "\033[32m" + s + "\033[0m";
    if (v == "missing") return "\033[2m" + s + "\033[0m";
    return s;
  };
  std::string out = fmt::format("A: {} ({} records)\nB: {} ({} records)\ncompared: {}{}\n", c.a_selector, c.a_records,
                                c.b_selector, c.b_records, fmt::join(c.compared, ", "),
                                c.emulated ? fmt::format("; emulated (TCG): timing gates x{} and a {}-fold change", kEmulationAbsFactor, kEmulationFold) : "");
  for (const auto& p : c.pairs) {
    out += fmt::format("\n{}  (A x{}, B x{})\n", key_text(p.key), p.a_n, p.b_n);
    out += fmt::format("  {:<29} {:>10} {:>10} {:>10} {:>9}  {}\n", "metric", "A", "B", "delta", "relative", "verdict");
    std::vector<std::string> missing;
    for (const auto& m : p.metrics) {
      if (m.verdict == "missing") {
        missing.push_back(m.name);
        continue;
      }
      std::string rel = m.relative ? fmt::format("{:+.1f}%", *m.relative * 100) : (*m.delta ? "new" : "0.0%");
      out += fmt::format("  {:<29} {:>10} {:>10} {:>10} {:>9}  {}\n", m.name, num(m.a), num(m.b),
                         m.delta && *m.delta > 0 ? "+" + num(m.delta) : num(m.delta), rel, paint(m.verdict));
    }
    if (!missing.empty()) out += fmt::format("  missing: {}\n", fmt::join(missing, ", "));
  }
  for (const auto& k : c.unpaired_a) out += fmt::format("\nonly in A: {}", key_text(k));
  for (const auto& k : c.unpaired_b) out += fmt::format("\nonly in B: {}", key_text(k));
  if (!c.unpaired_a.empty() || !c.unpaired_b.empty()) out += "\n";
  out += fmt::format("\n{} pair(s): {} regression(s), {} improvement(s)\n", c.pairs.size(), c.regressions,
                     c.improvements);
  return out;
}

}  // namespace ktstr::stats
