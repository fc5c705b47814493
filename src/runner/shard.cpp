#include "runner/shard.hpp"

#include <charconv>
#include <cstdlib>
#include <string>

#include "util/error.hpp"
#include "util/files.hpp"

namespace ktstr::runner {
namespace {

size_t parse_count(std::string_view var, std::string_view text) {
  std::string s = trim(text);
  size_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size())
    fail("{}='{}' is not a non-negative number", var, s);
  return v;
}

}  // namespace

std::optional<Shard> shard_from_env(std::optional<std::string_view> total, std::optional<std::string_view> index) {
  if (!total && !index) return std::nullopt;
  if (!total || !index) fail("GTEST_TOTAL_SHARDS and GTEST_SHARD_INDEX must be set together");
  Shard s{parse_count("GTEST_SHARD_INDEX", *index), parse_count("GTEST_TOTAL_SHARDS", *total)};
  if (s.total == 0) fail("GTEST_TOTAL_SHARDS must be at least 1");
  if (s.index >= s.total) fail("GTEST_SHARD_INDEX={} must be below GTEST_TOTAL_SHARDS={}", s.index, s.total);
  return s;
}

std::optional<Shard> shard_from_env() {
  auto get = [](const char* n) -> std::optional<std::string_view> {
    const char* v = std::getenv(n);
    return v ? std::optional<std::string_view>(v) : std::nullopt;
  };
  return shard_from_env(get("GTEST_TOTAL_SHARDS"), get("GTEST_SHARD_INDEX"));
}

std::vector<size_t> shard_positions(size_t count, const Shard& s) {
  std::vector<size_t> out;
  for (size_t i = 0; i < count; ++i)
    if (s.contains(i)) out.push_back(i);
  return out;
}

}  // namespace ktstr::runner
