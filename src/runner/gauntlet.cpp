#include "runner/gauntlet.hpp"

#include <fmt/format.h>

#include "runner/test_name.hpp"
#include "util/error.hpp"
#include "util/files.hpp"

namespace ktstr::runner {
namespace {

std::string known_presets() {
  std::string s;
  for (const auto& p : topology::presets()) s += (s.empty() ? "" : ", ") + std::string(p.name);
  return s;
}

}  // namespace

std::vector<std::string> parse_preset_list(const std::string& text) {
  std::vector<std::string> out;
  for (const auto& part : split(text, ',')) {
    std::string name = trim(part);
    if (name.empty()) continue;
    if (!topology::find_preset(name)) fail("unknown topology preset '{}'; presets: {}", name, known_presets());
    out.push_back(name);
  }
  if (out.empty()) fail("--presets needs at least one preset name; presets: {}", known_presets());
  return out;
}

GauntletPlan expand_gauntlet(const GauntletRequest& req, const GauntletOptions& opts) {
  for (const auto& name : opts.presets)
    if (!topology::find_preset(name)) fail("unknown topology preset '{}'; presets: {}", name, known_presets());
  std::vector<scheduler::Profile> profiles{scheduler::Profile{}};
  if (req.scheduler) profiles = scheduler::expand_profiles(*req.scheduler, req.flags);

  GauntletPlan plan;
  std::vector<topology::Preset> wanted;
  for (const auto& p : topology::presets()) {
    bool listed = opts.presets.empty();
    for (const auto& n : opts.presets) listed = listed || n == p.name;
    if (listed) wanted.push_back(p);
  }
  auto by_test = topology::filter_presets(wanted, req.constraints);
  for (const auto& d : by_test.dropped) plan.dropped.push_back(fmt::format("{}: {}", d.preset.name, d.reason));
  auto by_host = topology::filter_by_capacity(by_test.kept, opts.capacity);
  for (const auto& d : by_host.dropped) plan.dropped.push_back(fmt::format("{}: {}", d.preset.name, d.reason));
  for (const auto& p : by_host.kept) {
    if (req.cannot_host) {
      if (auto why = req.cannot_host(p.topology)) {
        plan.dropped.push_back(fmt::format("{}: {}", p.name, *why));
        continue;
      }
    }
    for (const auto& prof : profiles)
      plan.variants.push_back({gauntlet_test_name(req.test, p.name, prof), req.test, std::string(p.name),
                               p.topology, prof});
  }
  return plan;
}

}  // namespace ktstr::runner
