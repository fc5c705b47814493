#pragma once
// GoogleTest reads the first '-' anywhere in --gtest_filter as the start of
// the negative patterns, so a filter naming a gauntlet variant
// ("gauntlet/Fixture.Steady/tiny-2llc/slow+short-timeout", which is what
// ctest passes) would be cut in two. Before the tests run, each '-' between
// two name characters becomes '?' when the piece of pattern holding it then
// matches a registered test; other '-' keep their meaning ("*-Slow*").
#include <string>
#include <vector>

namespace ktstr::testkit {

std::string protect_names_in_filter(const std::string& filter, const std::vector<std::string>& names);

// GoogleTest's wildcard match: '*' any string, '?' any character.
bool glob_match(const char* pattern, const char* text);

}  // namespace ktstr::testkit
