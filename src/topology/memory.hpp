#pragma once
// How much guest memory a topology gets, and how it splits over NUMA nodes.
#include <cstdint>
#include <vector>

namespace ktstr::topology {

struct Topology;

constexpr uint64_t kMemoryPerCpuMb = 64;
constexpr uint64_t kMinGuestMemoryMb = 256;
// Smallest node we create: Linux ignores nodes under 4 MiB outright, and a
// node needs room for its own struct pages and per-node kernel data.
constexpr uint64_t kMinNodeMemoryMb = 64;

// PRODUCT.md §1: max(CPUs × 64 MiB, 256 MiB, requested). When every node
// declares its memory, the guest gets exactly their sum (a different
// non-zero `requested_mb` is an error); nodes left at 0 get at least the
// per-node minimum each.
uint64_t default_memory_mb(const Topology& t, uint64_t requested_mb = 0);

// MiB per node (index = node id), summing to total_mb: declared sizes as
// given, the rest split evenly over the other nodes in 2 MiB steps (so node
// boundaries stay huge-page aligned), the last of them taking the remainder.
// Throws ktstr::Error when total_mb cannot satisfy the declared sizes.
std::vector<uint64_t> node_memory_mb(const Topology& t, uint64_t total_mb);

}  // namespace ktstr::topology
