#pragma once
// Test names (PRODUCT.md §5): "ktstr/<test>" for a test's base variant,
// "gauntlet/<test>/<preset>/<profile>" for each gauntlet expansion.
#include <optional>
#include <string>
#include <string_view>

#include "scheduler/flag_profiles.hpp"

namespace ktstr::runner {

using scheduler::Profile;

std::string base_test_name(std::string_view test);  // "ktstr/<test>"
std::string gauntlet_test_name(std::string_view test, std::string_view preset, const Profile& p);

struct TestName {
  std::string test;
  std::string preset;   // gauntlet only
  std::string profile;  // gauntlet only
  bool gauntlet = false;
  bool operator==(const TestName&) const = default;
};
// The inverse of the two above; nullopt for anything else.
std::optional<TestName> parse_test_name(std::string_view name);

}  // namespace ktstr::runner
