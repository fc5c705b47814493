#pragma once
// Which cgroups and payloads exist at each point of a scenario, walked in
// execution order. It remembers why a name is gone so a misuse reads as an
// explanation ("was created in step 1 and removed when that step ended")
// instead of a bare "not found". Step 0 is the backdrop.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace ktstr::scenario {

class Lifetimes {
 public:
  // `first_created`: the first step that declares each cgroup name (via a
  // CgroupDef or add_cgroup), to tell "not yet" from "never".
  explicit Lifetimes(std::map<std::string, uint32_t> first_created) : first_created_(std::move(first_created)) {}

  // `defs`: names this step's CgroupDefs will create after its ops.
  void begin_step(uint32_t step, std::set<std::string> defs);
  // Everything the step created dies (the backdrop's persists).
  void end_step();

  // Each returns an error text (without location prefix) or nullopt.
  std::optional<std::string> create_cgroup(const std::string& name);
  std::optional<std::string> remove_cgroup(const std::string& name, std::string_view by_op);
  std::optional<std::string> require_cgroup(const std::string& name) const;

  std::optional<std::string> start_payload(const std::string& name);
  // `how`: "waited for", "killed" — recorded as why it is gone.
  std::optional<std::string> stop_payload(const std::string& name, std::string_view how);

 private:
  struct Entry {
    bool alive = false;
    bool persistent = false;  // created by the backdrop
    uint32_t created = 0;
    std::string gone;  // why it no longer exists, phrased after the name
  };
  std::string where() const;
  std::string alive_cgroups() const;

  std::map<std::string, uint32_t> first_created_;
  std::map<std::string, Entry> cgroups_;
  std::map<std::string, Entry> payloads_;
  std::set<std::string> defs_;
  uint32_t step_ = 0;
};

// "backdrop" or "step N".
std::string step_label(uint32_t step);

}  // namespace ktstr::scenario
