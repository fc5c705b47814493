#include "stats/policy.hpp"

#include <fmt/ranges.h>

// Header-only: one TU parses TOML per module (see scheduler/scheduler_def.cpp).
#define TOML_HEADER_ONLY 1
#define TOML_ENABLE_FORMATTERS 0
#include <toml++/toml.h>

#include "util/error.hpp"
#include "util/files.hpp"

namespace ktstr::stats {

namespace {

std::vector<std::string> metric_names() {
  std::vector<std::string> n;
  for (const auto& d : metric_defs()) n.push_back(d.name);
  return n;
}

double gate_value(const toml::node& v, const std::string& source, const std::string& key) {
  std::optional<double> d;
  if (auto i = v.as_integer()) d = static_cast<double>(i->get());
  else if (auto f = v.as_floating_point()) d = f->get();
  if (!d || !(*d >= 0) || *d > 1e15) fail("policy {}: {} must be a non-negative number", source, key);
  return *d;
}

MetricOverride parse_metric(const toml::table& t, const std::string& source, const std::string& name) {
  MetricOverride o;
  for (const auto& [k, v] : t) {
    std::string key(k.str());
    std::string full = name + "." + key;
    if (key == "abs") o.abs_gate = gate_value(v, source, full);
    else if (key == "rel") o.rel_gate = gate_value(v, source, full);
    else if (key == "enabled") {
      auto b = v.as_boolean();
      if (!b) fail("policy {}: {} must be true or false", source, full);
      o.enabled = b->get();
    } else {
      fail("policy {}: unknown key '{}' (a metric takes abs, rel, enabled)", source, full);
    }
  }
  return o;
}

}  // namespace

Policy parse_policy(const std::string& text, const std::string& source) {
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    fail("policy {}: line {}: {}", source, e.source().begin.line, e.description());
  }
  Policy p;
  for (const auto& [k, v] : root) {
    std::string key(k.str());
    if (key == "emulation_allowance") {
      auto b = v.as_boolean();
      if (!b) fail("policy {}: emulation_allowance must be true or false", source);
      p.emulation_allowance = b->get();
      continue;
    }
    if (!find_metric(key))
      fail("policy {}: unknown metric '{}' (known: emulation_allowance, {})", source, key,
           fmt::join(metric_names(), ", "));
    auto t = v.as_table();
    if (!t) fail("policy {}: '{}' must be a table ([{}] with abs, rel, enabled)", source, key, key);
    p.metrics[key] = parse_metric(*t, source, key);
  }
  return p;
}

Policy load_policy(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) fail("policy {}: no such file", file.string());
  return parse_policy(read_file(file), file.string());
}

std::vector<Gate> resolve_gates(const Policy& p, bool emulated) {
  std::vector<Gate> out;
  for (const auto& d : metric_defs()) {
    Gate g{d, true};
    if (emulated && p.emulation_allowance && d.timing) {
      g.metric.abs_gate *= kEmulationAbsFactor;
      g.metric.fold_gate = kEmulationFold;
    }
    if (auto it = p.metrics.find(d.name); it != p.metrics.end()) {
      const auto& o = it->second;
      if (o.abs_gate) g.metric.abs_gate = *o.abs_gate;
      if (o.rel_gate) g.metric.rel_gate = *o.rel_gate;
      if (o.enabled) g.enabled = *o.enabled;
    }
    out.push_back(g);
  }
  return out;
}

}  // namespace ktstr::stats
