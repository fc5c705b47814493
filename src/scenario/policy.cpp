#include "scenario/policy.hpp"

#include <array>
#include <utility>

#include "scenario/spec_text.hpp"
#include "util/error.hpp"

namespace ktstr::scenario {
namespace {

using Mode = MemPolicy::Mode;

constexpr std::array<std::pair<SchedPolicy::Kind, std::string_view>, 5> kSchedNames{{
    {SchedPolicy::Kind::normal, "normal"},
    {SchedPolicy::Kind::batch, "batch"},
    {SchedPolicy::Kind::idle, "idle"},
    {SchedPolicy::Kind::fifo, "fifo"},
    {SchedPolicy::Kind::rr, "rr"},
}};

constexpr std::array<std::pair<Mode, std::string_view>, 7> kModeNames{{
    {Mode::default_policy, "default"},
    {Mode::bind, "bind"},
    {Mode::preferred, "preferred"},
    {Mode::interleave, "interleave"},
    {Mode::local, "local"},
    {Mode::preferred_many, "preferred_many"},
    {Mode::weighted_interleave, "weighted_interleave"},
}};

std::string_view sched_name(SchedPolicy::Kind k) {
  for (auto [kind, name] : kSchedNames)
    if (kind == k) return name;
  return "?";
}

}  // namespace

std::optional<std::string> SchedPolicy::check() const {
  if (realtime() && (priority < 1 || priority > 99))
    return fmt::format("policy {}: priority must be 1..99", to_string());
  if (!realtime() && priority != 0) return fmt::format("policy {} takes no priority", sched_name(kind));
  return std::nullopt;
}

std::string SchedPolicy::to_string() const {
  return realtime() ? fmt::format("{}({})", sched_name(kind), priority) : std::string(sched_name(kind));
}

SchedPolicy SchedPolicy::parse(std::string_view text) {
  SpecText t = SpecText::parse(text, "policy");
  for (auto [kind, name] : kSchedNames) {
    if (t.name != name) continue;
    SchedPolicy p{kind, 0};
    if (p.realtime()) {
      t.arity(1);
      p.priority = t.u32(0);
    } else if (t.has_parens) {
      t.arity(0);
    }
    return p;
  }
  fail("bad policy '{}': expected normal, batch, idle, fifo(prio) or rr(prio)", text);
}

std::string_view mode_name(Mode m) {
  for (auto [mode, name] : kModeNames)
    if (mode == m) return name;
  return "?";
}

std::optional<Mode> mode_from_name(std::string_view name) {
  for (auto [mode, n] : kModeNames)
    if (n == name) return mode;
  return std::nullopt;
}

std::optional<std::string> MemPolicy::check(const CpuLayout* layout) const {
  const std::string me = to_string();
  const bool wants_nodes = mode != Mode::default_policy && mode != Mode::local;
  if (!wants_nodes && !nodes.empty()) return fmt::format("mempolicy {}: mode takes no nodes", me);
  if (wants_nodes && nodes.empty()) return fmt::format("mempolicy {}: needs at least one node", me);
  if (mode == Mode::preferred && nodes.size() != 1)
    return fmt::format("mempolicy {}: preferred takes one node (use preferred_many for several)", me);
  if (static_nodes && relative_nodes)
    return fmt::format("mempolicy {}: static and relative nodes exclude each other", me);
  if ((static_nodes || relative_nodes) && !wants_nodes) return fmt::format("mempolicy {}: node flags need nodes", me);
  if (layout)
    for (uint32_t n : nodes)
      if (n >= layout->node_cpus.size() && !relative_nodes)
        return fmt::format("mempolicy {}: node {} does not exist (topology has {} node(s))", me, n,
                           layout->node_cpus.size());
  return std::nullopt;
}

std::vector<uint32_t> MemPolicy::expected_nodes() const {
  // Relative node numbers are remapped by the kernel; do not guess.
  if (relative_nodes) return {};
  return nodes;
}

std::string MemPolicy::to_string() const {
  std::string args = format_cpu_list(nodes);
  if (static_nodes) args += args.empty() ? "static" : ",static";
  if (relative_nodes) args += args.empty() ? "relative" : ",relative";
  return args.empty() ? std::string(mode_name(mode)) : fmt::format("{}({})", mode_name(mode), args);
}

}  // namespace ktstr::scenario
