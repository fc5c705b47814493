#include "runner/job_slots.hpp"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <string>

#include "util/error.hpp"
#include "util/files.hpp"

namespace ktstr::runner {

HostResources read_host_resources() {
  HostResources h;
  long n = ::sysconf(_SC_NPROCESSORS_ONLN);
  h.cpus = n > 0 ? static_cast<uint32_t>(n) : 1;
  if (auto mi = try_read_file("/proc/meminfo")) {
    for (const auto& line : split(*mi, '\n')) {
      if (line.rfind("MemAvailable:", 0) != 0) continue;
      h.mem_available_mb = std::strtoull(line.c_str() + 13, nullptr, 10) / 1024;
    }
  }
  return h;
}

size_t default_jobs(const HostResources& host, uint64_t vm_memory_mb) {
  size_t by_cpu = std::max<uint32_t>(host.cpus, 1);
  size_t by_mem = host.mem_available_mb ? host.mem_available_mb / (vm_memory_mb + kVmOverheadMb) : by_cpu;
  return std::max<size_t>(1, std::min(by_cpu, by_mem));
}

size_t parse_jobs(std::string_view text, std::string_view what) {
  std::string s = trim(text);
  size_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size() || v == 0)
    fail("{} '{}' must be a positive number of parallel VMs", what, s);
  return v;
}

}  // namespace ktstr::runner
