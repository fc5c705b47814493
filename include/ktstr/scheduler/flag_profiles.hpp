#pragma once
// Flag profiles (PRODUCT.md §4/§5): a profile is the set of a scheduler's
// flags one VM runs with. The gauntlet runs every subset of the optional
// (non-fault, non-excluded) flags that satisfies `requires`, each on top of
// the test's required flags; a user picks one with `--flags a,b`.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ktstr/scheduler/scheduler_def.hpp"

namespace ktstr::scheduler {

struct Profile {
  std::vector<std::string> flags;  // in the definition's order

  // Flags joined by '+', or "default" for none.
  std::string name() const;
  bool has(std::string_view flag) const;
  bool operator==(const Profile&) const = default;
};

// A test's per-test options.
struct FlagConstraints {
  std::vector<std::string> required;  // on in every profile (with what they require)
  std::vector<std::string> excluded;  // never on
};

// More optional flags than this would mean >65536 VMs; exclude some instead.
inline constexpr size_t kMaxOptionalFlags = 16;

// Every valid profile, smallest first, then in definition order ({}, {a},
// {b}, {a,b} ...). Required flags pull in what they require; fault flags are
// only ever on when required. Throws ktstr::Error for a required or excluded
// flag the scheduler does not have, a required flag that is (or needs one
// that is) excluded, or too many optional flags.
std::vector<Profile> expand_profiles(const SchedulerDef& def, const FlagConstraints& c = {});

// The smallest profile: the required flags and what they require. The base
// variant (ktstr/<test>) runs this one. Same errors as expand_profiles().
Profile base_profile(const SchedulerDef& def, const FlagConstraints& c = {});

// `--flags a,b` ('+' also separates, so a profile name from a gauntlet test
// name can be pasted; "" or "default" is the empty profile). Fault flags may
// be named. Throws for an unknown flag (listing the known ones) or a flag
// whose requirement is missing (naming both). The message does not say
// where the text came from (--flags, a gauntlet test name, a scenario
// file): each caller prefixes that.
Profile parse_flag_selection(const SchedulerDef& def, std::string_view text);

// A --flags selection against a test's constraints: throws if it lacks a
// required flag or has an excluded one.
void check_profile(const SchedulerDef& def, const Profile& p, const FlagConstraints& c);

// The scheduler's fixed args, then each flag's args in definition order.
std::vector<std::string> profile_args(const SchedulerDef& def, const Profile& p);

}  // namespace ktstr::scheduler
