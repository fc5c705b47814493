#pragma once
// Scheduling and memory policies a Work group's workers apply to themselves.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ktstr/scenario/cpu_layout.hpp"

namespace ktstr::scenario {

struct SchedPolicy {
  enum class Kind { normal, batch, idle, fifo, rr };
  Kind kind = Kind::normal;
  uint32_t priority = 0;  // 1..99 for fifo/rr, 0 otherwise

  static SchedPolicy normal() { return {}; }
  static SchedPolicy batch() { return {Kind::batch, 0}; }
  static SchedPolicy idle() { return {Kind::idle, 0}; }
  static SchedPolicy fifo(uint32_t prio) { return {Kind::fifo, prio}; }
  static SchedPolicy rr(uint32_t prio) { return {Kind::rr, prio}; }

  bool realtime() const { return kind == Kind::fifo || kind == Kind::rr; }
  std::optional<std::string> check() const;
  // "normal", "fifo(50)"; parse() is its inverse.
  std::string to_string() const;
  static SchedPolicy parse(std::string_view text);

  bool operator==(const SchedPolicy&) const = default;
};

struct MemPolicy {
  enum class Mode { default_policy, bind, preferred, interleave, local, preferred_many, weighted_interleave };
  Mode mode = Mode::default_policy;
  std::vector<uint32_t> nodes;
  bool static_nodes = false;    // MPOL_F_STATIC_NODES
  bool relative_nodes = false;  // MPOL_F_RELATIVE_NODES

  static MemPolicy bind(std::vector<uint32_t> nodes) { return {Mode::bind, std::move(nodes)}; }
  static MemPolicy preferred(uint32_t node) { return {Mode::preferred, {node}}; }
  static MemPolicy interleave(std::vector<uint32_t> nodes) { return {Mode::interleave, std::move(nodes)}; }
  static MemPolicy local() { return {Mode::local, {}}; }
  static MemPolicy preferred_many(std::vector<uint32_t> nodes) { return {Mode::preferred_many, std::move(nodes)}; }
  static MemPolicy weighted_interleave(std::vector<uint32_t> nodes) {
    return {Mode::weighted_interleave, std::move(nodes)};
  }

  // Node counts the mode needs, flag combinations the kernel rejects, and
  // (with a layout) nodes that do not exist.
  std::optional<std::string> check(const CpuLayout* layout = nullptr) const;
  // Where pages should land, for the page-locality check; empty = anywhere.
  std::vector<uint32_t> expected_nodes() const;
  std::string to_string() const;  // for messages: "bind(0-1,static)"

  bool operator==(const MemPolicy&) const = default;
};

std::string_view mode_name(MemPolicy::Mode m);
std::optional<MemPolicy::Mode> mode_from_name(std::string_view name);

}  // namespace ktstr::scenario
