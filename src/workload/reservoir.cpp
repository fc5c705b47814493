#include "workload/reservoir.hpp"

#include <utility>

namespace ktstr::workload {

Reservoir::Reservoir(size_t capacity, uint64_t seed) : capacity_(capacity), rng_(seed) {}

void Reservoir::add(uint64_t value) {
  ++seen_;
  if (samples_.size() < capacity_) {
    samples_.push_back(value);
    return;
  }
  if (capacity_ == 0) return;
  // Keep the new value with probability capacity/seen, replacing a uniform slot.
  std::uniform_int_distribution<uint64_t> pick(0, seen_ - 1);
  uint64_t j = pick(rng_);
  if (j < capacity_) samples_[j] = value;
}

std::vector<uint64_t> Reservoir::take() {
  return std::exchange(samples_, {});
}

}  // namespace ktstr::workload
