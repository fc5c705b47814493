#include "scenario/lifetimes.hpp"

#include <fmt/format.h>

namespace ktstr::scenario {
namespace {

std::string parent_of(const std::string& name) {
  auto slash = name.rfind('/');
  return slash == std::string::npos ? std::string() : name.substr(0, slash);
}

}  // namespace

std::string step_label(uint32_t step) { return step == 0 ? "backdrop" : fmt::format("step {}", step); }

std::string Lifetimes::where() const { return step_ == 0 ? "the backdrop" : fmt::format("step {}", step_); }

void Lifetimes::begin_step(uint32_t step, std::set<std::string> defs) {
  step_ = step;
  defs_ = std::move(defs);
}

void Lifetimes::end_step() {
  if (step_ == 0) return;  // backdrop state persists
  for (auto& [name, e] : cgroups_)
    if (e.alive && !e.persistent) {
      e.alive = false;
      e.gone = fmt::format(
          "was created in step {} and removed when that step ended; declare it in the backdrop to keep it", e.created);
    }
  for (auto& [name, e] : payloads_)
    if (e.alive && !e.persistent) {
      e.alive = false;
      e.gone = fmt::format(
          "was started in step {} and stopped when that step ended; start it in the backdrop to keep it", e.created);
    }
  defs_.clear();
}

std::string Lifetimes::alive_cgroups() const {
  std::string out;
  for (const auto& [name, e] : cgroups_)
    if (e.alive) out += (out.empty() ? "" : ", ") + name;
  return out.empty() ? "no cgroups exist here" : "existing: " + out;
}

std::optional<std::string> Lifetimes::require_cgroup(const std::string& name) const {
  if (auto it = cgroups_.find(name); it != cgroups_.end()) {
    if (it->second.alive) return std::nullopt;
    return fmt::format("cgroup '{}' {}", name, it->second.gone);
  }
  if (defs_.count(name))
    return fmt::format(
        "cgroup '{}' is created by this step's cgroups, which are set up after its ops run; "
        "create it with add_cgroup first or declare it in the backdrop",
        name);
  if (auto it = first_created_.find(name); it != first_created_.end() && it->second > step_)
    return fmt::format("cgroup '{}' is only created in step {}", name, it->second);
  return fmt::format("cgroup '{}' does not exist ({})", name, alive_cgroups());
}

std::optional<std::string> Lifetimes::create_cgroup(const std::string& name) {
  if (auto it = cgroups_.find(name); it != cgroups_.end() && it->second.alive)
    return fmt::format("cgroup '{}' already exists (created in {})", name, step_label(it->second.created));
  std::optional<std::string> err;
  if (std::string parent = parent_of(name); !parent.empty()) {
    if (auto perr = require_cgroup(parent)) err = fmt::format("parent of '{}': {}", name, *perr);
  }
  // Recorded even after an error so later uses do not repeat it.
  cgroups_[name] = Entry{true, step_ == 0, step_, {}};
  return err;
}

std::optional<std::string> Lifetimes::remove_cgroup(const std::string& name, std::string_view by_op) {
  if (auto err = require_cgroup(name)) return err;
  for (const auto& [other, e] : cgroups_)
    if (e.alive && other.size() > name.size() && other.compare(0, name.size() + 1, name + "/") == 0)
      return fmt::format("cgroup '{}' still has child '{}'; remove the child first", name, other);
  Entry& e = cgroups_[name];
  e.alive = false;
  e.gone = fmt::format("was removed by {} in {}", by_op, step_label(step_));
  return std::nullopt;
}

std::optional<std::string> Lifetimes::start_payload(const std::string& name) {
  Entry& e = payloads_[name];
  if (e.alive) return fmt::format("payload '{}' is already running (started in {})", name, step_label(e.created));
  e = Entry{true, step_ == 0, step_, {}};
  return std::nullopt;
}

std::optional<std::string> Lifetimes::stop_payload(const std::string& name, std::string_view how) {
  auto it = payloads_.find(name);
  if (it == payloads_.end())
    return fmt::format("payload '{}' is not running here; start it with run_payload first", name);
  if (!it->second.alive) return fmt::format("payload '{}' is not running here: it {}", name, it->second.gone);
  it->second.alive = false;
  it->second.gone = fmt::format("was {} in {}", how, step_label(step_));
  return std::nullopt;
}

}  // namespace ktstr::scenario
