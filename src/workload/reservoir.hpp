#pragma once
// Fixed-capacity uniform sample of a stream (Vitter's Algorithm R), so a
// worker that wakes millions of times still reports a bounded, unbiased set
// of wake latencies.
#include <cstdint>
#include <random>
#include <vector>

namespace ktstr::workload {

class Reservoir {
 public:
  explicit Reservoir(size_t capacity, uint64_t seed = 0x6b747374u);

  void add(uint64_t value);
  const std::vector<uint64_t>& samples() const { return samples_; }
  uint64_t seen() const { return seen_; }
  size_t capacity() const { return capacity_; }
  // Moves the samples out; seen() keeps counting the whole stream.
  std::vector<uint64_t> take();

 private:
  size_t capacity_;
  uint64_t seen_ = 0;
  std::vector<uint64_t> samples_;
  std::mt19937_64 rng_;
};

}  // namespace ktstr::workload
