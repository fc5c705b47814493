// JSON for ops, holds, steps and whole scenarios.
#include "scenario/scenario_json.hpp"

#include "scenario/json_reader.hpp"
#include "scenario/overload.hpp"

namespace ktstr::scenario {
using nlohmann::json;

namespace {

CpusetSpec cpuset_at(JsonObject& o, const char* key) {
  auto text = o.req<std::string>(key);
  return parse_at(o.at(key), [&] { return CpusetSpec::parse(text); });
}

Op op_fields_from_json(JsonObject& o, const std::string& name) {
  auto cg = [&](const char* key = "cgroup") { return o.req<std::string>(key); };
  auto work = [&] { return work_from_json(o.get("work") ? *o.get("work") : json::object(), o.at("work")); };
  if (name == "add_cgroup") {
    op::AddCgroup x{cg(), std::nullopt};
    if (o.get("cpuset")) x.cpuset = cpuset_at(o, "cpuset");
    return x;
  }
  if (name == "remove_cgroup") return op::RemoveCgroup{cg()};
  if (name == "set_cpuset") return op::SetCpuset{cg(), cpuset_at(o, "cpuset")};
  if (name == "clear_cpuset") return op::ClearCpuset{cg()};
  if (name == "swap_cpusets") return op::SwapCpusets{cg("a"), cg("b")};
  if (name == "spawn_workers") return op::SpawnWorkers{cg(), work()};
  if (name == "stop_workers") return op::StopWorkers{cg()};
  if (name == "set_affinity") {
    auto text = o.req<std::string>("affinity");
    return op::SetAffinity{cg(), parse_at(o.at("affinity"), [&] { return AffinityKind::parse(text); })};
  }
  if (name == "spawn_host") return op::SpawnHost{work()};
  if (name == "move_tasks") return op::MoveTasks{cg("from"), cg("to")};
  if (name == "run_payload") {
    op::RunPayload x{o.req<std::string>("payload"), {}, std::nullopt};
    o.read("args", x.args);
    if (auto c = o.opt<std::string>("cgroup")) x.cgroup = c;
    return x;
  }
  if (name == "wait_payload") return op::WaitPayload{o.req<std::string>("payload"), o.opt<uint32_t>("timeout_ms")};
  if (name == "kill_payload") return op::KillPayload{o.req<std::string>("payload")};
  if (name == "set_cgroup") {
    op::SetCgroup x{cg(), {}};
    x.controls = controls_from_json(o);
    if (x.controls.empty())
      fail("{}: set_cgroup sets nothing (give weight, weight_nice, cpu_max, idle, pids_max or memory_max)", o.path());
    return x;
  }
  if (name == "freeze") return op::Freeze{cg()};
  if (name == "thaw") return op::Thaw{cg()};
  auto sched = [&] {
    SchedulerChoice c{o.req<std::string>("scheduler"), {}, {}};
    o.read("flags", c.flags);
    o.read("args", c.args);
    return c;
  };
  if (name == "attach_scheduler") return op::AttachScheduler{sched()};
  if (name == "replace_scheduler") return op::ReplaceScheduler{sched()};
  if (name == "detach_scheduler") return op::DetachScheduler{};
  if (name == "restart_scheduler") return op::RestartScheduler{};
  fail("{}: unknown op '{}'", o.at("op"), name);
}

json scheduler_choice_json(const SchedulerChoice& c) {
  json j{{"scheduler", c.name}};
  if (!c.flags.empty()) j["flags"] = c.flags;
  if (!c.args.empty()) j["args"] = c.args;
  return j;
}

json hold_to_json(const Hold& h) {
  switch (h.kind) {
    case Hold::Kind::fraction: return {{"fraction", h.fraction}};
    case Hold::Kind::fixed: return {{"fixed_ms", h.time.count()}};
    case Hold::Kind::loop: return {{"loop_ms", h.time.count()}};
  }
  return json::object();
}

Hold hold_from_json(const json& j, const std::string& path) {
  JsonObject o(j, path);
  std::optional<Hold> h;
  auto pick = [&](Hold v) {
    if (h) fail("{}: give exactly one of fraction, fixed_ms, loop_ms", path);
    h = v;
  };
  if (auto f = o.opt<double>("fraction")) pick(Hold::frac(*f));
  if (auto ms = o.opt<int64_t>("fixed_ms")) pick(Hold::fixed(std::chrono::milliseconds(*ms)));
  if (auto ms = o.opt<int64_t>("loop_ms")) pick(Hold::loop(std::chrono::milliseconds(*ms)));
  o.done();
  if (!h) fail("{}: give exactly one of fraction, fixed_ms, loop_ms", path);
  return *h;
}

template <typename T, typename F>
std::vector<T> array_at(JsonObject& o, const char* key, F&& one) {
  std::vector<T> out;
  const json* a = o.get(key);
  if (!a) return out;
  if (!a->is_array()) fail("{}: expected an array, got {}", o.at(key), a->dump());
  for (size_t i = 0; i < a->size(); ++i) out.push_back(one((*a)[i], fmt::format("{}[{}]", o.at(key), i)));
  return out;
}

template <typename T, typename F>
void put_array(json& j, const char* key, const std::vector<T>& v, F&& one) {
  if (v.empty()) return;
  json a = json::array();
  for (const auto& x : v) a.push_back(one(x));
  j[key] = std::move(a);
}

json needs_to_json(const TopologyNeeds& t) {
  json j = json::object();
  if (t.min_llcs) j["min_llcs"] = t.min_llcs;
  if (t.min_nodes) j["min_nodes"] = t.min_nodes;
  if (t.min_cpus) j["min_cpus"] = t.min_cpus;
  if (t.smt) j["smt"] = true;
  return j;
}

TopologyNeeds needs_from_json(const json& j, const std::string& path) {
  JsonObject o(j, path);
  TopologyNeeds t;
  o.read("min_llcs", t.min_llcs);
  o.read("min_nodes", t.min_nodes);
  o.read("min_cpus", t.min_cpus);
  o.read("smt", t.smt);
  o.done();
  return t;
}

}  // namespace

json op_to_json(const Op& o) {
  json j = std::visit(Overload{
                          [](const op::AddCgroup& x) {
                            json j{{"cgroup", x.cgroup}};
                            if (x.cpuset) j["cpuset"] = x.cpuset->to_string();
                            return j;
                          },
                          [](const op::RemoveCgroup& x) {
                            return json{{"cgroup", x.cgroup}};
                          },
                          [](const op::SetCpuset& x) {
                            return json{{"cgroup", x.cgroup}, {"cpuset", x.cpuset.to_string()}};
                          },
                          [](const op::ClearCpuset& x) {
                            return json{{"cgroup", x.cgroup}};
                          },
                          [](const op::SwapCpusets& x) {
                            return json{{"a", x.a}, {"b", x.b}};
                          },
                          [](const op::SpawnWorkers& x) {
                            return json{{"cgroup", x.cgroup}, {"work", work_to_json(x.work)}};
                          },
                          [](const op::StopWorkers& x) {
                            return json{{"cgroup", x.cgroup}};
                          },
                          [](const op::SetAffinity& x) {
                            return json{{"cgroup", x.cgroup}, {"affinity", x.affinity.to_string()}};
                          },
                          [](const op::SpawnHost& x) {
                            return json{{"work", work_to_json(x.work)}};
                          },
                          [](const op::MoveTasks& x) {
                            return json{{"from", x.from}, {"to", x.to}};
                          },
                          [](const op::RunPayload& x) {
                            json j{{"payload", x.payload}};
                            if (!x.args.empty()) j["args"] = x.args;
                            if (x.cgroup) j["cgroup"] = *x.cgroup;
                            return j;
                          },
                          [](const op::WaitPayload& x) {
                            json j{{"payload", x.payload}};
                            if (x.timeout_ms) j["timeout_ms"] = *x.timeout_ms;
                            return j;
                          },
                          [](const op::KillPayload& x) {
                            return json{{"payload", x.payload}};
                          },
                          [](const op::SetCgroup& x) {
                            json j{{"cgroup", x.cgroup}};
                            controls_to_json(j, x.controls);
                            return j;
                          },
                          [](const op::Freeze& x) { return json{{"cgroup", x.cgroup}}; },
                          [](const op::Thaw& x) { return json{{"cgroup", x.cgroup}}; },
                          [](const op::AttachScheduler& x) { return scheduler_choice_json(x.scheduler); },
                          [](const op::ReplaceScheduler& x) { return scheduler_choice_json(x.scheduler); },
                          [](const auto&) { return json::object(); },  // detach, restart
                      },
                      o);
  j["op"] = op_name(o);
  return j;
}

Op op_from_json(const json& j, const std::string& path) {
  JsonObject o(j, path);
  Op out = op_fields_from_json(o, o.req<std::string>("op"));
  o.done();
  return out;
}

json step_to_json(const Step& s) {
  json j = json::object();
  put_array(j, "ops", s.ops, op_to_json);
  put_array(j, "cgroups", s.cgroups, cgroup_def_to_json);
  j["hold"] = hold_to_json(s.hold);
  return j;
}

Step step_from_json(const json& j, const std::string& path) {
  JsonObject o(j, path);
  Step s;
  s.ops = array_at<Op>(o, "ops", [](const json& x, const std::string& p) { return op_from_json(x, p); });
  s.cgroups =
      array_at<CgroupDef>(o, "cgroups", [](const json& x, const std::string& p) { return cgroup_def_from_json(x, p); });
  if (const json* h = o.get("hold")) s.hold = hold_from_json(*h, o.at("hold"));
  o.done();
  return s;
}

json scenario_to_json(const Scenario& s) {
  json j{{"name", s.name},
         {"description", s.description},
         {"duration_ms", s.duration.count()},
         {"settle_ms", s.settle.count()},
         {"workers_per_cgroup", s.workers_per_cgroup}};
  if (!s.backdrop.empty()) {
    json b = json::object();
    put_array(b, "ops", s.backdrop.ops, op_to_json);
    put_array(b, "cgroups", s.backdrop.cgroups, cgroup_def_to_json);
    j["backdrop"] = std::move(b);
  }
  j["steps"] = json::array();
  for (const auto& st : s.steps) j["steps"].push_back(step_to_json(st));
  if (!s.thresholds.empty()) j["thresholds"] = s.thresholds.to_json();
  if (!s.required_flags.empty()) j["required_flags"] = s.required_flags;
  if (!s.excluded_flags.empty()) j["excluded_flags"] = s.excluded_flags;
  if (s.topology != TopologyNeeds{}) j["topology"] = needs_to_json(s.topology);
  return j;
}

Scenario scenario_from_json(const json& j, const std::string& path) {
  JsonObject o(j, path);
  Scenario s;
  o.read("name", s.name);
  o.read("description", s.description);
  if (auto ms = o.opt<int64_t>("duration_ms")) s.duration = std::chrono::milliseconds(*ms);
  if (auto ms = o.opt<int64_t>("settle_ms")) s.settle = std::chrono::milliseconds(*ms);
  o.read("workers_per_cgroup", s.workers_per_cgroup);
  if (const json* b = o.get("backdrop")) {
    JsonObject bo(*b, o.at("backdrop"));
    s.backdrop.ops = array_at<Op>(bo, "ops", [](const json& x, const std::string& p) { return op_from_json(x, p); });
    s.backdrop.cgroups = array_at<CgroupDef>(
        bo, "cgroups", [](const json& x, const std::string& p) { return cgroup_def_from_json(x, p); });
    bo.done();
  }
  s.steps = array_at<Step>(o, "steps", [](const json& x, const std::string& p) { return step_from_json(x, p); });
  if (const json* t = o.get("thresholds"))
    s.thresholds = parse_at(o.at("thresholds"), [&] { return check::Thresholds::from_json(*t); });
  o.read("required_flags", s.required_flags);
  o.read("excluded_flags", s.excluded_flags);
  if (const json* t = o.get("topology")) s.topology = needs_from_json(*t, o.at("topology"));
  o.done();
  return s;
}

Scenario scenario_from_text(std::string_view text) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception& e) {
    // Not only parse_error: a number too large for a double ("1e9999")
    // is an out_of_range (found by fuzz_scenario; regression input in
    // fuzz/seeds/fuzz_scenario/number-overflow.json).
    fail("scenario: not valid JSON: {}", e.what());
  }
  return scenario_from_json(j);
}

}  // namespace ktstr::scenario
