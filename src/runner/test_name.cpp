#include "runner/test_name.hpp"

#include <fmt/format.h>

#include "util/files.hpp"

namespace ktstr::runner {

std::string base_test_name(std::string_view test) { return fmt::format("ktstr/{}", test); }

std::string gauntlet_test_name(std::string_view test, std::string_view preset, const Profile& p) {
  return fmt::format("gauntlet/{}/{}/{}", test, preset, p.name());
}

std::optional<TestName> parse_test_name(std::string_view name) {
  const auto parts = split(name, '/');
  for (const auto& part : parts)
    if (part.empty()) return std::nullopt;
  if (parts.size() == 2 && parts[0] == "ktstr") return TestName{parts[1], "", "", false};
  if (parts.size() == 4 && parts[0] == "gauntlet") return TestName{parts[1], parts[2], parts[3], true};
  return std::nullopt;
}

}  // namespace ktstr::runner
