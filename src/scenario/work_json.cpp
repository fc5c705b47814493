// JSON for the pieces of a cgroup: Work, its policies, CgroupDef.
#include "scenario/json_reader.hpp"
#include "scenario/scenario_json.hpp"

namespace ktstr::scenario {
using nlohmann::json;

namespace {

json mem_policy_to_json(const MemPolicy& m) {
  json j{{"mode", mode_name(m.mode)}};
  if (!m.nodes.empty()) j["nodes"] = m.nodes;
  if (m.static_nodes) j["static_nodes"] = true;
  if (m.relative_nodes) j["relative_nodes"] = true;
  return j;
}

MemPolicy mem_policy_from_json(const json& j, const std::string& path) {
  JsonObject o(j, path);
  MemPolicy m;
  auto mode = o.req<std::string>("mode");
  auto parsed = mode_from_name(mode);
  if (!parsed) fail("{}: unknown memory policy mode '{}'", o.at("mode"), mode);
  m.mode = *parsed;
  o.read("nodes", m.nodes);
  o.read("static_nodes", m.static_nodes);
  o.read("relative_nodes", m.relative_nodes);
  o.done();
  return m;
}

Limit limit_at(JsonObject& o, const char* key) {
  const json* v = o.get(key);
  if (v->is_string()) return parse_at(o.at(key), [&] { return Limit::parse(v->get<std::string>()); });
  return Limit::of(json_as<uint64_t>(*v, o.at(key)));
}

}  // namespace

void controls_to_json(json& j, const CgroupControls& c) {
  if (c.weight) j["weight"] = *c.weight;
  if (c.weight_nice) j["weight_nice"] = *c.weight_nice;
  if (c.cpu_max) j["cpu_max"] = c.cpu_max->to_string();
  if (c.idle) j["idle"] = *c.idle;
  auto limit = [](const Limit& l) { return l.value ? json(*l.value) : json("max"); };
  if (c.pids_max) j["pids_max"] = limit(*c.pids_max);
  if (c.memory_max) j["memory_max"] = limit(*c.memory_max);
}

CgroupControls controls_from_json(JsonObject& o) {
  CgroupControls c;
  c.weight = o.opt<uint32_t>("weight");
  c.weight_nice = o.opt<int32_t>("weight_nice");
  if (auto m = o.opt<std::string>("cpu_max")) c.cpu_max = parse_at(o.at("cpu_max"), [&] { return CpuMax::parse(*m); });
  c.idle = o.opt<bool>("idle");
  if (o.get("pids_max")) c.pids_max = limit_at(o, "pids_max");
  if (o.get("memory_max")) c.memory_max = limit_at(o, "memory_max");
  return c;
}

json work_to_json(const Work& w) {
  json j{{"type", w.type}};
  if (!w.params.empty()) j["params"] = w.params;
  if (w.workers) j["workers"] = *w.workers;
  if (w.policy != SchedPolicy{}) j["policy"] = w.policy.to_string();
  if (w.affinity != AffinityKind{}) j["affinity"] = w.affinity.to_string();
  if (w.mem_policy != MemPolicy{}) j["mem_policy"] = mem_policy_to_json(w.mem_policy);
  return j;
}

Work work_from_json(const json& j, const std::string& path) {
  JsonObject o(j, path);
  Work w;
  o.read("type", w.type);
  if (const json* p = o.get("params")) {
    if (!p->is_object()) fail("{}: expected a JSON object, got {}", o.at("params"), p->dump());
    w.params = *p;
  }
  if (auto n = o.opt<uint32_t>("workers")) w.workers = n;
  if (auto p = o.opt<std::string>("policy"))
    w.policy = parse_at(o.at("policy"), [&] { return SchedPolicy::parse(*p); });
  if (auto a = o.opt<std::string>("affinity"))
    w.affinity = parse_at(o.at("affinity"), [&] { return AffinityKind::parse(*a); });
  if (const json* m = o.get("mem_policy")) w.mem_policy = mem_policy_from_json(*m, o.at("mem_policy"));
  o.done();
  return w;
}

json cgroup_def_to_json(const CgroupDef& d) {
  json j{{"name", d.name}};
  if (d.cpuset) j["cpuset"] = d.cpuset->to_string();
  if (!d.works.empty()) {
    j["works"] = json::array();
    for (const auto& w : d.works) j["works"].push_back(work_to_json(w));
  }
  if (d.swappable) j["swappable"] = true;
  controls_to_json(j, d.controls);
  if (d.frozen) j["frozen"] = true;
  return j;
}

CgroupDef cgroup_def_from_json(const json& j, const std::string& path) {
  JsonObject o(j, path);
  CgroupDef d;
  d.name = o.req<std::string>("name");
  if (auto c = o.opt<std::string>("cpuset")) d.cpuset = parse_at(o.at("cpuset"), [&] { return CpusetSpec::parse(*c); });
  if (const json* ws = o.get("works")) {
    if (!ws->is_array()) fail("{}: expected an array, got {}", o.at("works"), ws->dump());
    for (size_t i = 0; i < ws->size(); ++i)
      d.works.push_back(work_from_json((*ws)[i], fmt::format("{}[{}]", o.at("works"), i)));
  }
  o.read("swappable", d.swappable);
  d.controls = controls_from_json(o);
  o.read("frozen", d.frozen);
  o.done();
  return d;
}

}  // namespace ktstr::scenario
