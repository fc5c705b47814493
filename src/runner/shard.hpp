#pragma once
// Sharding a run over several machines or processes the GoogleTest way:
// GTEST_TOTAL_SHARDS=N and GTEST_SHARD_INDEX=i give shard i the tests whose
// position p (in the run's stable order, after filtering) has p % N == i.
// Shards are disjoint and together complete. A KTSTR_TEST binary gets this
// from GoogleTest itself; `ktstr run` uses the same rule and variables.
#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

namespace ktstr::runner {

struct Shard {
  size_t index = 0;
  size_t total = 1;
  bool contains(size_t position) const { return position % total == index; }
};

// Both variables or neither; Error (exit 2) for one without the other,
// non-numbers, total 0 or index >= total.
std::optional<Shard> shard_from_env(std::optional<std::string_view> total, std::optional<std::string_view> index);
std::optional<Shard> shard_from_env();  // reads GTEST_TOTAL_SHARDS / GTEST_SHARD_INDEX

// The positions of `count` items that fall in the shard.
std::vector<size_t> shard_positions(size_t count, const Shard& s);

}  // namespace ktstr::runner
