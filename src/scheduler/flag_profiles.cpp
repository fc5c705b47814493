#include "scheduler/flag_profiles.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "util/error.hpp"
#include "util/files.hpp"

namespace ktstr::scheduler {
namespace {

using Set = std::vector<bool>;  // by flag index

std::string known_flags(const SchedulerDef& def) {
  if (def.flags.empty()) return "it has no flags";
  return fmt::format("known: {}", fmt::join(def.flag_names(), ", "));
}

int index_or_fail(const SchedulerDef& def, std::string_view flag, std::string_view role) {
  int i = def.flag_index(flag);
  if (i < 0) fail("scheduler '{}': {} flag '{}' is unknown ({})", def.name, role, flag, known_flags(def));
  return i;
}

// Adds `root` and everything it requires, transitively, to `in`; throws if
// any of them is excluded (naming the chain's start, which the user wrote).
void add_closure(const SchedulerDef& def, int root, const Set& excluded, Set& in) {
  std::vector<int> todo{root};
  while (!todo.empty()) {
    int i = todo.back();
    todo.pop_back();
    if (in[i]) continue;
    const FlagDef& f = def.flags[i];
    if (excluded[i]) {
      if (i == root) fail("scheduler '{}': flag '{}' is both required and excluded", def.name, f.name);
      fail("scheduler '{}': required flag '{}' needs '{}', which is excluded", def.name, def.flags[root].name, f.name);
    }
    in[i] = true;
    for (const auto& r : f.requires_flags) todo.push_back(index_or_fail(def, r, "required"));
  }
}

struct Resolved {
  Set required;  // the required flags' closure
  Set excluded;
};

Resolved resolve(const SchedulerDef& def, const FlagConstraints& c) {
  Resolved r{Set(def.flags.size()), Set(def.flags.size())};
  for (const auto& e : c.excluded) r.excluded[index_or_fail(def, e, "excluded")] = true;
  for (const auto& q : c.required) add_closure(def, index_or_fail(def, q, "required"), r.excluded, r.required);
  return r;
}

// Every flag's requirements are in the set too.
bool closed(const SchedulerDef& def, const Set& s) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (!s[i]) continue;
    for (const auto& r : def.flags[i].requires_flags)
      if (int j = def.flag_index(r); j < 0 || !s[j]) return false;
  }
  return true;
}

Profile to_profile(const SchedulerDef& def, const Set& s) {
  Profile p;
  for (size_t i = 0; i < s.size(); ++i)
    if (s[i]) p.flags.push_back(def.flags[i].name);
  return p;
}

}  // namespace

std::string Profile::name() const { return flags.empty() ? "default" : fmt::format("{}", fmt::join(flags, "+")); }

bool Profile::has(std::string_view flag) const { return std::find(flags.begin(), flags.end(), flag) != flags.end(); }

std::vector<Profile> expand_profiles(const SchedulerDef& def, const FlagConstraints& c) {
  const Resolved r = resolve(def, c);
  std::vector<size_t> optional;
  for (size_t i = 0; i < def.flags.size(); ++i)
    if (!r.required[i] && !r.excluded[i] && !def.flags[i].fault) optional.push_back(i);
  if (optional.size() > kMaxOptionalFlags)
    fail("scheduler '{}': {} optional flags would make {} profiles; exclude some (at most {} optional)", def.name,
         optional.size(), fmt::format("2^{}", optional.size()), kMaxOptionalFlags);

  std::vector<std::vector<size_t>> sets;  // ascending flag indices
  for (uint32_t mask = 0; mask < (1u << optional.size()); ++mask) {
    Set s = r.required;
    for (size_t b = 0; b < optional.size(); ++b)
      if (mask & (1u << b)) s[optional[b]] = true;
    if (!closed(def, s)) continue;
    std::vector<size_t> idx;
    for (size_t i = 0; i < s.size(); ++i)
      if (s[i]) idx.push_back(i);
    sets.push_back(std::move(idx));
  }
  // Smallest first, then definition order: stable names and run order
  // whatever order the masks came in.
  std::sort(sets.begin(), sets.end(), [](const auto& a, const auto& b) {
    return a.size() != b.size() ? a.size() < b.size() : a < b;
  });
  std::vector<Profile> out;
  for (const auto& idx : sets) {
    Profile p;
    for (size_t i : idx) p.flags.push_back(def.flags[i].name);
    out.push_back(std::move(p));
  }
  return out;
}

Profile base_profile(const SchedulerDef& def, const FlagConstraints& c) { return to_profile(def, resolve(def, c).required); }

Profile parse_flag_selection(const SchedulerDef& def, std::string_view text) {
  std::string spec(text);
  std::replace(spec.begin(), spec.end(), '+', ',');
  if (trim(spec) == "default") return {};
  Set s(def.flags.size());
  for (const auto& tok : split(spec, ',')) {
    std::string f = trim(tok);
    if (f.empty()) continue;
    int i = def.flag_index(f);
    if (i < 0) fail("unknown flag '{}' for scheduler '{}' ({})", f, def.name, known_flags(def));
    s[i] = true;
  }
  // No silent additions: the user picks exactly what runs.
  for (size_t i = 0; i < s.size(); ++i) {
    if (!s[i]) continue;
    for (const auto& r : def.flags[i].requires_flags)
      if (int j = def.flag_index(r); j < 0 || !s[j])
        fail("flag '{}' of scheduler '{}' requires '{}'; add it", def.flags[i].name, def.name, r);
  }
  return to_profile(def, s);
}

void check_profile(const SchedulerDef& def, const Profile& p, const FlagConstraints& c) {
  for (const auto& f : base_profile(def, c).flags)
    if (!p.has(f)) fail("flags {}: this test requires flag '{}' of scheduler '{}'", p.name(), f, def.name);
  for (const auto& f : c.excluded)
    if (p.has(f)) fail("flags {}: this test excludes flag '{}' of scheduler '{}'", p.name(), f, def.name);
}

std::vector<std::string> profile_args(const SchedulerDef& def, const Profile& p) {
  for (const auto& f : p.flags)
    if (!def.find_flag(f)) fail("scheduler '{}': profile {} has unknown flag '{}'", def.name, p.name(), f);
  std::vector<std::string> args = def.args;
  for (const auto& f : def.flags)
    if (p.has(f.name)) args.insert(args.end(), f.args.begin(), f.args.end());
  return args;
}

}  // namespace ktstr::scheduler
