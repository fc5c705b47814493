#include "workload/custom_work.hpp"

#include <map>
#include <mutex>

#include "util/error.hpp"

namespace ktstr::workload {
namespace {

// Filled by static initialisers of the test binary (KTSTR_WORK), read later.
struct Registry {
  std::mutex mu;
  std::map<std::string, CustomWork, std::less<>> fns;
};
Registry& registry() {
  static Registry r;
  return r;
}

}  // namespace

void register_custom_work(std::string name, CustomWork fn) {
  if (name.empty()) fail("custom work: empty name");
  if (!fn) fail("custom work '{}': no function", name);
  bool builtin = true;
  try {
    WorkType::parse(name);
  } catch (const Error&) {
    builtin = false;
  }
  if (builtin) fail("custom work '{}': a built-in work type has this name", name);
  auto& r = registry();
  std::lock_guard lock(r.mu);
  if (r.fns.count(name)) fail("custom work '{}' registered twice", name);
  r.fns.emplace(std::move(name), std::move(fn));
}

const CustomWork* find_custom_work(std::string_view name) {
  auto& r = registry();
  std::lock_guard lock(r.mu);
  auto it = r.fns.find(name);
  return it == r.fns.end() ? nullptr : &it->second;
}

std::vector<std::string> custom_work_names() {
  auto& r = registry();
  std::lock_guard lock(r.mu);
  std::vector<std::string> out;
  for (const auto& [n, f] : r.fns) out.push_back(n);
  return out;
}

}  // namespace ktstr::workload
