#include "scheduler/scheduler_def.hpp"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>

#include <fmt/ranges.h>

// Header-only: this is the one translation unit that parses TOML, and it
// keeps libtomlplusplus.so out of the guest's shared-library closure.
#define TOML_HEADER_ONLY 1
#define TOML_ENABLE_FORMATTERS 0
#include <toml++/toml.h>

#include "topology/parse.hpp"
#include "util/error.hpp"
#include "util/files.hpp"

namespace ktstr::scheduler {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }
bool has_space(std::string_view s) { return std::any_of(s.begin(), s.end(), is_space); }
bool is_word(std::string_view s, std::string_view extra) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [&](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           extra.find(c) != std::string_view::npos;
  });
}

// --- JSON reading, strict: the context names the field in errors ---------------

std::string as_string(const json& v, const std::string& ctx) {
  if (!v.is_string()) fail("{}: expected a string, got {}", ctx, v.dump());
  return v.get<std::string>();
}

std::vector<std::string> as_strings(const json& v, const std::string& ctx) {
  if (!v.is_array()) fail("{}: expected an array of strings, got {}", ctx, v.dump());
  std::vector<std::string> out;
  for (const auto& e : v) out.push_back(as_string(e, ctx));
  return out;
}

FlagDef flag_from_json(const json& j, const std::string& ctx) {
  if (!j.is_object()) fail("{}: expected an object, got {}", ctx, j.dump());
  FlagDef f;
  for (const auto& [k, v] : j.items()) {
    const std::string c = ctx + "." + k;
    if (k == "name") f.name = as_string(v, c);
    else if (k == "args") f.args = as_strings(v, c);
    else if (k == "requires") f.requires_flags = as_strings(v, c);
    else if (k == "description") f.description = as_string(v, c);
    else if (k == "fault") {
      if (!v.is_boolean()) fail("{}: expected true/false, got {}", c, v.dump());
      f.fault = v.get<bool>();
    } else {
      fail("{}: unknown key '{}' (known: name, args, requires, fault, description)", ctx, k);
    }
  }
  return f;
}

// --- TOML <-> JSON: one schema, parsed and checked by from_json ----------------

json toml_to_json(const toml::node& n, const std::string& ctx) {
  if (const auto* t = n.as_table()) {
    json j = json::object();
    for (const auto& [k, v] : *t) j[std::string(k.str())] = toml_to_json(v, ctx + "." + std::string(k.str()));
    return j;
  }
  if (const auto* a = n.as_array()) {
    json j = json::array();
    for (const auto& v : *a) j.push_back(toml_to_json(v, ctx));
    return j;
  }
  if (const auto* s = n.as_string()) return s->get();
  if (const auto* i = n.as_integer()) return i->get();
  if (const auto* d = n.as_floating_point()) return d->get();
  if (const auto* b = n.as_boolean()) return b->get();
  fail("{}: dates and times are not used in scheduler definitions", ctx);
}

// A TOML basic string (the JSON escapes are a subset of TOML's except \/).
std::string toml_quote(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7f) out += fmt::format("\\u{:04X}", c);
        else out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string toml_value(const json& v, const std::string& key) {
  if (v.is_string()) return toml_quote(v.get<std::string>());
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_unsigned()) {
    // TOML integers are 64-bit signed; UINT64_MAX ("never") has no spelling.
    if (v.get<uint64_t>() > uint64_t(std::numeric_limits<int64_t>::max()))
      fail("{}: {} does not fit a TOML integer; use a smaller value", key, v.dump());
    return v.dump();
  }
  if (v.is_number_integer()) return v.dump();
  if (v.is_number_float()) {
    std::string s = fmt::format("{}", v.get<double>());
    // Keep it a TOML float so it reads back as the same type.
    if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
    return s;
  }
  if (v.is_array()) {
    std::vector<std::string> items;
    for (const auto& e : v) items.push_back(toml_value(e, key));
    return fmt::format("[{}]", fmt::join(items, ", "));
  }
  fail("{}: cannot be written as TOML: {}", key, v.dump());
}

// Emits `keys` of `j` in that order (a toml::table would sort them), then
// whatever else is there, so the file reads like the documented schema.
void toml_keys(std::string& out, const json& j, std::initializer_list<const char*> keys, const std::string& ctx) {
  for (const char* k : keys)
    if (j.contains(k)) out += fmt::format("{} = {}\n", k, toml_value(j.at(k), ctx + k));
  for (const auto& [k, v] : j.items())
    if (std::find_if(keys.begin(), keys.end(), [&](const char* x) { return k == x; }) == keys.end())
      out += fmt::format("{} = {}\n", is_word(k, "_-") ? k : toml_quote(k), toml_value(v, ctx + k));
}

}  // namespace

// --- Sysctl ---------------------------------------------------------------------

Sysctl Sysctl::parse(std::string_view text) {
  size_t eq = text.find('=');
  if (eq == std::string_view::npos) fail("sysctl '{}': expected key=value", text);
  Sysctl s{trim(text.substr(0, eq)), trim(text.substr(eq + 1))};
  if (s.key.empty() || has_space(s.key)) fail("sysctl '{}': the key must be one word", text);
  if (s.key.front() == '/' || s.key.front() == '.' || s.key.find("..") != std::string::npos)
    fail("sysctl '{}': the key must stay inside /proc/sys", text);
  if (s.value.find('\n') != std::string::npos) fail("sysctl '{}': the value must be one line", s.key);
  return s;
}

std::string Sysctl::proc_path() const {
  std::string rel = key;
  if (rel.find('/') == std::string::npos) std::replace(rel.begin(), rel.end(), '.', '/');
  return "/proc/sys/" + rel;
}

// --- SchedulerDef -------------------------------------------------------------------

int SchedulerDef::flag_index(std::string_view flag) const {
  for (size_t i = 0; i < flags.size(); ++i)
    if (flags[i].name == flag) return static_cast<int>(i);
  return -1;
}

const FlagDef* SchedulerDef::find_flag(std::string_view flag) const {
  int i = flag_index(flag);
  return i < 0 ? nullptr : &flags[i];
}

std::vector<std::string> SchedulerDef::flag_names() const {
  std::vector<std::string> out;
  for (const auto& f : flags) out.push_back(f.name);
  return out;
}

namespace {
// A cycle in `requires` would make every flag on it unselectable (each
// needs the next); name the cycle instead of letting --flags report one link.
void check_requires_acyclic(const SchedulerDef& def, const std::string& who) {
  const auto& flags = def.flags;
  enum class Mark { none, active, done };
  std::vector<Mark> mark(flags.size(), Mark::none);
  std::vector<std::string> path;
  std::function<void(size_t)> visit = [&](size_t i) {
    mark[i] = Mark::active;
    path.push_back(flags[i].name);
    for (const auto& r : flags[i].requires_flags) {
      size_t j = static_cast<size_t>(def.flag_index(r));
      if (mark[j] == Mark::active) {
        auto from = std::find(path.begin(), path.end(), flags[j].name);
        std::vector<std::string> cycle(from, path.end());
        cycle.push_back(flags[j].name);
        fail("{}: flag requirements form a cycle: {}", who, fmt::join(cycle, " -> "));
      }
      if (mark[j] == Mark::none) visit(j);
    }
    path.pop_back();
    mark[i] = Mark::done;
  };
  for (size_t i = 0; i < flags.size(); ++i)
    if (mark[i] == Mark::none) visit(i);
}
}  // namespace

void SchedulerDef::validate() const {
  if (!is_word(name, "_.-")) fail("scheduler definition: name '{}' must be [A-Za-z0-9_.-]+", name);
  const std::string who = fmt::format("scheduler '{}'", name);
  if (binary.empty() || binary.find('\n') != std::string::npos) fail("{}: binary must be one non-empty line", who);
  if (!topology.empty()) {
    try {
      (void)topology::parse_topology(topology);
    } catch (const Error& e) {
      fail("{}: topology: {}", who, e.what());
    }
  }
  for (const auto& k : kernel_cmdline)
    if (k.empty() || has_space(k)) fail("{}: kernel_cmdline entry '{}' must be one word", who, k);
  for (const auto& s : sysctls) (void)Sysctl::parse(s.str());
  for (size_t i = 0; i < flags.size(); ++i) {
    const FlagDef& f = flags[i];
    // '+' and ',' separate flags in profile names and --flags.
    if (!is_word(f.name, "_-") || f.name == "default")
      fail("{}: flag name '{}' must be [A-Za-z0-9_-]+ and not 'default'", who, f.name);
    if (flag_index(f.name) != static_cast<int>(i)) fail("{}: flag '{}' is defined twice", who, f.name);
  }
  for (const FlagDef& f : flags) {
    for (const auto& r : f.requires_flags) {
      const FlagDef* dep = find_flag(r);
      if (!dep) fail("{}: flag '{}' requires unknown flag '{}' (known: {})", who, f.name, r, fmt::join(flag_names(), ", "));
      // Otherwise the gauntlet would expand a fault through a healthy flag.
      if (dep->fault && !f.fault) fail("{}: flag '{}' requires fault flag '{}'; mark '{}' as a fault too", who, f.name, r, f.name);
    }
  }
  check_requires_acyclic(*this, who);
}


json SchedulerDef::to_json() const {
  json j = {{"name", name}, {"binary", binary}};
  if (!description.empty()) j["description"] = description;
  if (!topology.empty()) j["topology"] = topology;
  if (!args.empty()) j["args"] = args;
  if (!kernel_cmdline.empty()) j["kernel_cmdline"] = kernel_cmdline;
  if (!sysctls.empty()) {
    j["sysctls"] = json::array();
    for (const auto& s : sysctls) j["sysctls"].push_back(s.str());
  }
  if (!reserved_cpus.empty()) j["reserved_cpus"] = reserved_cpus;
  if (!thresholds.empty()) j["thresholds"] = thresholds.to_json();
  j["flags"] = json::array();
  for (const auto& f : flags) {
    json fj = {{"name", f.name}, {"args", f.args}};
    if (!f.requires_flags.empty()) fj["requires"] = f.requires_flags;
    if (f.fault) fj["fault"] = true;
    if (!f.description.empty()) fj["description"] = f.description;
    j["flags"].push_back(std::move(fj));
  }
  return j;
}

SchedulerDef SchedulerDef::from_json(const json& j) {
  if (!j.is_object()) fail("scheduler definition: expected an object, got {}", j.dump());
  const std::string who = j.contains("name") && j["name"].is_string()
                              ? fmt::format("scheduler '{}'", j["name"].get<std::string>())
                              : std::string("scheduler definition");
  SchedulerDef d;
  for (const auto& [k, v] : j.items()) {
    const std::string ctx = who + ": " + k;
    if (k == "name") d.name = as_string(v, ctx);
    else if (k == "binary") d.binary = as_string(v, ctx);
    else if (k == "description") d.description = as_string(v, ctx);
    else if (k == "topology") d.topology = as_string(v, ctx);
    else if (k == "args") d.args = as_strings(v, ctx);
    else if (k == "kernel_cmdline") d.kernel_cmdline = as_strings(v, ctx);
    else if (k == "sysctls") {
      for (const auto& s : as_strings(v, ctx)) d.sysctls.push_back(Sysctl::parse(s));
    } else if (k == "reserved_cpus") {
      if (!v.is_array()) fail("{}: expected an array of CPU numbers, got {}", ctx, v.dump());
      for (const auto& c : v) {
        if (!c.is_number_unsigned() && !(c.is_number_integer() && c.get<int64_t>() >= 0))
          fail("{}: expected a non-negative CPU number, got {}", ctx, c.dump());
        if (c.get<uint64_t>() >= 512) fail("{}: CPU {} is beyond the largest topology (512 CPUs)", ctx, c.dump());
        d.reserved_cpus.push_back(c.get<uint32_t>());
      }
    } else if (k == "thresholds") {
      try {
        d.thresholds = check::Thresholds::from_json(v);
      } catch (const Error& e) {
        fail("{}: {}", who, e.what());
      }
    } else if (k == "flags") {
      if (!v.is_array()) fail("{}: expected an array of flag objects, got {}", ctx, v.dump());
      for (size_t i = 0; i < v.size(); ++i) d.flags.push_back(flag_from_json(v[i], fmt::format("{}[{}]", ctx, i)));
    } else {
      fail("{}: unknown key '{}' (known: name, binary, description, topology, args, kernel_cmdline, sysctls, "
           "reserved_cpus, thresholds, flags)", who, k);
    }
  }
  if (d.name.empty()) fail("{}: 'name' is required", who);
  if (d.binary.empty()) d.binary = d.name;  // resolve_scheduler() also tries scx_<name>
  d.validate();
  return d;
}

std::string SchedulerDef::to_toml() const {
  const json j = to_json();
  // Tables come after every top-level key: TOML puts keys that follow a
  // [table] header into that table.
  json top = j;
  top.erase("thresholds");
  top.erase("flags");
  std::string out;
  toml_keys(out, top, {"name", "binary", "description", "topology", "args", "kernel_cmdline", "sysctls",
                       "reserved_cpus"}, "");
  if (j.contains("thresholds")) {
    out += "\n[thresholds]\n";
    toml_keys(out, j["thresholds"], {}, "thresholds.");
  }
  for (const auto& f : j["flags"]) {
    out += "\n[[flags]]\n";
    toml_keys(out, f, {"name", "args", "requires", "fault", "description"}, "flags.");
  }
  return out;
}

SchedulerDef SchedulerDef::from_toml(std::string_view text, std::string_view source) {
  toml::table t;
  try {
    t = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    const auto& at = e.source().begin;
    fail("{}:{}:{}: {}", source, at.line, at.column, e.description());
  }
  return from_json(toml_to_json(t, "scheduler definition"));
}

SchedulerDef SchedulerDef::load(const fs::path& file) {
  const std::string text = read_file(file);
  SchedulerDef d;
  try {
    if (file.extension() == ".toml") {
      d = from_toml(text, file.string());
    } else {
      json j;
      try {
        j = json::parse(text);
      } catch (const json::exception& e) {  // parse_error, or out_of_range for "1e9999"
        fail("not valid JSON ({}); TOML files must end in .toml", e.what());
      }
      d = from_json(j);
    }
  } catch (const Error& e) {
    if (std::string_view(e.what()).starts_with(file.string())) throw;
    fail("{}: {}", file.string(), e.what());
  }
  if (d.binary.find('/') != std::string::npos && fs::path(d.binary).is_relative())
    d.binary = (file.parent_path() / d.binary).lexically_normal().string();
  return d;
}

void SchedulerDef::save(const fs::path& file) const {
  write_file_atomic(file, file.extension() == ".toml" ? to_toml() : to_json().dump(2) + "\n");
}

}  // namespace ktstr::scheduler
