#include "topology/capacity.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cstdlib>

#include "util/error.hpp"
#include "util/files.hpp"

namespace ktstr::topology {

HostCapacity host_capacity(bool software_emulation, uint32_t host_cpus,
                           std::optional<std::string_view> env_max_vcpus) {
  if (env_max_vcpus) {
    std::string s = trim(*env_max_vcpus);
    uint32_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || p != s.data() + s.size() || v == 0)
      fail("KTSTR_MAX_VCPUS='{}' must be a positive number of vCPUs", s);
    return {v, "KTSTR_MAX_VCPUS"};
  }
  if (software_emulation)
    return {kTcgDefaultMaxVcpus, "default under software emulation (TCG); set KTSTR_MAX_VCPUS to change"};
  uint32_t v = std::min(std::max(host_cpus, 1u) * 2, kDefaultMaxCpus);
  return {v, fmt::format("default under KVM: 2 per host CPU ({} host CPUs); set KTSTR_MAX_VCPUS to change",
                         host_cpus)};
}

HostCapacity host_capacity(bool software_emulation, uint32_t host_cpus) {
  const char* env = std::getenv("KTSTR_MAX_VCPUS");
  return host_capacity(software_emulation, host_cpus,
                       env ? std::optional<std::string_view>(env) : std::nullopt);
}

PresetSelection filter_by_capacity(const std::vector<Preset>& in, const HostCapacity& cap) {
  PresetSelection out;
  for (const auto& pr : in) {
    if (pr.topology.cpus() > cap.max_vcpus)
      out.dropped.push_back(
          {pr, fmt::format("{} vCPUs is more than the host allows ({}: {})", pr.topology.cpus(),
                           cap.max_vcpus, cap.source)});
    else
      out.kept.push_back(pr);
  }
  return out;
}

}  // namespace ktstr::topology
