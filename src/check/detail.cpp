#include "check/detail.hpp"

#include <array>
#include <utility>

namespace ktstr::check {
namespace {

constexpr std::array<std::pair<DetailKind, std::string_view>, 16> kNames{{
    {DetailKind::starvation, "starvation"},
    {DetailKind::fairness, "fairness"},
    {DetailKind::gap, "gap"},
    {DetailKind::isolation, "isolation"},
    {DetailKind::throughput, "throughput"},
    {DetailKind::wake_latency, "wake_latency"},
    {DetailKind::iteration_rate, "iteration_rate"},
    {DetailKind::migration, "migration"},
    {DetailKind::numa, "numa"},
    {DetailKind::weighted_share, "weighted_share"},
    {DetailKind::bandwidth, "bandwidth"},
    {DetailKind::freeze, "freeze"},
    {DetailKind::monitor, "monitor"},
    {DetailKind::scheduler, "scheduler"},
    {DetailKind::guest, "guest"},
    {DetailKind::other, "other"},
}};

}  // namespace

std::string_view kind_name(DetailKind k) {
  for (auto [kind, name] : kNames)
    if (kind == k) return name;
  return "other";
}

std::optional<DetailKind> kind_from_name(std::string_view name) {
  for (auto [kind, n] : kNames)
    if (n == name) return kind;
  return std::nullopt;
}

}  // namespace ktstr::check
