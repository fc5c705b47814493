#pragma once
// std::visit helper: one lambda per alternative.
namespace ktstr::scenario {

template <typename... F>
struct Overload : F... {
  using F::operator()...;
};

}  // namespace ktstr::scenario
