#pragma once
// Bad inputs made from real files: a truncated copy of the real kernel, a
// real ELF re-stamped for another architecture, a real binary whose needed
// library no longer exists, and scenario/scheduler files with one mistake.
#include <filesystem>
#include <string>

namespace ktstr::clitest {

// Creates every fixture under `dir`; `kernel` is the real guest kernel.
void write_fixtures(const std::filesystem::path& dir, const std::filesystem::path& kernel);
// The run store and policy files of the `stats` cases (stats_fixtures.cpp).
void write_stats_fixtures(const std::filesystem::path& dir);

}  // namespace ktstr::clitest
